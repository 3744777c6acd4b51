/**
 * The store seam: everything a library holds, behind one async interface. Two implementations,
 * `sqlite/` (embedded, one file, the default) and `postgres/` (node-postgres pool, optionally
 * pgvector), run one conformance suite (src/store/store.conformance.ts). Nothing outside
 * src/store speaks SQL or imports a database driver; a write that must be atomic (a batch of
 * posters with every channel, a batch of stills) is one method, so transactions never leak out.
 */
import type { PaletteColor } from '../design/palette.js';
import type { DetectedFace } from '../models/face-model.js';
import type { VectorIndex } from './vector-index.js';
import type { PendingStrip, TextLine } from '../text/types.js';
import type { TableRow, TableSpec } from './tables.js';
import type { LexicalSearch } from './lexical.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { AtlasPoint, BatchCounts, FilterRow, TitleRow, ModelRef, MovieRecord, PosterMeta, PosterRecord, PosterScope, StoredPoster, StillRecord, StillState, StoredFaceJson, StoredFilm, StoredMovie, StoredStill, VectorRecord, VectorState } from './types.js';

/** A poster's OCR outcome: the lines read (and the small print left for later, if any), or the reason reading failed. */
export type PosterTextReading = { lines: TextLine[]; smallPrint?: PendingStrip[] } | { error: string };

export interface StoredPosterText {
  version: string;
  sourceHash: string;
  lines: TextLine[];
  /** Small print detected but not read yet (empty once the reading is whole). */
  smallPrint: PendingStrip[];
  error: string | null;
  readAt: string;
}

export interface PosterTextProgress {
  read: number;
  failed: number;
  pending: number;
  smallPrint: number;
}

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

export interface StoredAnalysis {
  revisions: Record<string, number>;
  result: unknown;
  computedAt: string;
}

export interface Store {
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

  // Faces on posters
  putFaces(key: number, modelVersion: string, sourceHash: string, faces: DetectedFace[]): Promise<void>;
  postersNeedingFaceScan(modelVersion: string): Promise<{ key: number; path: string; contentHash: string }[]>;
  getFaces(key: number): Promise<DetectedFace[]>;
  allFaceDescriptors(scope?: PosterScope): Promise<{ key: number; descriptor: Float32Array }[]>;
  faceScanCount(): Promise<number>;
  /** How many faces each poster scanned on its current bytes holds (posters not scanned are absent), in key order. */
  faceCounts(): Promise<{ key: number; count: number }[]>;

  // Printed text on posters (OCR)
  /** Stores what was read off a poster (or why it could not be read), replacing an older reading. */
  putPosterText(key: number, version: string, sourceHash: string, reading: PosterTextReading): Promise<void>;
  /** Posters never read by this reader version, or changed since they were read; failures are retried only after a change. */
  postersNeedingText(version: string): Promise<{ key: number; path: string; contentHash: string }[]>;
  getPosterText(key: number): Promise<StoredPosterText | undefined>;
  /** Every current reading with lines (this version, matching poster hash), in key order. */
  allPosterText(version: string, scope?: PosterScope): Promise<{ key: number; lines: TextLine[] }[]>;
  /** Current readings (this version, matching poster hash) whose small print is still to read, in key order. */
  postersWithSmallPrint(version: string): Promise<{ key: number; path: string; contentHash: string }[]>;
  /** How far the OCR pass is for this version: posters read, failed, and still to read; `smallPrint`: read posters whose small print is not read yet. */
  posterTextProgress(version: string): Promise<PosterTextProgress>;

  // Genre models
  putGenreModel(name: string, meta: unknown, params: Float32Array | null): Promise<void>;
  getGenreModel(name: string): Promise<{ createdAt: string; meta: unknown; params: Float32Array | null } | undefined>;

  // Index runs
  startRun(catalog: string): Promise<number>;
  finishRun(runId: number, status: 'done' | 'interrupted' | 'failed', summary: unknown): Promise<void>;
  recordFailure(runId: number, item: string, file: string | null, reason: string): Promise<void>;
  /** A worker's tally for one batch of a coordinated run; a retried batch replaces its row (at-least-once delivery). */
  recordBatch(runId: number, batch: number, worker: string, counts: BatchCounts): Promise<void>;
  /** The batches of a run recorded so far, in batch order. */
  runBatches(runId: number): Promise<{ batch: number; worker: string; counts: BatchCounts }[]>;
  /** One indexer per library; the returned function releases the lock. */
  acquireIndexLock(): Promise<() => Promise<void>>;

  stats(): Promise<LibraryStats>;
  /** Integrity problems the engine finds (empty when sound). */
  checkIntegrity(): Promise<string[]>;
  /**
   * The revision of every area written so far (revisions.ts): kept by triggers in the transaction
   * that wrote the rows, so it moves for this process's writes and every other's alike.
   */
  revisions(): Promise<Map<string, number>>;
  /** A stored analysis result with the revisions of what it read when computed (revisions.ts revisionsOf). */
  putAnalysis(key: string, revisions: Record<string, number>, result: unknown): Promise<void>;
  getAnalysis(key: string): Promise<StoredAnalysis | undefined>;
  /** The library's durable job queue (jobs/job-queue.ts). */
  readonly jobs: JobQueue;
  /**
   * Called soon after another connection or process committed a change (SQLite: polls PRAGMA
   * data_version; PostgreSQL: LISTEN/NOTIFY); read revisions() to learn which areas it touched.
   */
  onExternalChange(listener: () => void): Promise<() => Promise<void>>;

  // Stills
  /** Joins (or creates) the movies of a stills folder and prunes stills gone from it, atomically; returns keys in order. */
  prepareStillsMovies(movies: StillsMovie[], source: string): Promise<{ keys: number[]; pruned: number }>;
  stillState(movieKey: number, seq: number): Promise<StillState | undefined>;
  putStills(stills: StillRecord[]): Promise<void>;
  allStills(): Promise<StoredStill[]>;
  movieStills(movieKey: number): Promise<StoredStill[]>;
  stillThumbnail(movieKey: number, seq: number): Promise<Buffer | undefined>;
  moviesWithStills(): Promise<{ key: number; count: number }[]>;
  stillsOfMovie(movieKey: number): Promise<number>;
  stillsCount(): Promise<number>;
  putMovieLook<T>(movieKey: number, stillsHash: string, look: T, barcode: Buffer): Promise<void>;
  /** A film analysed from a video (films/): replaces the movie's previous one. */
  putFilm<T>(movieKey: number, film: StoredFilm<T>, barcode: Buffer): Promise<void>;
  getFilm<T>(movieKey: number): Promise<StoredFilm<T> | undefined>;
  getFilmBarcode(movieKey: number): Promise<Buffer | undefined>;
  /** Movies with an analysed film. */
  moviesWithFilms(): Promise<number[]>;
  movieLookHash(movieKey: number): Promise<string | undefined>;
  getMovieLook<T>(movieKey: number): Promise<T | undefined>;
  getBarcode(movieKey: number): Promise<Buffer | undefined>;
  stillsNeedingFaceScan(modelVersion: string): Promise<{ key: number; path: string; contentHash: string }[]>;
  putStillFaces(stillKey: number, modelVersion: string, sourceHash: string, faces: StoredFaceJson[]): Promise<void>;
  /** Stored faces per still key (only scanned stills), optionally of one movie. */
  stillFaces(movieKey?: number): Promise<Map<number, StoredFaceJson[]>>;

  // Copying between engines (marquee migrate)
  /** Every row of one table in the neutral form (tables.ts), a page at a time, in key order. */
  exportTable(table: TableSpec): AsyncIterable<TableRow[]>;
  /** Writes rows exported from another library, keys kept, in one transaction. */
  importRows(table: TableSpec, rows: TableRow[]): Promise<void>;
  /** After an import: identity sequences past the copied keys, vector indexes built. */
  finishImport(): Promise<void>;

  // Atlas
  loadAtlasPoints(channel: string): Promise<AtlasPoint[]>;
  saveAtlasPoints(channel: string, points: AtlasPoint[], replaceAll: boolean): Promise<void>;
  saveAtlasMeta(channel: string, meta: unknown): Promise<void>;
  loadAtlasMeta<T>(channel: string): Promise<T | undefined>;
  saveAtlasSheets(sheets: Buffer[], sprites: { key: number; sheet: number; slot: number }[]): Promise<void>;
  loadAtlasSheet(sheet: number): Promise<Buffer | undefined>;
  loadAtlasSprites(): Promise<Map<number, { sheet: number; slot: number }>>;
}
