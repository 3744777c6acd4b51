/**
 * `serve --train-genres`: keeps genre predictions working without anyone running a command.
 * When the server starts with no usable poster genre model (never trained, or trained on another
 * image model's vectors) it enqueues a training job (a child process: about 200 s of CPU on the
 * 3,253-poster demo catalog, which must not stall the event loop). Once the posters' text has been
 * read, it trains once more, so the poster-words features are learnt from every reading rather than
 * the few there were at start: the model records how many whole readings it learnt from, and when
 * the printed text or the model changes (in this process or any other: a `marquee worker` may run
 * the OCR pass) and no reading or training job waits or runs, it trains again if there are more.
 * The genre tiles are features too: while a tiles job waits or runs (after `marquee index
 * --background`) no first training starts — with two or more cores for jobs it would run beside
 * the tiles and learn without them — and a model that learnt without tiles is trained again once
 * they exist.
 */
import type { GenreService } from '../genres/predict.js';
import type { GenreModelMeta } from '../genres/model.js';
import type { Job, JobQueue } from '../jobs/job-queue.js';
import { GENRES_TRAIN_JOB, POSTER_TEXT_JOB, POSTER_TILES_JOB, SMALL_PRINT_JOB } from '../ingest/library-jobs.js';
import { TILE_CHANNELS } from '../models/poster-tiles.js';
import { libraryModels } from '../genres/model.js';
import type { Store } from '../store/store.js';
import { wholeReadings } from '../store/current-reading.js';
import { ocrVersionKey } from '../text/poster-ocr.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'genreModels' | 'library' | 'location' | 'movies' | 'posterText' | 'posters' | 'vectors'>;

/** After a change, wait this long for more (the OCR pass writes a reading a second) before looking again. */
const SETTLE_MS = 30_000;

/** Jobs that write what the genre model learns from (the tiles, the readings), and training itself. */
const FEEDING_JOBS = [POSTER_TILES_JOB, POSTER_TEXT_JOB, SMALL_PRINT_JOB, GENRES_TRAIN_JOB];

/** Whether a job of one of these kinds waits or runs (any of them: a kind may have several keys). */
async function busy(queue: JobQueue, kinds: readonly string[]): Promise<boolean> {
  for (const kind of kinds) for (const state of ['running', 'waiting'] as const) if ((await queue.list({ kind, state, limit: 1 })).length) return true;
  return false;
}

/**
 * Whether to train the poster genre model again: it exists, no tiles, reading or training job
 * waits or runs, and it learnt without the tiles the library now has, or from at least 1 % fewer
 * whole readings of this reader version than the library has now (a poster or two read since is
 * not worth 200 s of CPU).
 */
export async function moreToLearn(library: StoreParts, queue: JobQueue): Promise<boolean> {
  if (await busy(queue, FEEDING_JOBS)) return false;
  const model = await library.genreModels.get('poster');
  if (!model) return false;
  const meta = model.meta as GenreModelMeta;
  // Tiles the trainer would use now (the default model's, genres/model.ts) that the model did not learn from.
  // (meta.models is absent from models stored by older code.)
  const tile = TILE_CHANNELS[0]!;
  if (!(meta.models as GenreModelMeta['models'] | undefined)?.[tile] && (await libraryModels(library).catch(() => undefined))?.[tile]) return true;
  const now = await wholeReadings(library);
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
    private readonly library: StoreParts,
    private readonly genres: GenreService,
    private readonly queue: JobQueue,
    private readonly start: (kind: string) => Promise<unknown>,
    /** Whether this server trains by itself (serve --train-genres). */
    private readonly automatic: boolean,
  ) {}

  /**
   * At start and after changes: trains when no usable model exists (once the tiles are embedded),
   * or when it has more to learn from. After a change, a training that failed or was cancelled is
   * not started again (its reason shows on /jobs, where it can be retried): the OCR pass changes the
   * text every second.
   */
  async ensure(atStart = true): Promise<void> {
    if (!this.automatic) return;
    // After a change, a training that failed or was cancelled is left to a person (/jobs): it is not started again by itself.
    const last = (await this.latest())?.state;
    if (!atStart && (last === 'failed' || last === 'cancelled')) return;
    if ((await this.genres.modelState()) !== 'ready') {
      if (!(await busy(this.queue, [POSTER_TILES_JOB, GENRES_TRAIN_JOB]))) await this.start(GENRES_TRAIN_JOB);
    } else await this.retrainIfMoreToLearn();
  }

  /** The printed text, the tiles or the genre model changed, or a job ended: look again once changes settle. */
  changed(): void {
    if (!this.automatic) return;
    clearTimeout(this.settle);
    this.settle = setTimeout(() => void this.ensure(false).catch(() => undefined), SETTLE_MS);
    this.settle.unref();
  }

  close(): void {
    clearTimeout(this.settle);
  }

  /** Enqueues training when the model has more to learn from (moreToLearn); returns whether it did. */
  async retrainIfMoreToLearn(): Promise<boolean> {
    if (!(await moreToLearn(this.library, this.queue))) return false;
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
