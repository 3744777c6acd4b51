/**
 * `marquee genres tiles`: the genre tiles pass (ingest/poster-passes.ts) over posters whose tiles
 * are missing or stale, with its own progress line; what `marquee index` runs after the posters,
 * and what the `poster-tiles` job runs in a child process after `marquee index --background`.
 */
import type { ChannelModel } from '../models/types.js';
import { closeAll, libraryModelsForIndexing } from '../store/run-models.js';
import { tilesPass } from '../ingest/poster-passes.js';
import { openExistingLibrary } from './open-library.js';
import { stopOnSignal } from './stop-signal.js';
import { jobThreads } from '../util/job-threads.js';
import { passProgressLines } from './progress.js';

export async function runGenresTiles(opts: { db?: string; json?: boolean }): Promise<number> {
  const library = await openExistingLibrary(opts.db);
  const stop = stopOnSignal();
  let loaded: ChannelModel[] = [];
  try {
    loaded = (await libraryModelsForIndexing(library, jobThreads(), 'default')).loaded;
    const s = await tilesPass(library, loaded[0]!, { shouldStop: stop.requested, progress: passProgressLines(false) });
    if (opts.json) process.stdout.write(`${JSON.stringify(s)}\n`);
    else process.stdout.write(`tiles: ${s.embedded} posters embedded in ${s.seconds.toFixed(1)} s, ${s.failed} failed${s.interrupted ? ' (interrupted)' : ''}\n`);
    return s.interrupted ? 130 : 0;
  } finally {
    stop.dispose();
    await closeAll(loaded);
    await library.close();
  }
}
