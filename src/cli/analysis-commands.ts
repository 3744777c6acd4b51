import { countingProgress, createProgressReporter } from './progress.js';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { borrowingsCsv, pairsCsv } from '../analysis/analysis-csv.js';
import { explainMatch } from '../analysis/explain.js';
import { findDuplicatePairs, groupDuplicates } from '../analysis/duplicates.js';
import { closestPairs, type ClosestPair } from '../analysis/pairs.js';
import { storedPosterImage } from '../analysis/poster-image.js';
import { SearchEngine } from '../search/engine.js';
import { IMAGE_CHANNELS, type ImageChannel } from '../store/channels.js';
import { openExistingLibrary } from './open-library.js';
import { filmPosters } from '../analysis/film-posters.js';
import { posterVsFilm, posterVsFilmRanking, type PosterVsFilm } from '../analysis/poster-vs-film.js';
import { BorrowingFinder, type Borrowing, type BorrowingChannel } from '../analysis/borrowings.js';
import { MarqueeError } from '../util/errors.js';
import type { AnalysisRequest } from '../analysis/stored-analyses.js';

async function withEngine<T>(db: string | undefined, fn: (engine: SearchEngine) => Promise<T>): Promise<T> {
  const library = await openExistingLibrary(db);
  const engine = await SearchEngine.fromLibrary(library);
  try {
    return await fn(engine);
  } finally {
    await engine.close();
    await library.close();
  }
}

export async function runPairsCommand(opts: { db?: string; k: number; channel: string; model?: string; json?: boolean; csv?: boolean }): Promise<number> {
  const channels: ImageChannel[] = opts.channel === 'all' ? [...IMAGE_CHANNELS] : [opts.channel as ImageChannel];
  const pairs = await withEngine(opts.db, async (engine) => {
    const out: ClosestPair[] = [];
    for (const c of channels) {
      const reporter = createProgressReporter({ json: false, tty: process.stderr.isTTY === true, label: `pairs ${c}` });
      out.push(...(await closestPairs(engine.indexes, c, opts.k, countingProgress(reporter), undefined, opts.model)));
      reporter.stop();
    }
    return out;
  });
  const name = (id: string, title: string, year: number | null) => `${title}${year ? ` (${year})` : ''} [${id}]`;
  if (opts.json) process.stdout.write(`${JSON.stringify({ pairs })}\n`);
  else if (opts.csv) process.stdout.write(pairsCsv(pairs));
  else
    for (const p of pairs)
      process.stdout.write(`${(p.model && opts.model ? `${p.channel}:${p.model}` : p.channel).padEnd(8)} ${p.score.toFixed(4)}  ${name(p.a, p.aTitle, p.aYear)}  ~  ${name(p.b, p.bTitle, p.bYear)}${p.duplicate ? '  duplicate' : ''}\n`);
  return 0;
}

/** `marquee analysis compute pairs|dupes|borrowings|trends|stills-clusters|typical`: computes an analysis and stores it in the library (what the background job runs). */
export async function runAnalysisCompute(
  kind: AnalysisRequest['kind'],
  opts: { db?: string; channel?: string; model?: string; copies?: boolean; by?: 'decade' | 'year'; genre?: string; country?: string; mainOnly?: boolean; json?: boolean },
): Promise<number> {
  const { computeAnalysis } = await import('../analysis/stored-analyses.js');
  const req: AnalysisRequest =
    kind === 'pairs'
      ? { kind, channel: (opts.channel ?? 'content') as ImageChannel, model: opts.model }
      : kind === 'borrowings'
        ? { kind, channel: (opts.channel ?? 'layout') as BorrowingChannel, copies: opts.copies === true }
        : kind === 'typical'
          ? { kind, filters: { by: opts.by ?? 'decade', genre: opts.genre, country: opts.country, mainOnly: opts.mainOnly } }
          : { kind };
  const out = await withEngine(opts.db, async (engine) => {
    const reporter = createProgressReporter({ json: false, tty: process.stderr.isTTY === true, label: kind === 'dupes' ? 'dupes' : `${kind} ${'channel' in req ? req.channel : ''}` });
    const started = performance.now();
    const { key, result } = await computeAnalysis(engine, req, countingProgress(reporter));
    reporter.stop();
    const [count, what] =
      'pairs' in result ? [result.pairs.length, 'pairs'] : 'borrowings' in result ? [result.borrowings.length, 'borrowings'] : 'groups' in result ? [result.groups.length, 'groups'] : 'values' in result ? [result.posters.length, 'posters'] : 'averages' in result ? [result.periods.length, 'periods'] : [result.clusters.length, 'clusters'];
    return { key, count, what, seconds: Math.round((performance.now() - started) / 100) / 10 };
  });
  if (opts.json) process.stdout.write(`${JSON.stringify(out)}\n`);
  else process.stdout.write(`${out.key}: ${out.count} ${out.what} stored in ${out.seconds} s\n`);
  return 0;
}

export async function runDupesCommand(opts: { db?: string; threshold?: number; json?: boolean }): Promise<number> {
  const groups = await withEngine(opts.db, async (engine) => {
    const reporter = createProgressReporter({ json: false, tty: process.stderr.isTTY === true, label: 'dupes' });
    const keyGroups = groupDuplicates(await findDuplicatePairs(engine.indexes, opts.threshold, countingProgress(reporter)));
    reporter.stop();
    const movies = await engine.store.movies.byKeys(keyGroups.flat());
    return { groups: keyGroups.map((g) => g.map((k) => movies.get(k)!)), model: engine.embedder.models.image.id };
  });
  if (opts.json) process.stdout.write(`${JSON.stringify({ groups: groups.groups.map((g) => g.map((m) => m.id)), model: groups.model })}\n`);
  else if (groups.groups.length === 0) process.stdout.write('no duplicates\n');
  else for (const g of groups.groups) process.stdout.write(`${g.map((m) => `${m.id} (${m.title}${m.year ? `, ${m.year}` : ''})`).join('  =  ')}\n`);
  return 0;
}

/** An explain argument: an existing image file, or a movie id in the library. */
async function resolvePoster(engine: SearchEngine, arg: string): Promise<{ bytes: Buffer; source: string; id?: string }> {
  if (existsSync(arg)) return { bytes: await readFile(arg), source: arg };
  const key = await engine.store.movies.keyOf(arg);
  if (key === undefined) throw new Error(`"${arg}" is neither an image file nor a movie id in the library`);
  const poster = await storedPosterImage(engine.store, arg);
  if (!poster) throw new Error(`movie "${arg}" has no indexed poster`);
  return { ...poster, id: arg };
}

export async function runExplainCommand(a: string, b: string, opts: { db?: string; out: string; json?: boolean }): Promise<number> {
  const result = await withEngine(opts.db, async (engine) => {
    const [pa, pb] = await Promise.all([resolvePoster(engine, a), resolvePoster(engine, b)]);
    const target = pb.id ? (await engine.movieVectors(pb.id)).vectors.content! : (await engine.describeImage(pb)).content;
    return explainMatch(engine.embedder, pa, target);
  });
  await writeFile(opts.out, result.png);
  if (opts.json) process.stdout.write(`${JSON.stringify({ a, b, score: result.score, seconds: Math.round(result.seconds * 1000) / 1000, out: opts.out, cells: result.cells, heat: result.heat })}\n`);
  else process.stdout.write(`content similarity ${result.score.toFixed(3)}; heatmap written to ${opts.out} (${result.seconds.toFixed(2)} s)\n`);
  return 0;
}

/** `marquee posters <movie-id>`: every poster of a film, grouped into designs (near-duplicates are variants of one). */
export async function runPostersCommand(id: string, opts: { db?: string; json?: boolean }): Promise<number> {
  const film = await withEngine(opts.db, (engine) => filmPosters({ library: engine.store, engine }, id));
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(film)}\n`);
    return 0;
  }
  process.stdout.write(`${film.title}${film.year ? ` (${film.year})` : ''} [${id}]: ${film.posters.length} poster${film.posters.length === 1 ? '' : 's'}, ${film.designs} design${film.designs === 1 ? '' : 's'}\n`);
  for (const p of film.posters)
    process.stdout.write(`  design ${p.design + 1}  poster ${p.rank}${p.rank === 0 ? ' (main)' : ''}  ${[p.kind, p.country, p.year].filter((x) => x !== null).join(', ') || '-'}  ${p.width}×${p.height}\n`);
  return 0;
}

/** `marquee borrowings`: posters unusually like an earlier film's, most unusual for their decades and genres first; or one film's later look-alikes. */
export async function runBorrowingsCommand(opts: { db?: string; channel: BorrowingChannel; k: number; from?: string; earlier?: boolean; copies?: boolean; json?: boolean; csv?: boolean }): Promise<number> {
  const list = await withEngine(opts.db, async (engine) => {
    const finder = await BorrowingFinder.load(engine.indexes, opts.channel);
    if (opts.from !== undefined) {
      const key = await engine.store.movies.keyOf(opts.from);
      if (key === undefined) throw new MarqueeError('unknown_movie', `no movie with id "${opts.from}"`);
      return finder.around(key, opts.earlier ? 'earlier' : 'later', opts.k, opts.copies);
    }
    const reporter = createProgressReporter({ json: false, tty: process.stderr.isTTY === true, label: `borrowings ${opts.channel}` });
    try {
      return await finder.top(opts.k, opts.copies, countingProgress(reporter));
    } finally {
      reporter.stop();
    }
  });
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ channel: opts.channel, borrowings: list })}\n`);
    return 0;
  }
  if (opts.csv) {
    process.stdout.write(borrowingsCsv(list));
    return 0;
  }
  const poster = (p: Borrowing['from']): string => `${p.title} (${p.year})${p.rank ? ` [${p.kind ?? `poster ${p.rank}`}]` : ''}`;
  for (const [i, b] of list.entries()) process.stdout.write(`${String(i + 1).padStart(3)}. z ${b.z.toFixed(1).padStart(5)}  sim ${b.similarity.toFixed(3)}  ${poster(b.from)} → ${poster(b.to)}${b.sameArtwork ? '  [same artwork]' : ''}\n`);
  if (list.length === 0) process.stdout.write('no borrowing found\n');
  return 0;
}

/** `marquee poster-vs-film [movie-id]`: how a poster's colours compare with its film's look; without an id, the films ranked. */
export async function runPosterVsFilmCommand(id: string | undefined, opts: { db?: string; least?: boolean; k: number; json?: boolean }): Promise<number> {
  const library = await openExistingLibrary(opts.db);
  try {
    if (id !== undefined) {
      const c = await posterVsFilm(library, id);
      if (!c) throw new MarqueeError('no_stills', `movie "${id}" needs both a poster and stills (or an indexed video) to compare`);
      if (opts.json) process.stdout.write(`${JSON.stringify(c)}\n`);
      else process.stdout.write(`${describeComparison(c)}\n`);
      return 0;
    }
    const list = (await posterVsFilmRanking(library, opts.least ? 'least' : 'most')).slice(0, opts.k);
    if (opts.json) process.stdout.write(`${JSON.stringify({ order: opts.least ? 'least' : 'most', films: list })}\n`);
    else {
      process.stdout.write(`posters that misrepresent their film ${opts.least ? 'least' : 'most'} (palette distance in ΔE):\n`);
      for (const [i, c] of list.entries()) process.stdout.write(`${String(i + 1).padStart(3)}. ${describeComparison(c)}\n`);
      if (list.length === 0) process.stdout.write('no film has both a poster and stills (index --stills or --video)\n');
    }
    return 0;
  } finally {
    await library.close();
  }
}

function describeComparison(c: PosterVsFilm): string {
  const signed = (x: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;
  return `${c.title}${c.year ? ` (${c.year})` : ''}: palette distance ${c.paletteDistance.toFixed(1)}; poster lightness ${signed(c.lightnessDifference)} L*, chroma ${signed(c.chromaDifference)}${c.hueDifference === null ? '' : `, hue ${c.hueDifference.toFixed(0)}° apart`} (from ${c.film.stills} stills)`;
}
