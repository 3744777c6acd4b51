/**
 * `serve --train-genres`: keeps genre predictions working without anyone running a command.
 * When the server starts with no usable poster genre model (never trained, or trained on another
 * image model's vectors) it enqueues a training job (a child process: about 200 s of CPU on the
 * 3,253-poster demo catalog, which must not stall the event loop). When the OCR pass finishes, it
 * trains once more, so the poster-words features are learnt from every reading rather than the
 * few there were at start.
 */
import type { GenreService } from '../genres/predict.js';
import type { Job, JobQueue } from '../jobs/job-queue.js';
import { GENRES_TRAIN_JOB } from '../jobs/library-jobs.js';

export interface GenreModelStatus {
  /** ready: predictions work; training: a job is building the model; missing/stale: nothing will train it; failed: the last job failed. */
  state: 'ready' | 'training' | 'missing' | 'stale' | 'failed';
  /** The training job's latest progress line. */
  progress: string | null;
  error: string | null;
}

export class GenreTraining {
  private retrainWhenDone = false;

  constructor(
    private readonly genres: GenreService,
    private readonly queue: JobQueue,
    private readonly start: (kind: string) => Promise<unknown>,
    /** Whether this server trains by itself (serve --train-genres). */
    private readonly automatic: boolean,
  ) {}

  /** At start: trains when no usable model exists. */
  async ensure(): Promise<void> {
    if (!this.automatic) return;
    if ((await this.genres.modelState()) !== 'ready') await this.start(GENRES_TRAIN_JOB);
  }

  /** The library's texts changed (the OCR pass finished): train again, after the running job if there is one. */
  async retrain(): Promise<void> {
    if (!this.automatic) return;
    if ((await this.latest())?.state === 'running') this.retrainWhenDone = true;
    else await this.start(GENRES_TRAIN_JOB);
  }

  /** Called for every job that ends in this process. */
  finished(job: Job): void {
    if (job.kind !== GENRES_TRAIN_JOB || !this.retrainWhenDone) return;
    this.retrainWhenDone = false;
    void this.start(GENRES_TRAIN_JOB).catch(() => undefined);
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
