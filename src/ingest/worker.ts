/**
 * A worker of a coordinated index run (`marquee worker`): takes batches from the library's index
 * queue and indexes them with the same code path as a single-process run (indexEntries), then
 * records the batch's tally. It loads exactly the models the library was indexed with, and
 * refuses batches of another library.
 */
import { hostname } from 'node:os';
import type { CatalogEntry } from '../catalog/read-catalog.js';
import { loadImageModel, loadTextModel } from '../models/registry.js';
import type { ImageEmbeddingModel, TextEmbeddingModel } from '../models/types.js';
import type { Store } from '../store/store.js';
import type { BatchCounts } from '../store/types.js';
import type { IndexJob, IndexQueue } from './index-queue.js';
import { indexEntries } from './indexer.js';

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

export async function startWorker(store: Store, queue: IndexQueue, opts: WorkerOptions): Promise<{ stop: () => Promise<void> }> {
  const libraryId = await store.getMeta('library_id');
  if (!libraryId) throw new WorkerError(`library ${store.location} has not been indexed yet: start a run with "marquee index <catalog> --workers N --db ..."`);
  if (opts.libraryId && opts.libraryId !== libraryId)
    throw new WorkerError(`library ${store.location} is library ${libraryId}, not ${opts.libraryId}: this worker is pointed at a different library`);
  const spec = await store.getMeta('image_model_spec');
  const imageRef = await store.getMeta('image_model');
  if (!spec || !imageRef) throw new WorkerError(`library ${store.location} does not say which image model it uses`);
  const expected = JSON.parse(imageRef) as { id: string; version: string };
  let image: Promise<ImageEmbeddingModel> | undefined;
  let text: Promise<TextEmbeddingModel> | undefined;
  const imageModel = (): Promise<ImageEmbeddingModel> =>
    (image ??= loadImageModel(spec, { threads: opts.threads }).then((m) => {
      if (m.id !== expected.id || m.version !== expected.version) throw new WorkerError(`library ${store.location} was indexed with ${expected.id} ${expected.version}, this worker has ${m.id} ${m.version}`);
      return m;
    }));
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
      { library: store, imageModel: await imageModel(), textModel: job.text ? await textModel() : null, runId: job.runId, batchSize: job.entries.length, prefetch: job.entries.length },
    );
    const counts: BatchCounts = { entries: job.entries.length, indexed: s.indexed, unchanged: s.unchanged, failed: s.failed, texts: s.textsEmbedded };
    await store.recordBatch(job.runId, job.batch, name, counts);
    opts.onBatch?.(job, counts, (performance.now() - started) / 1000);
  });

  return {
    stop: async () => {
      await queue.stop();
      const models = await Promise.allSettled([image, text]);
      for (const m of models) if (m.status === 'fulfilled' && m.value) await m.value.close();
    },
  };
}
