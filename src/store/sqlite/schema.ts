/**
 * The SQLite schema. v4: poster_text (OCR). v5: films. v6: several posters per movie (the
 * `posters` table has a key of its own; see "Poster keys" below) — migrate.ts rebuilds the
 * tables whose references changed, copying rows (no poster is embedded again).
 *
 * Poster keys: a movie's first poster (rank 0, the catalog's `poster`) has the movie's own key;
 * a further poster gets a key of the same sequence that no movie has. Per-poster tables (vectors
 * of image channels, palettes, faces, face_scans, poster_text) keep their column name
 * `movie_key` but hold that poster key, so a library of one poster per film reads exactly as
 * before. The synopsis vector (channel 'text') is keyed by the movie. Vectors therefore reference
 * neither table; triggers delete them with their poster or movie.
 *
 * v7: lexical search (FTS5 tables kept by triggers: lexical-sqlite.ts).
 * v8: revisions per area (../revisions.ts), bumped by a trigger per table and operation (SQLite
 * triggers are per row: an upsert of one row of a tiny table per row written), the job queue
 * (sqlite-jobs.ts) and stored analyses (results with the revisions they were computed from).
 * v9: poster_text.small_print, the lines detected but left for a later reading (poster-ocr.ts).
 *
 * Frozen at v9 (history.ts runs it): later changes are Kysely migrations (../sql/migrations.ts),
 * the first of which renames per-poster tables' `movie_key` to `poster_key` and vectors' to
 * `subject_key`. The DDL here keeps v9's names.
 */
import { TABLE_AREAS } from '../revisions.js';

/**
 * The revisions table and the triggers that keep it, for the tables TABLE_AREAS names (history.ts
 * runs it up to schema 9): a table or area added later needs its triggers in a migration.
 */
export function revisionsSql(): string {
  const triggers = Object.entries(TABLE_AREAS).flatMap(([table, area]) =>
    (['INSERT', 'UPDATE', 'DELETE'] as const).map((op) => {
      const row = op === 'DELETE' ? 'OLD' : 'NEW';
      const key = area === 'vectors' ? `'vectors:' || ${row}.channel` : `'${area}'`;
      return `CREATE TRIGGER IF NOT EXISTS ${table}_revision_${op.toLowerCase()} AFTER ${op} ON ${table} BEGIN
  INSERT INTO revisions (area, rev) VALUES (${key}, 1) ON CONFLICT (area) DO UPDATE SET rev = rev + 1;
END;`;
    }),
  );
  return ['CREATE TABLE IF NOT EXISTS revisions (area TEXT PRIMARY KEY, rev INTEGER NOT NULL) WITHOUT ROWID;', ...triggers].join('\n');
}

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS movies (
  key        INTEGER PRIMARY KEY,
  id         TEXT NOT NULL UNIQUE,
  title      TEXT NOT NULL,
  year       INTEGER,
  genres     TEXT NOT NULL DEFAULT '[]',
  countries  TEXT NOT NULL DEFAULT '[]',
  overview   TEXT NOT NULL DEFAULT '',
  tagline    TEXT NOT NULL DEFAULT '',
  imdb_id    TEXT,
  tmdb_id    TEXT,
  extra      TEXT NOT NULL DEFAULT '{}',
  source     TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS movies_imdb ON movies(imdb_id);
CREATE TABLE IF NOT EXISTS posters (
  key          INTEGER PRIMARY KEY,
  movie_key    INTEGER NOT NULL REFERENCES movies(key) ON DELETE CASCADE,
  rank         INTEGER NOT NULL DEFAULT 0,
  kind         TEXT,
  country      TEXT,
  year         INTEGER,
  path         TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  width        INTEGER NOT NULL,
  height       INTEGER NOT NULL,
  format       TEXT NOT NULL,
  bytes        INTEGER NOT NULL,
  thumbnail    BLOB NOT NULL,
  indexed_at   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS posters_movie ON posters(movie_key, rank);
CREATE TABLE IF NOT EXISTS vectors (
  movie_key     INTEGER NOT NULL,
  channel       TEXT NOT NULL,
  model_id      TEXT NOT NULL,
  model_version TEXT NOT NULL,
  source_hash   TEXT NOT NULL,
  dim           INTEGER NOT NULL,
  data          BLOB NOT NULL,
  PRIMARY KEY (movie_key, channel)
);
CREATE INDEX IF NOT EXISTS vectors_model ON vectors(channel, model_id, model_version);
CREATE TRIGGER IF NOT EXISTS movies_drop_vectors AFTER DELETE ON movies BEGIN
  DELETE FROM vectors WHERE movie_key = OLD.key;
END;
CREATE TRIGGER IF NOT EXISTS posters_drop_vectors AFTER DELETE ON posters BEGIN
  DELETE FROM vectors WHERE movie_key = OLD.key AND channel <> 'text';
END;
CREATE TABLE IF NOT EXISTS palettes (
  movie_key   INTEGER PRIMARY KEY REFERENCES posters(key) ON DELETE CASCADE,
  version     TEXT NOT NULL,
  source_hash TEXT NOT NULL,
  colors      TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS faces (
  movie_key  INTEGER NOT NULL REFERENCES posters(key) ON DELETE CASCADE,
  idx        INTEGER NOT NULL,
  x          REAL NOT NULL,
  y          REAL NOT NULL,
  width      REAL NOT NULL,
  height     REAL NOT NULL,
  score      REAL NOT NULL,
  descriptor BLOB NOT NULL,
  PRIMARY KEY (movie_key, idx)
);
CREATE TABLE IF NOT EXISTS face_scans (
  movie_key     INTEGER PRIMARY KEY REFERENCES posters(key) ON DELETE CASCADE,
  model_version TEXT NOT NULL,
  source_hash   TEXT NOT NULL,
  count         INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS poster_text (
  movie_key   INTEGER PRIMARY KEY REFERENCES posters(key) ON DELETE CASCADE,
  version     TEXT NOT NULL,
  source_hash TEXT NOT NULL,
  lines       TEXT NOT NULL,
  error       TEXT,
  read_at     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS analyses (
  key         TEXT PRIMARY KEY,
  revisions   TEXT NOT NULL,
  result      TEXT NOT NULL,
  computed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS genre_models (
  name       TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  meta       TEXT NOT NULL,
  params     BLOB
);
CREATE TABLE IF NOT EXISTS atlas (
  channel  TEXT PRIMARY KEY,
  built_at TEXT NOT NULL,
  meta     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS atlas_points (
  channel   TEXT NOT NULL,
  movie_key INTEGER NOT NULL REFERENCES movies(key) ON DELETE CASCADE,
  pca_x REAL NOT NULL, pca_y REAL NOT NULL,
  umap_x REAL NOT NULL, umap_y REAL NOT NULL,
  tsne_x REAL NOT NULL, tsne_y REAL NOT NULL,
  cell      INTEGER NOT NULL,
  cluster   INTEGER NOT NULL,
  placed    TEXT NOT NULL,
  PRIMARY KEY (channel, movie_key)
);
CREATE TABLE IF NOT EXISTS atlas_sheets (
  sheet INTEGER PRIMARY KEY,
  jpeg  BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS atlas_sprites (
  movie_key INTEGER PRIMARY KEY REFERENCES movies(key) ON DELETE CASCADE,
  sheet     INTEGER NOT NULL,
  slot      INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS index_runs (
  id          INTEGER PRIMARY KEY,
  catalog     TEXT NOT NULL,
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  status      TEXT NOT NULL,
  summary     TEXT
);
CREATE TABLE IF NOT EXISTS index_failures (
  run_id INTEGER NOT NULL REFERENCES index_runs(id) ON DELETE CASCADE,
  item   TEXT NOT NULL,
  file   TEXT,
  reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS index_batches (
  run_id      INTEGER NOT NULL REFERENCES index_runs(id) ON DELETE CASCADE,
  batch       INTEGER NOT NULL,
  worker      TEXT NOT NULL,
  counts      TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  PRIMARY KEY (run_id, batch)
);
CREATE TABLE IF NOT EXISTS stills (
  key           INTEGER PRIMARY KEY,
  movie_key     INTEGER NOT NULL REFERENCES movies(key) ON DELETE CASCADE,
  seq           INTEGER NOT NULL,
  path          TEXT NOT NULL,
  timestamp     REAL,
  content_hash  TEXT NOT NULL,
  width         INTEGER NOT NULL,
  height        INTEGER NOT NULL,
  thumbnail     BLOB NOT NULL,
  versions      TEXT NOT NULL,
  content       BLOB NOT NULL,
  color         BLOB NOT NULL,
  layout        BLOB NOT NULL,
  look          TEXT NOT NULL,
  UNIQUE (movie_key, seq)
);
CREATE TABLE IF NOT EXISTS movie_looks (
  movie_key   INTEGER PRIMARY KEY REFERENCES movies(key) ON DELETE CASCADE,
  stills_hash TEXT NOT NULL,
  look        TEXT NOT NULL,
  barcode     BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS films (
  movie_key   INTEGER PRIMARY KEY REFERENCES movies(key) ON DELETE CASCADE,
  source      TEXT NOT NULL,
  source_hash TEXT NOT NULL,
  version     TEXT NOT NULL,
  analysis    TEXT NOT NULL,
  barcode     BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS still_faces (
  still_key     INTEGER PRIMARY KEY REFERENCES stills(key) ON DELETE CASCADE,
  model_version TEXT NOT NULL,
  source_hash   TEXT NOT NULL,
  faces         TEXT NOT NULL
);
`;

/** The job queue (../repositories/jobs.ts); times are epoch milliseconds. */
export const JOBS_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS jobs (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  kind         TEXT NOT NULL,
  key          TEXT NOT NULL,
  state        TEXT NOT NULL,
  priority     INTEGER NOT NULL DEFAULT 0,
  payload      TEXT,
  attempts     INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  progress     TEXT,
  result       TEXT,
  error        TEXT,
  worker       TEXT,
  lease_until  INTEGER,
  created_at   INTEGER NOT NULL,
  started_at   INTEGER,
  finished_at  INTEGER,
  run_after    INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS jobs_active ON jobs(kind, key) WHERE state IN ('waiting', 'running');
CREATE INDEX IF NOT EXISTS jobs_next ON jobs(state, priority DESC, id);
CREATE TABLE IF NOT EXISTS job_kinds (
  kind   TEXT PRIMARY KEY,
  paused INTEGER NOT NULL DEFAULT 0
);
`;
