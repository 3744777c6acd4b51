/**
 * `serve --read-text`: the OCR pass in the background of a serving process, so the app is up as
 * soon as posters and atlas are ready. Each reading moves only the printed-text revision
 * (store/revisions.ts), so the vector indexes and pairs are kept; typography descriptors reload
 * at most every few seconds while it runs (ChannelIndexes.typography).
 */
import { readPosterText, type TextPassSummary } from '../ingest/text-pass.js';
import type { Store } from '../store/store.js';
import { OcrPool } from '../text/ocr-pool.js';

export interface TextReadingState {
  running: boolean;
  /** Posters read per second in this run (0 before the first). */
  rate: number;
  /** The last run's summary, once it finished. */
  finished: TextPassSummary | null;
  error: string | null;
}

export class BackgroundTextReader {
  private stopping = false;
  private readonly state: TextReadingState = { running: false, rate: 0, finished: null, error: null };
  private run?: Promise<void>;
  private pool?: OcrPool;
  private readonly finishedListeners: (() => void)[] = [];

  constructor(
    private readonly library: Store,
    private readonly threads: number,
    /** Posters done of those pending at the start (serve prints it to its log). */
    private readonly onProgress?: (done: number, total: number) => void,
  ) {}

  start(): void {
    if (this.run) return;
    this.pool = OcrPool.start(this.threads);
    this.state.running = true;
    const started = performance.now();
    this.run = readPosterText(this.library, this.pool, {
      shouldStop: () => this.stopping,
      onProgress: (done, total) => {
        this.state.rate = done / Math.max(1e-3, (performance.now() - started) / 1000);
        this.onProgress?.(done, total);
      },
    })
      .then((s) => {
        this.state.finished = s;
        if (s.read > 0 && !s.interrupted) for (const f of this.finishedListeners) f();
      })
      .catch((err: Error) => void (this.state.error = err.message))
      .finally(async () => {
        this.state.running = false;
        await this.pool?.close();
      });
  }

  /** Called when a run has read every pending poster (and read at least one). */
  onFinished(listener: () => void): void {
    this.finishedListeners.push(listener);
  }

  status(): TextReadingState {
    return { ...this.state };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.run;
  }
}
