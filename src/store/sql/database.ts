/**
 * The library's tables as Kysely sees them: one type per table, shared by both engines, so a
 * query is written once (src/store/repositories/). Column types are what both drivers accept
 * and return: JSON columns are text on SQLite and jsonb on PostgreSQL (written as JSON text,
 * read through `Sql.json` in connect.ts), times are ISO text on SQLite and timestamptz on
 * PostgreSQL (written as ISO strings, read through `isoTime`). The DDL itself stays per engine
 * (sqlite/schema.ts, postgres/schema.ts, frozen; later changes in migrations.ts, written once);
 * test/integration/schema-agreement.test.ts proves
 * both agree with this file column by column.
 */
import type { ColumnType, Generated } from 'kysely';

/** A JSON column: written as JSON text, read as text (SQLite) or a parsed value (PostgreSQL). */
export type JsonColumn = ColumnType<unknown, string, string>;
/** A time column: written as an ISO string, read as text (SQLite) or a Date (PostgreSQL). */
export type TimeColumn = ColumnType<string | Date, string, string>;
type Blob = Buffer;

export interface MetaTable { key: string; value: string }
export interface MoviesTable {
  key: Generated<number>;
  id: string;
  title: string;
  year: number | null;
  genres: JsonColumn;
  countries: JsonColumn;
  overview: string;
  tagline: string;
  imdb_id: string | null;
  tmdb_id: string | null;
  extra: JsonColumn;
  source: string;
  updated_at: TimeColumn;
}
export interface PostersTable {
  key: number;
  movie_key: number;
  rank: number;
  kind: string | null;
  country: string | null;
  year: number | null;
  path: string;
  content_hash: string;
  width: number;
  height: number;
  format: string;
  bytes: number;
  thumbnail: Blob;
  indexed_at: TimeColumn;
}
/** A vector describes a poster (image channels: `subject_key` is the poster's key) or a movie (the synopsis channel 'text': the movie's key); the two share one key sequence (sqlite/schema.ts "Poster keys"). */
export interface VectorsTable { subject_key: number; channel: string; model_id: string; model_version: string; source_hash: string; dim: number; data: Blob }
export interface PalettesTable { poster_key: number; version: string; source_hash: string; colors: JsonColumn }
export interface FacesTable { poster_key: number; idx: number; x: number; y: number; width: number; height: number; score: number; descriptor: Blob }
export interface FaceScansTable { poster_key: number; model_version: string; source_hash: string; count: number }
export interface PosterTextTable { poster_key: number; version: string; source_hash: string; lines: JsonColumn; small_print: JsonColumn | null; error: string | null; read_at: TimeColumn }
export interface AnalysesTable { key: string; revisions: JsonColumn; result: JsonColumn; computed_at: TimeColumn }
export interface GenreModelsTable { name: string; created_at: TimeColumn; meta: JsonColumn; params: Blob | null }
export interface AtlasTable { channel: string; built_at: TimeColumn; meta: JsonColumn }
export interface AtlasPointsTable {
  channel: string;
  movie_key: number;
  pca_x: number; pca_y: number;
  umap_x: number; umap_y: number;
  tsne_x: number; tsne_y: number;
  cell: number;
  cluster: number;
  placed: string;
}
export interface AtlasSheetsTable { sheet: number; jpeg: Blob }
export interface AtlasSpritesTable { movie_key: number; sheet: number; slot: number }
export interface IndexRunsTable { id: Generated<number>; catalog: string; started_at: TimeColumn; finished_at: TimeColumn | null; status: string; summary: JsonColumn | null }
export interface IndexFailuresTable { run_id: number; item: string; file: string | null; reason: string }
export interface IndexBatchesTable { run_id: number; batch: number; worker: string; counts: JsonColumn; finished_at: TimeColumn }
export interface StillsTable {
  key: Generated<number>;
  movie_key: number;
  seq: number;
  path: string;
  timestamp: number | null;
  content_hash: string;
  width: number;
  height: number;
  thumbnail: Blob;
  versions: string;
  content: Blob;
  color: Blob;
  layout: Blob;
  look: JsonColumn;
}
export interface MovieLooksTable { movie_key: number; stills_hash: string; look: JsonColumn; barcode: Blob }
export interface FilmsTable { movie_key: number; source: string; source_hash: string; version: string; analysis: JsonColumn; barcode: Blob }
export interface StillFacesTable { still_key: number; model_version: string; source_hash: string; faces: JsonColumn }
/** The stills atlas (repositories/stills-atlas.ts): each still's place, and the build's named files (meta, basis, sheets). */
export interface StillsAtlasPointsTable { still_key: number; content_hash: string; x: number; y: number; cell: number; cluster: number; hue: number; sheet: number; slot: number; placed: string }
export interface StillsAtlasFilesTable { name: string; data: Blob }
/** The stored which-movie rows (repositories/stills-match.ts); PostgreSQL with pgvector adds `embedding`. */
export interface StillsMatchTable { still_key: number; movie_key: number; hub: number; data: Blob }
export interface StillsMatchFilesTable { name: string; data: Blob }
/** The job queue (repositories/jobs.ts): times are epoch milliseconds (bigint on PostgreSQL, so read through Number). */
export interface JobsTable {
  id: Generated<number | string>;
  kind: string;
  key: string;
  state: string;
  priority: number;
  payload: JsonColumn | null;
  attempts: number;
  max_attempts: number;
  progress: JsonColumn | null;
  result: JsonColumn | null;
  error: string | null;
  worker: string | null;
  lease_until: ColumnType<number | string | null, number | null, number | null>;
  created_at: ColumnType<number | string, number, number>;
  started_at: ColumnType<number | string | null, number | null, number | null>;
  finished_at: ColumnType<number | string | null, number | null, number | null>;
  run_after: ColumnType<number | string, number, number>;
}
/** `paused` is 0/1 on SQLite and a boolean on PostgreSQL: written and compared through Sql.bool. */
export interface JobKindsTable { kind: string; paused: ColumnType<number | boolean, number | boolean, number | boolean> }
export interface RevisionsTable { area: string; rev: ColumnType<number | string, number, number> }

export interface Tables {
  meta: MetaTable;
  movies: MoviesTable;
  posters: PostersTable;
  vectors: VectorsTable;
  palettes: PalettesTable;
  faces: FacesTable;
  face_scans: FaceScansTable;
  poster_text: PosterTextTable;
  analyses: AnalysesTable;
  genre_models: GenreModelsTable;
  atlas: AtlasTable;
  atlas_points: AtlasPointsTable;
  atlas_sheets: AtlasSheetsTable;
  atlas_sprites: AtlasSpritesTable;
  index_runs: IndexRunsTable;
  index_failures: IndexFailuresTable;
  index_batches: IndexBatchesTable;
  stills: StillsTable;
  movie_looks: MovieLooksTable;
  films: FilmsTable;
  still_faces: StillFacesTable;
  stills_atlas_points: StillsAtlasPointsTable;
  stills_atlas_files: StillsAtlasFilesTable;
  stills_match: StillsMatchTable;
  stills_match_files: StillsMatchFilesTable;
  revisions: RevisionsTable;
  jobs: JobsTable;
  job_kinds: JobKindsTable;
}
