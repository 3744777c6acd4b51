/**
 * `serve --train-genres`: keeps genre predictions working without anyone running a command.
 * When the server starts with no usable poster genre model (never trained, or trained on another
 * image model's vectors) it enqueues a training job (a child process: about 200 s of CPU on the
 * 3,253-poster demo catalog, which must not stall the event loop). Once the posters' text has been
 * read, it trains once more, so the poster-words features are learnt from every reading rather than
 * the few there were at start: the model records how many whole readings it learnt from, and when
 * the printed text or the model changes (in this process or any other: a `marquee worker` may run
 * the OCR pass) and no reading or training job waits or runs, it trains again if there are more.
 */
import type { GenreService } from '../genres/predict.js';
import type { GenreModelMeta } from '../genres/model.js';
import type { Job, JobQueue } from '../jobs/job-queue.js';
import { GENRES_TRAIN_JOB, POSTER_TEXT_JOB, SMALL_PRINT_JOB } from '../jobs/library-jobs.js';
import type { Store } from '../store/store.js';
import { wholeReadings } from '../text/current-reading.js';
import { ocrVersionKey } from '../text/poster-ocr.js';

/** After a change, wait this long for more (the OCR pass writes a reading a second) before looking again. */
const SETTLE_MS = 30_000;

/**
 * Whether to train the poster genre model again: it exists, no reading or training job waits or
 * runs, and it learnt from at least 1 % fewer whole readings of this reader version than the
 * library has now (a poster or two read since is not worth 200 s of CPU).
 */
export async function moreReadingsToLearn(library: Store, queue: JobQueue): Promise<boolean> {
  const latest = await Promise.all([POSTER_TEXT_JOB, SMALL_PRINT_JOB, GENRES_TRAIN_JOB].map(async (kind) => (await queue.list({ kind, limit: 1 }))[0]));
  if (latest.some((j) => j?.state === 'waiting' || j?.state === 'running')) return false;
  const model = await library.getGenreModel('poster');
  if (!model) return false;
  const now = await wholeReadings(library);
  const meta = model.meta as GenreModelMeta;
  // Readings of another reader version are not the ones the model learnt from.
  const learnt = meta.readingsVersion === ocrVersionKey() ? (meta.wholeReadings ?? 0) : 0;
  return now - learnt >= Math.max(1, now * 0.01);
}


export interface GenreModelStatus {
  /** ready: predictions work; training: a job is building the model; missing/stale: nothing will train it; failed: the last job failed. */
  state: 'ready' | 'training' | 'missing' | 'stale' | 'failed';
  /** The training job's latest progress line. */
  progress: string | null;
  error: string | null;
}

export class GenreTraining {
  private settle?: NodeJS.Timeout;

  constructor(
    private readonly library: Store,
    private readonly genres: GenreService,
    private readonly queue: JobQueue,
    private readonly start: (kind: string) => Promise<unknown>,
    /** Whether this server trains by itself (serve --train-genres). */
    private readonly automatic: boolean,
  ) {}

  /** At start: trains when no usable model exists, or when it learnt from fewer readings than there are. */
  async ensure(): Promise<void> {
    if (!this.automatic) return;
    if ((await this.genres.modelState()) !== 'ready') await this.start(GENRES_TRAIN_JOB);
    else await this.retrainIfMoreReadings();
  }

  /** The printed text or the genre model changed: look again once changes settle. */
  changed(): void {
    if (!this.automatic) return;
    clearTimeout(this.settle);
    this.settle = setTimeout(() => void this.retrainIfMoreReadings().catch(() => undefined), SETTLE_MS);
    this.settle.unref();
  }

  close(): void {
    clearTimeout(this.settle);
  }

  /** Enqueues training when the model has more readings to learn from (moreReadingsToLearn); returns whether it did. */
  async retrainIfMoreReadings(): Promise<boolean> {
    if (!(await moreReadingsToLearn(this.library, this.queue))) return false;
    await this.start(GENRES_TRAIN_JOB);
    return true;
  }

  async status(): Promise<GenreModelStatus> {
    const job = await this.latest();
    if (job?.state === 'running' || job?.state === 'waiting') return { state: 'training', progress: job.progress?.message ?? null, error: null };
    const state = await this.genres.modelState();
    if (state === 'ready') return { state, progress: null, error: null };
    if (job?.state === 'failed') return { state: 'failed', progress: null, error: job.error };
    return { state, progress: null, error: null };
  }

  private async latest(): Promise<Job | undefined> {
    return (await this.queue.list({ kind: GENRES_TRAIN_JOB, limit: 1 }))[0];
  }
}
