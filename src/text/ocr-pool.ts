/**
 * Reads posters' text on several cores: a piscina pool of worker threads, each with its own
 * PosterOcr on one onnxruntime thread. One thread per reader was 2–3× faster per core than
 * onnxruntime's default threading when two busy cores are shared (issue 13's measurement).
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { OcrAnswer, OcrTask } from './ocr-worker.js';
import type { SmallPrint } from './poster-ocr.js';
import type { PosterText } from './types.js';

export class OcrPool {
  private constructor(
    private readonly pool: Piscina<OcrTask, OcrAnswer>,
    readonly threads: number,
  ) {}

  static start(threads = availableParallelism()): OcrPool {
    const n = Math.max(1, threads);
    // The worker is compiled JavaScript beside this file (dist/text/ocr-worker.js).
    const filename = new URL('./ocr-worker.js', import.meta.url).href;
    return new OcrPool(new Piscina<OcrTask, OcrAnswer>({ filename, minThreads: n, maxThreads: n, idleTimeout: 60_000 }), n);
  }

  /**
   * Reads one encoded image, or the small print an earlier reading of it left for later; rejects
   * only when the reader itself failed (not for a bad image).
   */
  read(bytes: Buffer, source: string, smallPrint: SmallPrint = 'now', earlier?: PosterText): Promise<OcrAnswer> {
    const copy = new Uint8Array(bytes); // its own buffer, moved to the worker without copying again
    return this.pool.run({ bytes: copy, source, smallPrint, earlier }, { transferList: [copy.buffer] });
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
