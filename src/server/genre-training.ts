/**
 * `serve --train-genres`: keeps genre predictions working without anyone running a command.
 * When the server starts with no usable poster genre model (never trained, or trained on another
 * image model's vectors) it trains one as a background job (a child process: about 200 s of CPU
 * on the 3,253-poster demo catalog, which must not stall the event loop). When the background OCR
 * pass of the same server finishes, it trains once more, so the poster-words features are learnt
 * from every reading rather than the few there were at start.
 */
import type { GenreService } from '../genres/predict.js';
import type { Job, JobRunner } from './jobs.js';

export interface GenreModelStatus {
  /** ready: predictions work; training: a job is building the model; missing/stale: nothing will train it; failed: the last job failed. */
  state: 'ready' | 'training' | 'missing' | 'stale' | 'failed';
  /** The training job's latest progress line. */
  progress: string | null;
  error: string | null;
}

export class GenreTraining {
  private retrainWhenDone = false;
  private lastFailure: string | null = null;

  constructor(
    private readonly genres: GenreService,
    private readonly jobs: JobRunner,
    /** Whether this server trains by itself (serve --train-genres). */
    private readonly automatic: boolean,
  ) {}

  /** At start: trains when no usable model exists. */
  async ensure(): Promise<void> {
    if (!this.automatic) return;
    if ((await this.genres.modelState()) !== 'ready') this.train();
  }

  /** The library's texts changed (the OCR pass finished): train again, after the running job if there is one. */
  retrain(): void {
    if (!this.automatic) return;
    if (this.running()) this.retrainWhenDone = true;
    else this.train();
  }

  /** Called by the job runner for every finished job. */
  finished(job: Job): void {
    if (job.kind !== 'genres-train') return;
    this.lastFailure = job.state === 'failed' ? job.error : null;
    if (this.retrainWhenDone) {
      this.retrainWhenDone = false;
      this.train();
    }
  }

  async status(): Promise<GenreModelStatus> {
    const job = this.jobs.latest('genres-train');
    if (job?.state === 'running') return { state: 'training', progress: job.progress, error: null };
    const state = await this.genres.modelState();
    if (state === 'ready') return { state, progress: null, error: null };
    if (this.lastFailure) return { state: 'failed', progress: null, error: this.lastFailure };
    return { state, progress: null, error: null };
  }

  private running(): boolean {
    return this.jobs.latest('genres-train')?.state === 'running';
  }

  private train(): void {
    if (!this.running()) this.jobs.start('genres-train');
  }
}
