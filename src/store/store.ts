/**
 * The store seam: everything a library holds, behind one async interface. Two implementations,
 * `sqlite/` (embedded, one file, the default) and `postgres/` (node-postgres pool, optionally
 * pgvector), run one conformance suite (src/store/store.conformance.ts). Nothing outside
 * src/store speaks SQL or imports a database driver; a write that must be atomic (a batch of
 * posters with every channel, a batch of stills) is one method, so transactions never leak out.
 *
 * What a library holds is reached through repositories by domain (movies, posters, vectors,
 * runs, …; src/store/repositories/), whose SQL is written once in Kysely for both engines. What
 * stays here is each engine's own: opening and closing, its lexical search, its job queue, how
 * it hears of other processes' changes, and its integrity check.
 */
import type { LexicalSearch } from './lexical.js';
import type { Repositories } from './repositories/all.js';
import type { JobQueue } from '../jobs/job-queue.js';

export type { StoredAnalysis } from './repositories/analyses.js';
export type { LibraryStats } from './repositories/library.js';
export type { MovieWrite } from './repositories/movies.js';
export type { MorePosterWrite } from './repositories/posters.js';
export type { PosterTextProgress, PosterTextReading, StoredPosterText } from './repositories/poster-text.js';
export type { StillsMovie } from './repositories/stills.js';
export type { VectorBackend } from './repositories/vectors.js';

export interface Store extends Repositories {
  /** 'sqlite' or 'postgres'. */
  readonly engine: 'sqlite' | 'postgres';
  /** Where the library lives, for messages: a file path, or a URL without its password. */
  readonly location: string;
  /** How to open it again (another process: jobs, workers): the file path or the full URL. Never print it. */
  readonly connection: string;
  /**
   * Where posters uploaded over the API are kept: `<library>.uploads` beside a SQLite file; for
   * PostgreSQL $MARQUEE_UPLOADS (shared storage when several servers ingest) or ./marquee.uploads.
   */
  readonly uploadsDir: string;
  /** Words searched in the engine: movie fields (title, other titles, tagline, overview) and posters' printed text. */
  readonly lexical: LexicalSearch;
  /** The library's durable job queue (jobs/job-queue.ts). */
  readonly jobs: JobQueue;
  close(): Promise<void>;

  /** Integrity problems the engine finds (empty when sound). */
  checkIntegrity(): Promise<string[]>;
  /**
   * Called soon after another connection or process committed a change (SQLite: polls PRAGMA
   * data_version; PostgreSQL: LISTEN/NOTIFY); read analyses.revisions() to learn which areas it touched.
   */
  onExternalChange(listener: () => void): Promise<() => Promise<void>>;

}
