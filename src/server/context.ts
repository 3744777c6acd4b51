/** What every route module of the server works with: the library, the engine and the services over them. */
import type { GenreService } from '../genres/predict.js';
import type { SearchEngine } from '../search/engine.js';
import type { StillsService } from '../stills/service.js';
import type { Store } from '../store/store.js';
import type { AccessConfig } from './access.js';
import type { GenreTraining } from './genre-training.js';
import type { Job, JobQueue } from '../jobs/job-queue.js';
import type { JobWorkers } from '../jobs/workers.js';
import type { AnalysisResults } from './services/analysis-results.js';

export interface ServerContext {
  library: Store;
  engine: SearchEngine;
  genres: GenreService;
  /** Whether genre predictions work, and the background training that makes them work. */
  genreTraining: GenreTraining;
  stills: StillsService;
  /** Closest pairs, duplicate groups and borrowings: stored analyses, computed by background jobs (ahead of time when serving). */
  analysisResults: AnalysisResults;
  access: AccessConfig;
  /** The library's job queue (shared with every process on the library). */
  jobs: JobQueue;
  /** The jobs this process runs. */
  workers: JobWorkers;
  /** Enqueues a job of a kind (or finds the one of that kind and key waiting or running) and wakes this process's workers. */
  startJob(kind: string, key?: string, payload?: unknown): Promise<{ job: Job; created: boolean }>;
  /** This server changed the library: drops now what read the areas it touched (other changes are found within a second). */
  changed(): Promise<void>;
  /**
   * Expensive answers computed once per state of the areas they read (store/revisions.ts: areas,
   * `vectors` for every channel); after a change the last one is served while a newer is computed.
   */
  cached<T>(key: string, reads: readonly string[], fn: () => Promise<T>): Promise<T>;
}

export const idParam = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 200 } }, required: ['id'] } as const;
