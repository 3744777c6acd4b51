/**
 * `serve --read-text`: the OCR pass in the background of a serving process, so the app is up as
 * soon as posters and atlas are ready. Readings are written by this process (SQLite's change
 * counter, which other connections watch, does not move for them, and PostgreSQL does not NOTIFY
 * poster_text), so the vector indexes are not reloaded under it; search picks up new readings
 * within seconds (ChannelIndexes.printedText).
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

  constructor(
    private readonly library: Store,
    private readonly threads: number,
  ) {}

  start(): void {
    if (this.run) return;
    this.pool = OcrPool.start(this.threads);
    this.state.running = true;
    const started = performance.now();
    this.run = readPosterText(this.library, this.pool, {
      shouldStop: () => this.stopping,
      onProgress: (done) => (this.state.rate = done / Math.max(1e-3, (performance.now() - started) / 1000)),
    })
      .then((s) => void (this.state.finished = s))
      .catch((err: Error) => void (this.state.error = err.message))
      .finally(async () => {
        this.state.running = false;
        await this.pool?.close();
      });
  }

  status(): TextReadingState {
    return { ...this.state };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.run;
  }
}
