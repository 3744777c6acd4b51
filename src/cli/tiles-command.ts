/**
 * `marquee genres tiles`: the genre tiles pass (ingest/tiles-pass.ts) over posters whose tiles are
 * missing or stale, with its own progress line; what `marquee index` runs after the posters, and
 * what the `poster-tiles` job runs in a child process after `marquee index --background`.
 */
import type { ChannelModel } from '../models/types.js';
import { closeAll, libraryModelsForIndexing } from '../store/run-models.js';
import { embedPosterTiles, type TilesPassSummary } from '../ingest/tiles-pass.js';
import type { Store } from '../store/store.js';
import { openExistingLibrary } from './open-library.js';
import { stopOnSignal } from './stop-signal.js';
import { jobThreads } from '../util/job-threads.js';
import { countingProgress, createProgressReporter } from './progress.js';

/** The pass with a progress line on stderr; problems are counted in the summary and the first 50 kept. */
export async function tilesPass(
  library: Store,
  main: ChannelModel,
  opts: { json: boolean; batchSize?: number; shouldStop: () => boolean },
): Promise<TilesPassSummary & { problems: { file: string; reason: string }[] }> {
  const reporter = createProgressReporter({ json: opts.json, tty: process.stderr.isTTY === true, label: 'tiles' });
  const problems: { file: string; reason: string }[] = [];
  try {
    const s = await embedPosterTiles(library, main, {
      batchSize: opts.batchSize,
      shouldStop: opts.shouldStop,
      onProgress: countingProgress(reporter),
      onProblem: (file, reason) => void (problems.length < 50 && problems.push({ file, reason })),
    });
    return { ...s, seconds: Math.round(s.seconds * 100) / 100, problems };
  } finally {
    reporter.stop();
  }
}

export async function runGenresTiles(opts: { db?: string; json?: boolean }): Promise<number> {
  const library = await openExistingLibrary(opts.db);
  const stop = stopOnSignal();
  let loaded: ChannelModel[] = [];
  try {
    loaded = (await libraryModelsForIndexing(library, jobThreads(), 'default')).loaded;
    const s = await tilesPass(library, loaded[0]!, { json: false, shouldStop: stop.requested });
    if (opts.json) process.stdout.write(`${JSON.stringify(s)}\n`);
    else process.stdout.write(`tiles: ${s.embedded} posters embedded in ${s.seconds.toFixed(1)} s, ${s.failed} failed${s.interrupted ? ' (interrupted)' : ''}\n`);
    return s.interrupted ? 130 : 0;
  } finally {
    stop.dispose();
    await closeAll(loaded);
    await library.close();
  }
}
