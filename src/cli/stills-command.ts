/** `marquee looks`, `marquee which-movie`, `marquee stills look|eval|clusters|atlas|prepare`. */
import { readFile, writeFile } from 'node:fs/promises';
import { SearchEngine } from '../search/engine.js';
import { LOOK_WEIGHTS } from '../stills/looks.js';
import { StillsService } from '../stills/service.js';
import { buildStillsAtlas } from '../stills/stills-atlas.js';
import { prepareStoredMatch } from '../stills/stored-match.js';
import { runJsonlBatch } from './jsonl-batch.js';
import { openExistingLibrary } from './open-library.js';
import { stageProgress } from './progress.js';

async function withService<T>(db: string | undefined, fn: (s: StillsService) => Promise<T>): Promise<T> {
  const library = await openExistingLibrary(db);
  const engine = await SearchEngine.fromLibrary(library);
  try {
    return await fn(new StillsService(engine.store, engine.embedder));
  } finally {
    await engine.close();
    await library.close();
  }
}

const print = (v: unknown): void => void process.stdout.write(`${JSON.stringify(v)}\n`);

export async function runLooksCommand(id: string, opts: { db?: string; k: number; json?: boolean }): Promise<number> {
  return withService(opts.db, async (s) => {
    const movies = await s.similarLooks(id, opts.k);
    if (opts.json) print({ movies });
    else {
      process.stdout.write(`movies with a look like ${id} (score = ${Object.entries(LOOK_WEIGHTS).map(([p, w]) => `${w}·${p}`).join(' + ')}):\n`);
      for (const m of movies) process.stdout.write(`${m.score.toFixed(3)}  ${m.title} (${m.id})  ${Object.entries(m.parts).map(([p, v]) => `${p} ${v.toFixed(2)}`).join(', ')}\n`);
    }
    return 0;
  });
}

export async function runWhichMovieCommand(opts: { db?: string; image?: string; batch?: string; k: number; json?: boolean }): Promise<number> {
  if (!opts.image === !opts.batch) throw new Error('give either --image <still> or --batch <queries.jsonl>');
  return withService(opts.db, async (s) => {
    if (opts.batch) {
      return runJsonlBatch(opts.batch, async (q, line) => {
        if (typeof q.image !== 'string' || !q.image) throw new Error(`line ${line}: "image" (a file path) is required`);
        return { ...(await s.whichMovie(await readImage(q.image), q.image, typeof q.k === 'number' ? q.k : opts.k)) };
      });
    }
    const answer = await s.whichMovie(await readImage(opts.image!), opts.image!, opts.k);
    if (opts.json) print(answer);
    else {
      const best = answer.movies[0];
      process.stdout.write(
        answer.confident && best
          ? `most likely ${best.title} (${best.id})\n`
          : `low confidence: probably not a frame of any indexed film (the best match scores ${best?.score.toFixed(3) ?? 'nothing'}, under the ${answer.threshold} measured on the stills)\n`,
      );
      for (const m of answer.movies) process.stdout.write(`${m.score.toFixed(3)}  ${m.title} (${m.id})\n`);
    }
    return 0;
  });
}

async function readImage(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new Error(`${path}: cannot read image (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

export async function runStillsLookCommand(id: string, opts: { db?: string; barcode?: string; json?: boolean }): Promise<number> {
  return withService(opts.db, async (s) => {
    const look = await s.look(id);
    if (!look) throw new Error(`movie "${id}" has no stills: run "marquee index --stills <folder>"`);
    if (opts.barcode) await writeFile(opts.barcode, (await s.barcode(id))!);
    if (opts.json) print(look);
    else {
      const h = look.hsl;
      process.stdout.write(`${look.title}: ${look.stills} stills\n`);
      process.stdout.write(`palette: ${look.palette.map((c) => `${c.name} ${c.hex} ${(c.share * 100).toFixed(0)}%`).join(', ')}\n`);
      process.stdout.write(`saturation ${h.saturation.mean} ± ${h.saturation.spread}, lightness ${h.lightness.mean} ± ${h.lightness.spread}, warm/cool ${h.warmCoolBalance}, ${h.key} (dark ${h.lowKeyShare}, bright ${h.highKeyShare})\n`);
      process.stdout.write(`hues: ${h.hueDistribution.filter((x) => x.share >= 0.05).map((x) => `${x.hue}° ${(x.share * 100).toFixed(0)}%`).join(', ')}\n`);
      if (opts.barcode) process.stdout.write(`barcode written to ${opts.barcode}\n`);
    }
    return 0;
  });
}

export async function runStillsEvalCommand(opts: { db?: string; window: number; json?: boolean }): Promise<number> {
  return withService(opts.db, async (s) => {
    const started = performance.now();
    const e = await s.evaluate(opts.window);
    const seconds = Math.round((performance.now() - started) / 10) / 100;
    if (opts.json) print({ ...e, seconds });
    else {
      process.stdout.write(`which-movie, leave-one-out over ${e.stills} stills of ${e.movies} movies (own frames within ±${e.excludeWindow} left out): top-1 ${e.top1}, top-3 ${e.top3} (chance ${e.chance})\n`);
      for (const m of e.perMovie) process.stdout.write(`  ${m.top1.toFixed(3)}  ${m.title}\n`);
      const describe = (v: { content: number; color: number; top: number; hub: boolean }) => `content ${v.content}, colour ${v.color}, top ${v.top} stills per movie, hub correction ${v.hub ? 'on' : 'off'}`;
      process.stdout.write(`  method: ${describe(e.method)}\n`);
      for (const v of e.variants) process.stdout.write(`  variant ${describe(v.variant)}: top-1 ${v.top1}, top-3 ${v.top3}\n`);
      const c = e.confidence;
      if (c)
        process.stdout.write(
          `confidence (best score ≥ ${c.score}): keeps ${c.rightKept}/${c.rightStills} right answers, ${c.wrongKept}/${c.wrongStills} wrong ones, ` +
            `and lets ${c.otherKept}/${c.otherImages} posters through (images of no indexed film); the score letting 5 % of posters through is ${c.scoreAt5PercentOthers}\n`,
        );
    }
    return 0;
  });
}

export async function runStillsClustersCommand(opts: { db?: string; k?: number; seed: number; json?: boolean }): Promise<number> {
  return withService(opts.db, async (s) => {
    const c = await s.clusters({ k: opts.k, seed: opts.seed });
    if (opts.json) print(c);
    else {
      process.stdout.write(`${c.clusters.length} kinds of shot (silhouette ${c.silhouette}), grid ${c.grid.cols}×${c.grid.rows}\n`);
      for (const k of c.clusters) process.stdout.write(`  ${String(k.size).padStart(4)}  ${k.label}  (${k.movies.slice(0, 3).map((m) => `${m.id} ${(m.share * 100).toFixed(0)}%`).join(', ')})\n`);
    }
    return 0;
  });
}

export async function runStillsAtlasCommand(opts: { db?: string; rebuild?: boolean; k?: number; seed?: number; json?: boolean }): Promise<number> {
  const library = await openExistingLibrary(opts.db);
  try {
    const started = performance.now();
    const steps = stageProgress({ tty: process.stderr.isTTY === true }, 'stills atlas');
    const meta = await buildStillsAtlas(library, {
      rebuild: opts.rebuild,
      k: opts.k,
      seed: opts.seed,
      onStage: (stage) => !opts.json && steps.stage(stage),
      onStep: (_stage, done, total) => !opts.json && steps.step(done, total),
    });
    steps.stop();
    const seconds = (performance.now() - started) / 1000;
    if (opts.json) print({ ...meta, totalSeconds: Math.round(seconds * 100) / 100 });
    else {
      process.stdout.write(`stills atlas of ${meta.stills} stills in ${seconds.toFixed(1)} s; grid ${meta.grid.cols}x${meta.grid.rows}; ${meta.sheets} sheets; ${meta.k} clusters (silhouette ${meta.silhouette}); ${meta.incremental} placed incrementally\n`);
      for (const c of meta.clusters) process.stdout.write(`  ${String(c.id).padStart(2)} ${String(c.size).padStart(6)}  ${c.label}\n`);
    }
    return 0;
  } finally {
    await library.close();
  }
}

export async function runStillsPrepareCommand(opts: { db?: string; json?: boolean }): Promise<number> {
  const library = await openExistingLibrary(opts.db);
  try {
    const meta = await prepareStoredMatch(library);
    if (opts.json) print({ ...meta, rankedInEngine: library.stillsMatch.searchable });
    else
      process.stdout.write(
        `which-movie match of ${meta.stills} stills stored in ${meta.seconds.toFixed(1)} s (${meta.dimension} floats a still); ${library.stillsMatch.searchable ? 'ranked in the database' : 'this engine ranks in the process: the match is kept for a library moved to PostgreSQL with pgvector'}\n`,
      );
    return 0;
  } finally {
    await library.close();
  }
}
