/**
 * The library: Marquee's embedded store, one SQLite file (WAL) holding movies,
 * posters with thumbnails, embeddings (float32 blobs, tagged with model id/version)
 * and index-run state. Everything above this module talks to `Library` only.
 */
import Database from 'better-sqlite3';
import { SCHEMA_SQL, SCHEMA_VERSION } from './schema.js';
import type { PaletteColor } from '../design/palette.js';
import type { DetectedFace } from '../models/face-model.js';
import type { FilterRow, ModelRef, MovieRecord, PosterRecord, StoredMovie, VectorRecord, VectorState } from './types.js';

type Row = Record<string, unknown>;

export function defaultDbPath(): string {
  return process.env.MARQUEE_DB || './marquee.db';
}

function toBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

function fromBlob(b: Buffer): Float32Array {
  // Copy: the Buffer may not be 4-byte aligned inside its pool.
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

function rowToMovie(r: Row): StoredMovie {
  return {
    key: r.key as number,
    id: r.id as string,
    title: r.title as string,
    year: (r.year as number | null) ?? null,
    genres: JSON.parse(r.genres as string) as string[],
    countries: JSON.parse(r.countries as string) as string[],
    overview: r.overview as string,
    tagline: r.tagline as string,
    imdbId: (r.imdb_id as string | null) ?? null,
    tmdbId: (r.tmdb_id as string | null) ?? null,
    extra: JSON.parse(r.extra as string) as Record<string, string>,
    source: r.source as string,
    hasPoster: Boolean(r.has_poster),
  };
}

const MOVIE_COLUMNS = `m.key, m.id, m.title, m.year, m.genres, m.countries, m.overview, m.tagline, m.imdb_id, m.tmdb_id, m.extra, m.source,
  EXISTS(SELECT 1 FROM posters p WHERE p.movie_key = m.key) AS has_poster`;

export interface LibraryStats {
  movies: number;
  posters: number;
  vectors: { channel: string; modelId: string; modelVersion: string; count: number }[];
}

export class Library {
  readonly db: Database.Database;

  constructor(readonly path: string = defaultDbPath(), opts: { readonly?: boolean } = {}) {
    try {
      this.db = new Database(path, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
    } catch (err) {
      throw new Error(`cannot open library ${path}: ${(err as Error).message}`);
    }
    this.db.pragma('busy_timeout = 5000');
    if (!opts.readonly) {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('foreign_keys = ON');
      this.migrate();
    } else {
      this.db.pragma('foreign_keys = ON');
    }
  }

  private migrate(): void {
    const current = this.db.pragma('user_version', { simple: true }) as number;
    if (current > SCHEMA_VERSION)
      throw new Error(`library ${this.path} has schema version ${current}, newer than this Marquee (${SCHEMA_VERSION}); upgrade Marquee`);
    this.db.exec(SCHEMA_SQL);
    // v1 -> v2: the poster-embedding channel was called "image"; it is "content" now.
    if (current === 1) this.db.exec("UPDATE vectors SET channel = 'content' WHERE channel = 'image'");
    this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }

  close(): void {
    this.db.close();
  }

  /** Runs fn in one transaction: all of it is committed, or none. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  getMeta(key: string): string | undefined {
    const r = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as Row | undefined;
    return r?.value as string | undefined;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** Inserts or updates a movie's metadata; returns its key. */
  upsertMovie(movie: MovieRecord, source: string): number {
    const now = new Date().toISOString();
    const r = this.db
      .prepare(
        `INSERT INTO movies (id, title, year, genres, countries, overview, tagline, imdb_id, tmdb_id, extra, source, updated_at)
         VALUES (@id, @title, @year, @genres, @countries, @overview, @tagline, @imdb, @tmdb, @extra, @source, @now)
         ON CONFLICT(id) DO UPDATE SET title = excluded.title, year = excluded.year, genres = excluded.genres,
           countries = excluded.countries, overview = excluded.overview, tagline = excluded.tagline,
           imdb_id = excluded.imdb_id, tmdb_id = excluded.tmdb_id, extra = excluded.extra, source = excluded.source,
           updated_at = excluded.updated_at
         RETURNING key`,
      )
      .get({
        id: movie.id,
        title: movie.title,
        year: movie.year,
        genres: JSON.stringify(movie.genres),
        countries: JSON.stringify(movie.countries),
        overview: movie.overview,
        tagline: movie.tagline,
        imdb: movie.imdbId,
        tmdb: movie.tmdbId,
        extra: JSON.stringify(movie.extra),
        source,
        now,
      }) as Row;
    return r.key as number;
  }

  /** The key of a movie, inserting it only when missing (never overwrites catalog metadata). */
  ensureMovie(movie: MovieRecord, source: string): number {
    return this.keyOf(movie.id) ?? this.upsertMovie(movie, source);
  }

  /** A movie's id by IMDb id, for joining stills to posters. */
  idByImdb(imdbId: string): string | undefined {
    const r = this.db.prepare('SELECT id FROM movies WHERE imdb_id = ? ORDER BY key LIMIT 1').get(imdbId) as Row | undefined;
    return r?.id as string | undefined;
  }

  keyOf(id: string): number | undefined {
    const r = this.db.prepare('SELECT key FROM movies WHERE id = ?').get(id) as Row | undefined;
    return r?.key as number | undefined;
  }

  getMovie(id: string): StoredMovie | undefined {
    const r = this.db.prepare(`SELECT ${MOVIE_COLUMNS} FROM movies m WHERE m.id = ?`).get(id) as Row | undefined;
    return r ? rowToMovie(r) : undefined;
  }

  getMoviesByKeys(keys: number[]): Map<number, StoredMovie> {
    const out = new Map<number, StoredMovie>();
    const stmt = this.db.prepare(`SELECT ${MOVIE_COLUMNS} FROM movies m WHERE m.key = ?`);
    for (const k of keys) {
      const r = stmt.get(k) as Row | undefined;
      if (r) out.set(k, rowToMovie(r));
    }
    return out;
  }

  /** Movie ids of one catalog source, for pruning. */
  movieIdsFromSource(source: string): string[] {
    return (this.db.prepare('SELECT id FROM movies WHERE source = ?').all(source) as Row[]).map((r) => r.id as string);
  }

  deleteMovies(ids: string[]): number {
    const stmt = this.db.prepare('DELETE FROM movies WHERE id = ?');
    let n = 0;
    this.transaction(() => {
      for (const id of ids) n += stmt.run(id).changes;
    });
    return n;
  }

  posterHash(key: number): string | undefined {
    const r = this.db.prepare('SELECT content_hash FROM posters WHERE movie_key = ?').get(key) as Row | undefined;
    return r?.content_hash as string | undefined;
  }

  putPoster(key: number, poster: PosterRecord): void {
    this.db
      .prepare(
        `INSERT INTO posters (movie_key, path, content_hash, width, height, format, bytes, thumbnail, indexed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(movie_key) DO UPDATE SET path = excluded.path, content_hash = excluded.content_hash,
           width = excluded.width, height = excluded.height, format = excluded.format, bytes = excluded.bytes,
           thumbnail = excluded.thumbnail, indexed_at = excluded.indexed_at`,
      )
      .run(key, poster.path, poster.contentHash, poster.width, poster.height, poster.format, poster.bytes, poster.thumbnail, new Date().toISOString());
  }

  putPalette(key: number, version: string, sourceHash: string, colors: PaletteColor[]): void {
    this.db
      .prepare(
        `INSERT INTO palettes (movie_key, version, source_hash, colors) VALUES (?, ?, ?, ?)
         ON CONFLICT(movie_key) DO UPDATE SET version = excluded.version, source_hash = excluded.source_hash, colors = excluded.colors`,
      )
      .run(key, version, sourceHash, JSON.stringify(colors));
  }

  paletteState(key: number): { version: string; sourceHash: string } | undefined {
    const r = this.db.prepare('SELECT version, source_hash FROM palettes WHERE movie_key = ?').get(key) as Row | undefined;
    return r ? { version: r.version as string, sourceHash: r.source_hash as string } : undefined;
  }

  getPalette(key: number): PaletteColor[] | undefined {
    const r = this.db.prepare('SELECT colors FROM palettes WHERE movie_key = ?').get(key) as Row | undefined;
    return r ? (JSON.parse(r.colors as string) as PaletteColor[]) : undefined;
  }

  /** Replaces the faces found on a poster (a scan that found none is recorded too). */
  putFaces(key: number, modelVersion: string, sourceHash: string, faces: DetectedFace[]): void {
    this.transaction(() => {
      this.db.prepare('DELETE FROM faces WHERE movie_key = ?').run(key);
      const insert = this.db.prepare('INSERT INTO faces (movie_key, idx, x, y, width, height, score, descriptor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      faces.forEach((f, i) => insert.run(key, i, f.box.x, f.box.y, f.box.width, f.box.height, f.score, toBlob(f.descriptor)));
      this.db
        .prepare(
          `INSERT INTO face_scans (movie_key, model_version, source_hash, count) VALUES (?, ?, ?, ?)
           ON CONFLICT(movie_key) DO UPDATE SET model_version = excluded.model_version, source_hash = excluded.source_hash, count = excluded.count`,
        )
        .run(key, modelVersion, sourceHash, faces.length);
    });
  }

  /** Posters whose faces were never scanned, or scanned from other bytes or with another model. */
  postersNeedingFaceScan(modelVersion: string): { key: number; path: string; contentHash: string }[] {
    return (
      this.db
        .prepare(
          `SELECT p.movie_key AS key, p.path, p.content_hash FROM posters p LEFT JOIN face_scans f ON f.movie_key = p.movie_key
           WHERE f.movie_key IS NULL OR f.model_version != ? OR f.source_hash != p.content_hash ORDER BY p.movie_key`,
        )
        .all(modelVersion) as Row[]
    ).map((r) => ({ key: r.key as number, path: r.path as string, contentHash: r.content_hash as string }));
  }

  getFaces(key: number): DetectedFace[] {
    return (this.db.prepare('SELECT * FROM faces WHERE movie_key = ? ORDER BY idx').all(key) as Row[]).map((r) => ({
      box: { x: r.x as number, y: r.y as number, width: r.width as number, height: r.height as number },
      score: r.score as number,
      descriptor: fromBlob(r.descriptor as Buffer),
    }));
  }

  /** Every stored face descriptor (for same-face search). */
  allFaceDescriptors(): { key: number; descriptor: Float32Array }[] {
    return (this.db.prepare('SELECT movie_key, descriptor FROM faces').all() as Row[]).map((r) => ({ key: r.movie_key as number, descriptor: fromBlob(r.descriptor as Buffer) }));
  }

  faceScanCount(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM face_scans').get() as Row).n as number;
  }

  putGenreModel(name: string, meta: unknown, params: Float32Array | null): void {
    this.db
      .prepare(
        `INSERT INTO genre_models (name, created_at, meta, params) VALUES (?, ?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET created_at = excluded.created_at, meta = excluded.meta, params = excluded.params`,
      )
      .run(name, new Date().toISOString(), JSON.stringify(meta), params ? toBlob(params) : null);
  }

  getGenreModel(name: string): { createdAt: string; meta: unknown; params: Float32Array | null } | undefined {
    const r = this.db.prepare('SELECT created_at, meta, params FROM genre_models WHERE name = ?').get(name) as Row | undefined;
    return r ? { createdAt: r.created_at as string, meta: JSON.parse(r.meta as string) as unknown, params: r.params ? fromBlob(r.params as Buffer) : null } : undefined;
  }

  getThumbnail(id: string): Buffer | undefined {
    const r = this.db.prepare('SELECT p.thumbnail FROM posters p JOIN movies m ON m.key = p.movie_key WHERE m.id = ?').get(id) as Row | undefined;
    return r?.thumbnail as Buffer | undefined;
  }

  /** Where a movie's poster file was read from at index time, its hash and its sniffed format. */
  posterFile(id: string): { path: string; contentHash: string; format: string } | undefined {
    const r = this.db.prepare('SELECT p.path, p.content_hash, p.format FROM posters p JOIN movies m ON m.key = p.movie_key WHERE m.id = ?').get(id) as Row | undefined;
    return r ? { path: r.path as string, contentHash: r.content_hash as string, format: r.format as string } : undefined;
  }

  /** How many posters were read from this path (uploaded files are shared by identical bytes). */
  postersAtPath(path: string): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM posters WHERE path = ?').get(path) as Row).n as number;
  }

  posterPath(id: string): string | undefined {
    const r = this.db.prepare('SELECT p.path FROM posters p JOIN movies m ON m.key = p.movie_key WHERE m.id = ?').get(id) as Row | undefined;
    return r?.path as string | undefined;
  }

  vectorState(key: number, channel: string): VectorState | undefined {
    const r = this.db.prepare('SELECT model_id, model_version, source_hash FROM vectors WHERE movie_key = ? AND channel = ?').get(key, channel) as Row | undefined;
    return r ? { modelId: r.model_id as string, modelVersion: r.model_version as string, sourceHash: r.source_hash as string } : undefined;
  }

  /** Stores (replacing) the movie's vector of this channel. One vector per channel: a new model replaces the old one. */
  putVector(key: number, v: VectorRecord): void {
    this.db
      .prepare(
        `INSERT INTO vectors (movie_key, channel, model_id, model_version, source_hash, dim, data) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(movie_key, channel) DO UPDATE SET model_id = excluded.model_id, model_version = excluded.model_version,
           source_hash = excluded.source_hash, dim = excluded.dim, data = excluded.data`,
      )
      .run(key, v.channel, v.modelId, v.modelVersion, v.sourceHash, v.vector.length, toBlob(v.vector));
  }

  deleteVector(key: number, channel: string): void {
    this.db.prepare('DELETE FROM vectors WHERE movie_key = ? AND channel = ?').run(key, channel);
  }

  getVector(key: number, channel: string, model: ModelRef): Float32Array | undefined {
    const r = this.db
      .prepare('SELECT data FROM vectors WHERE movie_key = ? AND channel = ? AND model_id = ? AND model_version = ?')
      .get(key, channel, model.id, model.version) as Row | undefined;
    return r ? fromBlob(r.data as Buffer) : undefined;
  }

  /** Streams all vectors of one channel made by exactly this model (never mixing models). */
  *iterateVectors(channel: string, model: ModelRef): Generator<{ key: number; vector: Float32Array }> {
    const stmt = this.db.prepare('SELECT movie_key, dim, data FROM vectors WHERE channel = ? AND model_id = ? AND model_version = ? ORDER BY movie_key');
    for (const r of stmt.iterate(channel, model.id, model.version) as Iterable<Row>) {
      if (r.dim !== model.dimension) throw new Error(`library ${this.path}: vector of movie ${r.movie_key} has ${r.dim} dims, model ${model.id} has ${model.dimension}`);
      yield { key: r.movie_key as number, vector: fromBlob(r.data as Buffer) };
    }
  }


  filterRows(): FilterRow[] {
    return (this.db.prepare('SELECT key, year, genres, countries FROM movies').all() as Row[]).map((r) => ({
      key: r.key as number,
      year: (r.year as number | null) ?? null,
      genres: JSON.parse(r.genres as string) as string[],
      countries: JSON.parse(r.countries as string) as string[],
    }));
  }

  startRun(catalog: string): number {
    const r = this.db.prepare("INSERT INTO index_runs (catalog, started_at, status) VALUES (?, ?, 'running')").run(catalog, new Date().toISOString());
    return Number(r.lastInsertRowid);
  }

  finishRun(runId: number, status: 'done' | 'interrupted' | 'failed', summary: unknown): void {
    this.db.prepare('UPDATE index_runs SET finished_at = ?, status = ?, summary = ? WHERE id = ?').run(new Date().toISOString(), status, JSON.stringify(summary), runId);
  }

  recordFailure(runId: number, item: string, file: string | null, reason: string): void {
    this.db.prepare('INSERT INTO index_failures (run_id, item, file, reason) VALUES (?, ?, ?, ?)').run(runId, item, file, reason);
  }

  stats(): LibraryStats {
    const movies = (this.db.prepare('SELECT COUNT(*) AS n FROM movies').get() as Row).n as number;
    const posters = (this.db.prepare('SELECT COUNT(*) AS n FROM posters').get() as Row).n as number;
    const vectors = (
      this.db.prepare('SELECT channel, model_id, model_version, COUNT(*) AS n FROM vectors GROUP BY channel, model_id, model_version').all() as Row[]
    ).map((r) => ({ channel: r.channel as string, modelId: r.model_id as string, modelVersion: r.model_version as string, count: r.n as number }));
    return { movies, posters, vectors };
  }
}
