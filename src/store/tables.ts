/**
 * The library's tables in an engine-neutral form, for copying a library between engines
 * (`marquee migrate`), checked at compile time against the tables' types (sql/database.ts) and
 * by test/integration/schema-agreement.test.ts against both engines' live schemas. Both engines use these column names; values travel as JavaScript values:
 * numbers, strings, Buffers, null, parsed JSON for `json` columns and ISO strings for `time`
 * columns. Tables are listed parents first; `key` is a unique ordering used for keyset paging
 * (empty: paged by offset, for small tables without one).
 */
import type { Tables } from './sql/database.js';

export interface TableSpec {
  name: string;
  columns: string[];
  json: string[];
  time: string[];
  key: string[];
  /** An identity column whose sequence must move past the copied values (PostgreSQL). */
  identity?: string;
}

type Column<N extends keyof Tables> = keyof Tables[N] & string;
/** Compiles only when `columns` names every column of the table's type in sql/database.ts. */
type EveryColumn<N extends keyof Tables, C extends readonly string[]> = [Exclude<Column<N>, C[number]>] extends [never] ? C : { missing: Exclude<Column<N>, C[number]> };

function t<N extends keyof Tables, const C extends readonly Column<N>[]>(name: N, columns: EveryColumn<N, C> & C, key: C[number][], extra: { json?: C[number][]; time?: C[number][]; identity?: C[number] } = {}): TableSpec {
  return { name, columns: [...columns], key, json: extra.json ?? [], time: extra.time ?? [], ...(extra.identity ? { identity: extra.identity } : {}) };
}

export const TABLE_SPECS: TableSpec[] = [
  t('meta', ['key', 'value'], ['key']),
  t('movies', ['key', 'id', 'title', 'year', 'genres', 'countries', 'overview', 'tagline', 'imdb_id', 'tmdb_id', 'extra', 'source', 'updated_at'], ['key'], { json: ['genres', 'countries', 'extra'], time: ['updated_at'], identity: 'key' }),
  t('posters', ['key', 'movie_key', 'rank', 'kind', 'country', 'year', 'path', 'content_hash', 'width', 'height', 'format', 'bytes', 'thumbnail', 'indexed_at'], ['key'], { time: ['indexed_at'] }),
  t('vectors', ['subject_key', 'channel', 'model_id', 'model_version', 'source_hash', 'dim', 'data'], ['subject_key', 'channel']),
  t('palettes', ['poster_key', 'version', 'source_hash', 'colors'], ['poster_key'], { json: ['colors'] }),
  t('faces', ['poster_key', 'idx', 'x', 'y', 'width', 'height', 'score', 'descriptor'], ['poster_key', 'idx']),
  t('face_scans', ['poster_key', 'model_version', 'source_hash', 'count'], ['poster_key']),
  t('poster_text', ['poster_key', 'version', 'source_hash', 'lines', 'small_print', 'error', 'read_at'], ['poster_key'], { json: ['lines', 'small_print'], time: ['read_at'] }),
  t('genre_models', ['name', 'created_at', 'meta', 'params'], ['name'], { json: ['meta'], time: ['created_at'] }),
  t('atlas', ['channel', 'built_at', 'meta'], ['channel'], { json: ['meta'], time: ['built_at'] }),
  t('atlas_points', ['channel', 'movie_key', 'pca_x', 'pca_y', 'umap_x', 'umap_y', 'tsne_x', 'tsne_y', 'cell', 'cluster', 'placed'], ['channel', 'movie_key']),
  t('atlas_sheets', ['sheet', 'jpeg'], ['sheet']),
  t('atlas_sprites', ['movie_key', 'sheet', 'slot'], ['movie_key']),
  t('index_runs', ['id', 'catalog', 'started_at', 'finished_at', 'status', 'summary'], ['id'], { json: ['summary'], time: ['started_at', 'finished_at'], identity: 'id' }),
  t('index_failures', ['run_id', 'item', 'file', 'reason'], []),
  t('index_batches', ['run_id', 'batch', 'worker', 'counts', 'finished_at'], ['run_id', 'batch'], { json: ['counts'], time: ['finished_at'] }),
  t('stills', ['key', 'movie_key', 'seq', 'path', 'timestamp', 'content_hash', 'width', 'height', 'thumbnail', 'versions', 'content', 'color', 'layout', 'look'], ['key'], { json: ['look'], identity: 'key' }),
  t('movie_looks', ['movie_key', 'stills_hash', 'look', 'barcode'], ['movie_key'], { json: ['look'] }),
  t('stills_atlas_points', ['still_key', 'content_hash', 'x', 'y', 'cell', 'cluster', 'hue', 'sheet', 'slot', 'placed'], ['still_key']),
  t('stills_atlas_files', ['name', 'data'], ['name']),
  t('stills_match', ['still_key', 'movie_key', 'hub', 'data'], ['still_key']),
  t('stills_match_files', ['name', 'data'], ['name']),
  t('still_faces', ['still_key', 'model_version', 'source_hash', 'faces'], ['still_key'], { json: ['faces'] }),
  t('films', ['movie_key', 'source', 'source_hash', 'version', 'analysis', 'barcode'], ['movie_key'], { json: ['analysis'] }),
];

export type TableRow = Record<string, unknown>;

/** Meta keys that belong to an engine (its schema version), never copied. */
export const ENGINE_META_KEYS = new Set(['schema_version']);

/** Rows per page when copying. */
export const COPY_PAGE = 500;
