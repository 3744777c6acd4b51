/**
 * A coordinated index run (`marquee index <catalog> --workers N`): this process reads the
 * catalog, records unusable rows, and queues the rest in batches; workers (local child
 * processes and any `marquee worker` elsewhere) embed and store them. Progress is the whole
 * run's, summed from the batches' tallies in the library. Ctrl-C cancels the batches not taken.
 */
import { resolve } from 'node:path';
import { readCatalog, tallyTextRepairs, type CatalogEntry } from '../catalog/read-catalog.js';
import type { Store } from '../store/store.js';
import type { IndexJob, IndexQueue } from './index-queue.js';
import { MAX_PROBLEMS_KEPT, recordTextModel, type IndexProgress, type IndexSummary } from './indexer.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'library' | 'movies' | 'posters' | 'runs' | 'vectors'>;

export interface CoordinatedOptions {
  library: StoreParts;
  queue: IndexQueue;
  textModel: { id: string; version: string; dimension: number } | null;
  prune?: boolean;
  batchSize?: number;
  onProgress?: (p: IndexProgress) => void;
  shouldStop?: () => boolean;
  /** Called once the library id is known and the first batches are queued (start local workers here). */
  onQueued?: (libraryId: string) => void;
  pollMs?: number;
}

export async function indexCatalogCoordinated(catalogDir: string, opts: CoordinatedOptions): Promise<IndexSummary> {
  const { library, queue } = opts;
  const root = resolve(catalogDir);
  const batchSize = opts.batchSize ?? 16;
  const started = performance.now();
  const runId = await library.runs.start(root);
  await recordTextModel(library, opts.textModel);
  const libraryId = (await library.library.getMeta('library_id'))!;

  const s: IndexSummary = {
    catalog: root, total: 0, indexed: 0, unchanged: 0, skipped: 0, failed: 0, textsEmbedded: 0, pruned: 0, warnings: 0, textRepaired: 0, textRepairExamples: [],
    interrupted: false, seconds: 0, postersPerSecond: 0, problems: [], problemCount: 0,
  };
  const problem = async (item: string, reason: string): Promise<void> => {
    s.problemCount++;
    if (s.problems.length < MAX_PROBLEMS_KEPT) s.problems.push({ item, file: null, reason });
    await library.runs.recordFailure(runId, item, null, reason);
  };

  const seenIds = new Set<string>();
  const ids: string[] = [];
  let batch: CatalogEntry[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const job: IndexJob = { libraryId, runId, batch: ids.length, source: root, entries: batch, text: opts.textModel !== null };
    ids.push(...(await queue.send([job])));
    batch = [];
    if (ids.length === 1) opts.onQueued?.(libraryId);
  };
  for await (const entry of readCatalog(root)) {
    s.total++;
    if (entry.error || !entry.record) {
      s.skipped++;
      await problem(entry.where, entry.error ?? 'unusable row');
      continue;
    }
    if (entry.warning) {
      s.warnings++;
      await problem(entry.where, entry.warning);
    }
    tallyTextRepairs(s, entry);
    seenIds.add(entry.record.id);
    batch.push(entry);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  if (ids.length === 0) opts.onQueued?.(libraryId);

  // Wait for every batch's tally; look at a few unfinished jobs now and then for one that failed for good.
  const pollMs = opts.pollMs ?? 500;
  let lastCheck = 0;
  for (;;) {
    const batches = await library.runs.batches(runId);
    const sum = (k: 'indexed' | 'unchanged' | 'failed' | 'texts' | 'entries') => batches.reduce((a, b) => a + b.counts[k], 0);
    const done = sum('entries') + s.skipped;
    const elapsed = (performance.now() - started) / 1000;
    const rate = done / Math.max(elapsed, 1e-3);
    opts.onProgress?.({ done, total: s.total, indexed: sum('indexed'), unchanged: sum('unchanged'), skipped: s.skipped, failed: sum('failed'), rate, etaSeconds: rate > 0 ? (s.total - done) / rate : null });
    if (batches.length === ids.length) {
      s.indexed = sum('indexed');
      s.unchanged = sum('unchanged');
      s.failed = sum('failed');
      s.textsEmbedded = sum('texts');
      break;
    }
    if (opts.shouldStop?.()) {
      s.interrupted = true;
      const finished = new Set(batches.map((b) => b.batch));
      await queue.cancel(ids.filter((_, i) => !finished.has(i)));
      break;
    }
    if (Date.now() - lastCheck > 5000) {
      lastCheck = Date.now();
      const finished = new Set(batches.map((b) => b.batch));
      for (const [i, id] of ids.entries()) {
        if (finished.has(i)) continue;
        const st = await queue.state(id);
        if (st?.state === 'failed') throw new Error(`batch ${i} of the run failed on every try: ${st.error ?? 'unknown error'}`);
        break; // the oldest unfinished batch is the one that tells
      }
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }

  if (opts.prune && !s.interrupted) {
    const gone = (await library.movies.idsFromSource(root)).filter((id) => !seenIds.has(id));
    s.pruned = await library.movies.delete(gone);
  }
  s.seconds = (performance.now() - started) / 1000;
  s.postersPerSecond = (s.indexed + s.unchanged) / Math.max(s.seconds, 1e-3);
  await library.runs.finish(runId, s.interrupted ? 'interrupted' : 'done', { ...s, problems: s.problems.length, coordinated: true });
  return s;
}
