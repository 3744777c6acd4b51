/**
 * A worker of a coordinated index run (`marquee worker`): takes batches from the library's index
 * queue and indexes them with the same code path as a single-process run (indexEntries), then
 * records the batch's tally. It loads exactly the models the library was indexed with, and
 * refuses batches of another library.
 */
import { hostname } from 'node:os';
import type { CatalogEntry } from '../catalog/read-catalog.js';
import { readImageModels } from '../store/library-models.js';
import { loadTextModel } from '../models/registry.js';
import type { TextEmbeddingModel } from '../models/types.js';
import { closeAll, libraryModelsForIndexing } from '../store/run-models.js';
import type { Store } from '../store/store.js';
import type { BatchCounts } from '../store/types.js';
import type { IndexJob, IndexQueue } from './index-queue.js';
import { indexEntries, type ChannelModel } from './indexer.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'library' | 'location' | 'movies' | 'posters' | 'runs' | 'vectors'>;

export interface WorkerOptions {
  /** onnxruntime threads for the image model (one per worker process when several share a machine). */
  threads: number;
  /** Refuse to start unless the library's id is this (a worker pointed at the wrong database). */
  libraryId?: string;
  onBatch?: (job: IndexJob, counts: BatchCounts, seconds: number) => void;
}

export class WorkerError extends Error {
  override name = 'WorkerError';
}

export async function startWorker(store: StoreParts, queue: IndexQueue, opts: WorkerOptions): Promise<{ stop: () => Promise<void> }> {
  const libraryId = await store.library.getMeta('library_id');
  if (!libraryId) throw new WorkerError(`library ${store.location} has not been indexed yet: start a run with "marquee index <catalog> --workers N --db ..."`);
  if (opts.libraryId && opts.libraryId !== libraryId)
    throw new WorkerError(`library ${store.location} is library ${libraryId}, not ${opts.libraryId}: this worker is pointed at a different library`);
  if ((await readImageModels(store)).length === 0) throw new WorkerError(`library ${store.location} does not say which image model it uses`);
  let image: Promise<ChannelModel[]> | undefined;
  let text: Promise<TextEmbeddingModel> | undefined;
  // Every model the library holds, each checked against the version its vectors came from.
  const imageModels = (): Promise<ChannelModel[]> =>
    (image ??= libraryModelsForIndexing(store, opts.threads).then(
      (r) => r.loaded,
      (err: Error) => {
        throw new WorkerError(err.message);
      },
    ));
  // In-process (single-threaded wasm): a worker is one process per core.
  const textModel = (): Promise<TextEmbeddingModel> => (text ??= loadTextModel({ workers: 0 }));
  const name = `${hostname()}:${process.pid}`;

  await queue.work(async (job) => {
    if (job.libraryId !== libraryId) throw new WorkerError(`batch ${job.batch} of run ${job.runId} belongs to library ${job.libraryId}; this worker serves ${libraryId}`);
    const started = performance.now();
    async function* entries(): AsyncGenerator<CatalogEntry> {
      yield* job.entries;
    }
    const s = await indexEntries(
      { source: job.source, entries: entries(), total: job.entries.length },
      { library: store, imageModels: await imageModels(), textModel: job.text ? await textModel() : null, runId: job.runId, batchSize: job.entries.length, prefetch: job.entries.length },
    );
    const counts: BatchCounts = { entries: job.entries.length, indexed: s.indexed, unchanged: s.unchanged, failed: s.failed, texts: s.textsEmbedded };
    await store.runs.recordBatch(job.runId, job.batch, name, counts);
    opts.onBatch?.(job, counts, (performance.now() - started) / 1000);
  });

  return {
    stop: async () => {
      await queue.stop();
      const [images, texts] = await Promise.allSettled([image, text]);
      if (images.status === 'fulfilled' && images.value) await closeAll(images.value);
      if (texts.status === 'fulfilled' && texts.value) await texts.value.close();
    },
  };
}
