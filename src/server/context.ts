/** What every route module of the server works with: the library, the engine and the services over them. */
import type { GenreService } from '../genres/predict.js';
import type { SearchEngine } from '../search/engine.js';
import type { StillsService } from '../stills/service.js';
import type { FastifyBaseLogger, FastifyInstance, FastifyTypeProvider, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import type { Store } from '../store/store.js';
import type { AccessConfig } from './access.js';
import type { GenreTraining } from './genre-training.js';
import type { Job, JobQueue } from '../jobs/job-queue.js';
import type { JobWorkers } from '../jobs/workers.js';
import type { AnalysisResults } from './services/analysis-results.js';

/**
 * Route types from route schemas (json-schema-to-ts): a handler's params, query and body are typed
 * by its request schemas, and what it returns must be what its response schemas describe, so a
 * schema is the one source of its route's types (no hand-written request generics). Replies drop
 * FromSchema's string index signature (an object schema without `additionalProperties: false` is
 * open): services return interfaces, which have none, and fastify's serializer writes the declared
 * fields only — `covering` (schemas.ts) checks the other way, that a schema declares every field
 * of the type a service returns. File replies (fileReply: a string of format binary, as OpenAPI
 * describes a file) are Buffers or text.
 */
export interface ApiTypes extends FastifyTypeProvider {
  validator: this['schema'] extends JSONSchema ? FromSchema<this['schema']> : unknown;
  serializer: this['schema'] extends JSONSchema ? DeclaredFields<FromSchema<this['schema'], { deserialize: [{ pattern: { type: 'string'; format: 'binary' }; output: Buffer | string }] }>> : unknown;
}

/**
 * A type without the `[x: string]: unknown` of open object schemas, all the way down; a map's
 * typed index signature (`additionalProperties: { type: 'number' }`) stays. Buffers and functions
 * are kept whole.
 */
type DeclaredFields<T> = T extends Buffer | ((...args: never[]) => unknown)
  ? T
  : T extends readonly (infer U)[]
    ? DeclaredFields<U>[]
    : T extends object
      ? { [K in keyof T as string extends K ? (unknown extends T[K] ? never : K) : K]: DeclaredFields<T[K]> }
      : T;

/** The server as routes see it: typed by ApiTypes. */
export type Api = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ApiTypes>;

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
