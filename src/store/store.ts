/**
 * The store seam: everything a library holds, behind one async interface. Two implementations,
 * `sqlite/` (embedded, one file, the default) and `postgres/` (node-postgres pool, optionally
 * pgvector), run one conformance suite (src/store/store.conformance.ts). Nothing outside
 * src/store speaks SQL or imports a database driver; a write that must be atomic (a batch of
 * posters with every channel, a batch of stills) is one method, so transactions never leak out.
 */
import type { PaletteColor } from '../design/palette.js';
import type { VectorIndex } from './vector-index.js';
import type { TableRow, TableSpec } from './tables.js';
import type { LexicalSearch } from './lexical.js';
import type { Repositories } from './repositories/all.js';

export type { StoredAnalysis } from './repositories/analyses.js';
export type { PosterTextProgress, PosterTextReading, StoredPosterText } from './repositories/poster-text.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { FilterRow, TitleRow, ModelRef, MovieRecord, PosterMeta, PosterRecord, PosterScope, StoredPoster, StoredMovie, VectorRecord, VectorState } from './types.js';

export interface LibraryStats {
  movies: number;
  posters: number;
  vectors: { channel: string; modelId: string; modelVersion: string; count: number }[];
}

/** One movie of an index batch: its metadata and whatever of its poster and synopsis changed. */
export interface MovieWrite {
  movie: MovieRecord;
  poster?: {
    record: PosterRecord;
    /** Every channel computed from the poster (content, colour, layout, signature). */
    vectors: VectorRecord[];
    palette: { version: string; sourceHash: string; colors: PaletteColor[] };
  };
  /** Replaces the synopsis vector. */
  text?: VectorRecord;
  /** Removes the synopsis vector (the synopsis became empty). */
  dropText?: boolean;
}

/** A further poster of a movie (rank ≥ 1) as an index run found it. */
export interface MorePosterWrite {
  /** The poster file; a movie's further posters are told apart by path. */
  path: string;
  rank: number;
  meta: PosterMeta;
  /** Present when the poster is new or its bytes or models changed; absent, only rank and meta are updated. */
  content?: {
    record: PosterRecord;
    vectors: VectorRecord[];
    palette: { version: string; sourceHash: string; colors: PaletteColor[] };
  };
}

/** A movie the stills index joins to (created from stills metadata when missing). */
export interface StillsMovie {
  movie: MovieRecord;
  imdbId: string | null;
  /** Sequence numbers present in the folder; stored stills of other numbers are pruned. */
  keepSeqs: number[];
}

export interface MovieLookRow<T> {
  stillsHash: string;
  look: T;
  barcode: Buffer;
}

/** How the store keeps vectors: in the engine (pgvector) or as bytes searched in-process. */
export interface VectorBackend {
  /** 'bytes' (SQLite, PostgreSQL without pgvector) or 'pgvector'. */
  kind: 'bytes' | 'pgvector';
  /** An index searched inside the database, or undefined when vectors are searched in-process. */
  engineIndex(channel: string, model: ModelRef): VectorIndex | undefined;
}

/** Repositories by domain (runs, genre models, analyses, atlas, faces, printed text, stills, films) are written once for both engines (src/store/repositories/); the rest is still per engine. */
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
  readonly vectors: VectorBackend;
  /** Words searched in the engine: movie fields (title, other titles, tagline, overview) and posters' printed text. */
  readonly lexical: LexicalSearch;
  close(): Promise<void>;

  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;

  // Movies
  /** Inserts or updates one movie's metadata; returns its key. */
  upsertMovie(movie: MovieRecord, source: string): Promise<number>;
  keyOf(id: string): Promise<number | undefined>;
  getMovie(id: string): Promise<StoredMovie | undefined>;
  getMoviesByKeys(keys: number[]): Promise<Map<number, StoredMovie>>;
  movieIdsFromSource(source: string): Promise<string[]>;
  /** Ids of movies with a poster, in key order (benchmarks, samples). */
  movieIdsWithPoster(limit: number): Promise<string[]>;
  deleteMovies(ids: string[]): Promise<number>;
  /** Metadata every filter needs, for the whole collection. */
  filterRows(): Promise<FilterRow[]>;
  /** Titles (and extra columns that may hold other titles) of every movie, in key order. */
  titleRows(): Promise<TitleRow[]>;

  /** Writes a batch of movies (metadata, poster, thumbnail, every channel) atomically; returns their keys. */
  writeMovies(batch: MovieWrite[], source: string): Promise<number[]>;

  // Posters
  posterHash(key: number): Promise<string | undefined>;
  getThumbnail(id: string): Promise<Buffer | undefined>;
  posterFile(id: string): Promise<{ path: string; contentHash: string; format: string } | undefined>;
  postersAtPath(path: string): Promise<number>;
  paletteState(key: number): Promise<{ version: string; sourceHash: string } | undefined>;
  getPalette(key: number): Promise<PaletteColor[] | undefined>;
  /** The palette of every poster (main and further), in key order. */
  allPalettes(): Promise<{ key: number; colors: PaletteColor[] }[]>;

  /** Every poster of a movie, main poster first (by rank). */
  moviePosters(movieKey: number): Promise<StoredPoster[]>;
  /** Every poster of the library, main posters included, in key order. */
  allPosters(): Promise<StoredPoster[]>;
  /** A poster's thumbnail by poster key. */
  posterThumbnail(key: number): Promise<Buffer | undefined>;
  /**
   * Writes a movie's further posters (new ones get fresh keys), sets the main poster's meta when
   * given, and deletes the movie's further posters whose path is not in `keep` with everything
   * computed from them, atomically. Returns the keys of `posters` in order and how many were deleted.
   */
  writeMorePosters(movieKey: number, posters: MorePosterWrite[], keep: string[], mainMeta?: PosterMeta): Promise<{ keys: number[]; removed: number }>;

  // Vectors
  vectorState(key: number, channel: string): Promise<VectorState | undefined>;
  /** Every channel's state of a movie at once (the indexer's "is it current?" check). */
  vectorStates(key: number): Promise<Map<string, VectorState>>;
  getVector(key: number, channel: string, model: ModelRef): Promise<Float32Array | undefined>;
  /** All vectors of one channel made by exactly this model, in key order (never mixing models); main posters only unless scope is 'posters'. */
  loadVectors(channel: string, model: ModelRef, scope?: PosterScope): Promise<{ key: number; vector: Float32Array }[]>;
  /** Keys holding a vector of this channel and model, in key order (scope as loadVectors). */
  vectorKeys(channel: string, model: ModelRef, scope?: PosterScope): Promise<number[]>;
  /** Replaces vectors one by one outside an index batch (genre or analysis tools; tests). */
  putVectors(key: number, vectors: VectorRecord[]): Promise<void>;
  /** Deletes every vector of a channel and its atlas, atomically (a model dropped from the library); returns the vectors deleted. */
  deleteChannel(channel: string): Promise<number>;

  stats(): Promise<LibraryStats>;
  /** Integrity problems the engine finds (empty when sound). */
  checkIntegrity(): Promise<string[]>;
  /** The library's durable job queue (jobs/job-queue.ts). */
  readonly jobs: JobQueue;
  /**
   * Called soon after another connection or process committed a change (SQLite: polls PRAGMA
   * data_version; PostgreSQL: LISTEN/NOTIFY); read analyses.analyses.revisions() to learn which areas it touched.
   */
  onExternalChange(listener: () => void): Promise<() => Promise<void>>;

  // Stills
  /** Joins (or creates) the movies of a stills folder and prunes stills gone from it, atomically; returns keys in order. */
  prepareStillsMovies(movies: StillsMovie[], source: string): Promise<{ keys: number[]; pruned: number }>;

  // Copying between engines (marquee migrate)
  /** Every row of one table in the neutral form (tables.ts), a page at a time, in key order. */
  exportTable(table: TableSpec): AsyncIterable<TableRow[]>;
  /** Writes rows exported from another library, keys kept, in one transaction. */
  importRows(table: TableSpec, rows: TableRow[]): Promise<void>;
  /** After an import: identity sequences past the copied keys, vector indexes built. */
  finishImport(): Promise<void>;
}
