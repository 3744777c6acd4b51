import { loadDataset } from '../genres/dataset.js';
import { crossValidate, heldOutEvaluation } from '../genres/evaluate.js';
import { FEATURE_SETS, libraryModels, trainGenreModels } from '../genres/model.js';
import { GenreService, type GenreProbability } from '../genres/predict.js';
import { SearchEngine } from '../search/engine.js';
import { runJsonlBatch } from './jsonl-batch.js';
import { openExistingLibrary } from './open-library.js';
import { readImage } from './search-args.js';
import { stageProgress } from './progress.js';

export async function runGenresTrain(opts: { db?: string; folds: number; seed: number; json?: boolean }): Promise<number> {
  const library = await openExistingLibrary(opts.db);
  try {
    const steps = stageProgress({ tty: process.stderr.isTTY === true }, 'genres');
    let stage = '';
    const summary = await trainGenreModels(library, {
      folds: opts.folds,
      seed: opts.seed,
      onStep: (features, done, total) => {
        if (stage !== features) steps.stage(`${(stage = features)} cross-validation folds`);
        steps.step(done, total);
      },
    });
    steps.stop();
    if (opts.json) process.stdout.write(`${JSON.stringify({ models: summary })}\n`);
    else for (const s of summary) process.stdout.write(`${s.features} (content by ${s.imageModel}): kept ${s.method} (cross-validated macro-mAP ${s.macroMAP}, top-3 hit ${s.top3Hit}) on ${s.trainingSize} movies in ${s.seconds.toFixed(1)} s\n`);
    return 0;
  } finally {
    await library.close();
  }
}

export async function runGenresEval(opts: { db?: string; folds: number; seed: number; json?: boolean; heldOut?: boolean }): Promise<number> {
  const library = await openExistingLibrary(opts.db);
  try {
    const models = await libraryModels(library);
    const evaluations = [];
    for (const features of FEATURE_SETS.filter((f) => f === 'poster' || models.text)) {
      const ds = await loadDataset(library, features, models);
      const { foldOf, outOfFold, ...ev } = await crossValidate(ds, opts.folds, opts.seed, (f) => !opts.json && process.stderr.write(`${features}: fold ${f + 1}/${opts.folds}\n`));
      void outOfFold;
      const heldOut = opts.heldOut ? await heldOutEvaluation(ds, 0.2, opts.seed, opts.folds) : undefined;
      evaluations.push({ ...ev, foldOf, ...(heldOut ? { heldOut } : {}) });
    }
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ evaluations })}\n`);
      return 0;
    }
    for (const ev of evaluations) {
      process.stdout.write(`\n${ev.features} (${ev.movies} movies, ${ev.folds}-fold CV by movie, best: ${ev.best})\n`);
      process.stdout.write(`  method     macro-mAP  micro-F1  macro-F1  top-1  top-3 hit\n`);
      for (const [m, r] of Object.entries(ev.methods))
        process.stdout.write(`  ${m.padEnd(9)}  ${r.macroMAP.toFixed(3).padStart(9)}  ${r.microF1.toFixed(3).padStart(8)}  ${r.macroF1.toFixed(3).padStart(8)}  ${r.top1Accuracy.toFixed(3)}  ${r.top3Hit.toFixed(3).padStart(9)}\n`);
      process.stdout.write(`  per-genre AP (${ev.best}): ${Object.entries(ev.methods[ev.best].perGenreAP).map(([g, ap]) => `${g} ${ap ?? '-'}`).join(', ')}\n`);
      if (ev.heldOut)
        process.stdout.write(`  held out: trained on ${ev.heldOut.trainMovies} films (kept ${ev.heldOut.method}), macro-mAP ${ev.heldOut.macroMAP} and top-3 hit ${ev.heldOut.top3Hit} on the posters of ${ev.heldOut.heldOutMovies} films it never saw\n`);
    }
    return 0;
  } finally {
    await library.close();
  }
}

function top5(genres: GenreProbability[]): string {
  return genres
    .slice(0, 5)
    .map((g) => `${g.genre.padEnd(12)} ${(g.p * 100).toFixed(1).padStart(5)}%  ${'█'.repeat(Math.round(g.p * 30))}`)
    .join('\n');
}

export async function runGenresPredict(opts: { db?: string; image?: string; overview?: string; batch?: string; json?: boolean }): Promise<number> {
  const library = await openExistingLibrary(opts.db);
  const engine = await SearchEngine.fromLibrary(library);
  const service = new GenreService(library, engine.embedder);
  try {
    if (opts.batch)
      return await runJsonlBatch(opts.batch, async (q, n) => {
        if (typeof q.image !== 'string') throw new Error(`line ${n}: "image" must be a file path`);
        if (q.overview !== undefined && typeof q.overview !== 'string') throw new Error(`line ${n}: "overview" must be a string`);
        return { genres: await service.predict(await readImage(q.image), q.overview as string | undefined) };
      });
    if (!opts.image) throw new Error('give --image <file> (or --batch <queries.jsonl>)');
    const genres = await service.predict(await readImage(opts.image), opts.overview);
    process.stdout.write(opts.json ? `${JSON.stringify({ genres })}\n` : `${top5(genres)}\n`);
    return 0;
  } finally {
    await engine.close();
    await library.close();
  }
}
