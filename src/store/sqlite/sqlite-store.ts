/**
 * The embedded store: one SQLite file (WAL) opened with better-sqlite3. Its calls are
 * synchronous underneath; the async interface costs a microtask per call (measured: the
 * demo-catalog index rate is unchanged, see README). Readers never block the indexer (WAL),
 * and another process's commits are seen through PRAGMA data_version.
 */
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { PaletteColor } from '../../design/palette.js';
import { fromBlob, toBlob } from '../blob.js';
import { POSTER_COLUMNS, rowToPoster, scoped } from '../rows.js';
import { acquireIndexLock } from '../index-lock.js';
import { sqliteSql } from './sql.js';
import { sqlRepositories } from '../repositories/all.js';
import type { RunsRepository } from '../repositories/runs.js';
import type { GenreModelsRepository } from '../repositories/genre-models.js';
import type { AnalysesRepository } from '../repositories/analyses.js';
import type { AtlasRepository } from '../repositories/atlas.js';
import type { FacesRepository } from '../repositories/faces.js';
import type { PosterTextRepository } from '../repositories/poster-text.js';
import type { StillsRepository } from '../repositories/stills.js';
import type { FilmsRepository } from '../repositories/films.js';
import type { LibraryStats, MorePosterWrite, MovieWrite, StillsMovie, Store, VectorBackend } from '../store.js';
import { StoreError } from '../errors.js';
import type { FilterRow, TitleRow, ModelRef, MovieRecord, PosterMeta, PosterScope, StoredPoster, StoredMovie, VectorRecord, VectorState } from '../types.js';
import { revisionsSql, SCHEMA_SQL, SCHEMA_VERSION } from './schema.js';
import { JOBS_SCHEMA_SQL, SqliteJobQueue } from './sqlite-jobs.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import { LEXICAL_BACKFILL_SQL, LEXICAL_SCHEMA_SQL, registerLexicalFunctions, SqliteLexicalSearch } from './lexical-sqlite.js';
import type { LexicalSearch } from '../lexical.js';
import { COPY_PAGE, ENGINE_META_KEYS, type TableRow, type TableSpec } from '../tables.js';

type Row = Record<string, unknown>;

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

/** Opens (creating or migrating) a library file. */
export function openSqliteStore(path: string, opts: { create: boolean }): SqliteStore {
  return new SqliteStore(path, opts);
}

export class SqliteStore implements Store {
  readonly engine = 'sqlite' as const;
  readonly location: string;
  readonly connection: string;
  readonly uploadsDir: string;
  readonly vectors: VectorBackend = { kind: 'bytes', engineIndex: () => undefined };
  readonly lexical: LexicalSearch;
  readonly jobs: JobQueue;
  readonly runs: RunsRepository;
  readonly genreModels: GenreModelsRepository;
  readonly analyses: AnalysesRepository;
  readonly atlas: AtlasRepository;
  readonly faces: FacesRepository;
  readonly posterText: PosterTextRepository;
  readonly stills: StillsRepository;
  readonly films: FilmsRepository;
  private readonly db: Database.Database;

  constructor(readonly path: string, opts: { create: boolean }) {
    this.location = path;
    this.connection = path;
    this.uploadsDir = join(dirname(resolve(path)), `${basename(path)}.uploads`);
    try {
      this.db = new Database(path, { fileMustExist: !opts.create });
    } catch (err) {
      throw new StoreError('unavailable', `cannot open library ${path}: ${(err as Error).message}`);
    }
    this.db.pragma('busy_timeout = 5000');
    try {
      this.db.pragma('journal_mode = WAL');
    } catch (err) {
      this.db.close();
      throw new StoreError('foreign', `${path} is not a Marquee library (SQLite says: ${(err as Error).message})`);
    }
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    registerLexicalFunctions(this.db);
    this.migrate();
    this.lexical = new SqliteLexicalSearch(this.db);
    this.jobs = new SqliteJobQueue(this.db);
    const repositories = sqlRepositories(sqliteSql(this.db), async () => {
      const release = acquireIndexLock(path);
      return async () => release();
    });
    this.runs = repositories.runs;
    this.genreModels = repositories.genreModels;
    this.analyses = repositories.analyses;
    this.atlas = repositories.atlas;
    this.faces = repositories.faces;
    this.posterText = repositories.posterText;
    this.stills = repositories.stills;
    this.films = repositories.films;
  }

  private migrate(): void {
    const current = this.db.pragma('user_version', { simple: true }) as number;
    if (current > SCHEMA_VERSION) {
      this.db.close();
      throw new StoreError('schema_newer', `library ${this.path} has schema version ${current}, newer than this Marquee (${SCHEMA_VERSION}); upgrade Marquee`);
    }
    if (current === 0) {
      const tables = (this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Row[]).map((r) => r.name as string);
      if (tables.length > 0 && !tables.includes('movies')) {
        this.db.close();
        throw new StoreError('foreign', `${this.path} holds another application's tables (${tables.slice(0, 3).join(', ')}…), not a Marquee library`);
      }
    }
    if (current > 0 && current < 6) this.rebuildForPosterKeys();
    this.db.exec(SCHEMA_SQL);
    // v8 -> v9: small print left for a later reading (a column of its own: the v5 rebuild above copies poster_text by position).
    if (!(this.db.prepare('PRAGMA table_info(poster_text)').all() as Row[]).some((c) => c.name === 'small_print'))
      try {
        this.db.exec('ALTER TABLE poster_text ADD COLUMN small_print TEXT');
      } catch (err) {
        // Another process (a server and its job's child open the library together) added it first.
        if (!/duplicate column name/i.test((err as Error).message)) throw err;
      }
    this.db.exec(revisionsSql());
    this.db.exec(JOBS_SCHEMA_SQL);
    // v6 -> v7: lexical search tables (FTS5), filled once from the rows already there.
    this.tx(() => {
      this.db.exec(LEXICAL_SCHEMA_SQL);
      if (current > 0 && current < 7) this.db.exec(LEXICAL_BACKFILL_SQL);
    });
    // v1 -> v2: the poster-embedding channel was called "image"; it is "content" now.
    if (current === 1) this.db.exec("UPDATE vectors SET channel = 'content' WHERE channel = 'image'");
    this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }

  /**
   * v5 -> v6 (several posters per movie): SQLite cannot change a table's key or references in
   * place, so the poster tables are rebuilt (rename, create, copy, drop) in one transaction with
   * reference checks off, then checked. Every existing poster becomes its movie's first poster with
   * the movie's key, so no vector, palette, face or reading changes; nothing is embedded again.
   */
  private rebuildForPosterKeys(): void {
    const tables = ['posters', 'vectors', 'palettes', 'faces', 'face_scans', 'poster_text'];
    const copy: Record<string, string> = {
      posters: `INSERT INTO posters (key, movie_key, rank, path, content_hash, width, height, format, bytes, thumbnail, indexed_at)
                SELECT movie_key, movie_key, 0, path, content_hash, width, height, format, bytes, thumbnail, indexed_at FROM posters_v5`,
    };
    this.db.pragma('foreign_keys = OFF');
    try {
      this.tx(() => {
        for (const t of tables) {
          // Indexes follow a renamed table: drop them so the new tables get theirs.
          for (const r of this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL").all(t) as Row[]) this.db.exec(`DROP INDEX ${r.name as string}`);
          this.db.exec(`ALTER TABLE ${t} RENAME TO ${t}_v5`);
        }
        this.db.exec(SCHEMA_SQL);
        for (const t of tables) {
          this.db.exec(copy[t] ?? `INSERT INTO ${t} SELECT * FROM ${t}_v5`);
          this.db.exec(`DROP TABLE ${t}_v5`);
        }
        const broken = this.db.prepare('PRAGMA foreign_key_check').all() as Row[];
        if (broken.length) throw new StoreError('corrupt', `library ${this.path}: ${broken.length} rows lost their poster while migrating to schema ${SCHEMA_VERSION} (first: ${String(broken[0]!.table)})`);
      });
    } finally {
      this.db.pragma('foreign_keys = ON');
    }
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  async getMeta(key: string): Promise<string | undefined> {
    const r = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as Row | undefined;
    return r?.value as string | undefined;
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  private upsertMovieSync(movie: MovieRecord, source: string): number {
    const r = this.db
      .prepare(
        // A new movie's key is past every poster key too (further posters draw keys from the same sequence).
        `INSERT INTO movies (key, id, title, year, genres, countries, overview, tagline, imdb_id, tmdb_id, extra, source, updated_at)
         VALUES ((SELECT MAX(COALESCE((SELECT MAX(key) FROM movies), 0), COALESCE((SELECT MAX(key) FROM posters), 0)) + 1), @id, @title, @year, @genres, @countries, @overview, @tagline, @imdb, @tmdb, @extra, @source, @now)
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
        now: new Date().toISOString(),
      }) as Row;
    return r.key as number;
  }

  async upsertMovie(movie: MovieRecord, source: string): Promise<number> {
    return this.upsertMovieSync(movie, source);
  }

  private keyOfSync(id: string): number | undefined {
    const r = this.db.prepare('SELECT key FROM movies WHERE id = ?').get(id) as Row | undefined;
    return r?.key as number | undefined;
  }

  async keyOf(id: string): Promise<number | undefined> {
    return this.keyOfSync(id);
  }

  async getMovie(id: string): Promise<StoredMovie | undefined> {
    const r = this.db.prepare(`SELECT ${MOVIE_COLUMNS} FROM movies m WHERE m.id = ?`).get(id) as Row | undefined;
    return r ? rowToMovie(r) : undefined;
  }

  async getMoviesByKeys(keys: number[]): Promise<Map<number, StoredMovie>> {
    const out = new Map<number, StoredMovie>();
    const stmt = this.db.prepare(`SELECT ${MOVIE_COLUMNS} FROM movies m WHERE m.key = ?`);
    for (const k of keys) {
      const r = stmt.get(k) as Row | undefined;
      if (r) out.set(k, rowToMovie(r));
    }
    return out;
  }

  async movieIdsFromSource(source: string): Promise<string[]> {
    return (this.db.prepare('SELECT id FROM movies WHERE source = ?').all(source) as Row[]).map((r) => r.id as string);
  }

  async movieIdsWithPoster(limit: number): Promise<string[]> {
    return (this.db.prepare('SELECT m.id FROM movies m JOIN posters p ON p.key = m.key ORDER BY m.key LIMIT ?').all(limit) as Row[]).map((r) => r.id as string);
  }

  async deleteMovies(ids: string[]): Promise<number> {
    const stmt = this.db.prepare('DELETE FROM movies WHERE id = ?');
    return this.tx(() => ids.reduce((n, id) => n + stmt.run(id).changes, 0));
  }

  async titleRows(): Promise<TitleRow[]> {
    return (this.db.prepare('SELECT key, id, title, year, extra FROM movies ORDER BY key').all() as Row[]).map((r) => ({
      key: r.key as number,
      id: r.id as string,
      title: r.title as string,
      year: (r.year as number | null) ?? null,
      extra: JSON.parse(r.extra as string) as Record<string, unknown>,
    }));
  }

  async filterRows(): Promise<FilterRow[]> {
    return (this.db.prepare('SELECT key, year, genres, countries FROM movies').all() as Row[]).map((r) => ({
      key: r.key as number,
      year: (r.year as number | null) ?? null,
      genres: JSON.parse(r.genres as string) as string[],
      countries: JSON.parse(r.countries as string) as string[],
    }));
  }

  private putVectorSync(key: number, v: VectorRecord): void {
    this.db
      .prepare(
        `INSERT INTO vectors (movie_key, channel, model_id, model_version, source_hash, dim, data) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(movie_key, channel) DO UPDATE SET model_id = excluded.model_id, model_version = excluded.model_version,
           source_hash = excluded.source_hash, dim = excluded.dim, data = excluded.data`,
      )
      .run(key, v.channel, v.modelId, v.modelVersion, v.sourceHash, v.vector.length, toBlob(v.vector));
  }

  async writeMovies(batch: MovieWrite[], source: string): Promise<number[]> {
    const poster = this.db.prepare(
      `INSERT INTO posters (key, movie_key, rank, path, content_hash, width, height, format, bytes, thumbnail, indexed_at)
       VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET path = excluded.path, content_hash = excluded.content_hash,
         width = excluded.width, height = excluded.height, format = excluded.format, bytes = excluded.bytes,
         thumbnail = excluded.thumbnail, indexed_at = excluded.indexed_at`,
    );
    const palette = this.db.prepare(
      `INSERT INTO palettes (movie_key, version, source_hash, colors) VALUES (?, ?, ?, ?)
       ON CONFLICT(movie_key) DO UPDATE SET version = excluded.version, source_hash = excluded.source_hash, colors = excluded.colors`,
    );
    const dropText = this.db.prepare("DELETE FROM vectors WHERE movie_key = ? AND channel = 'text'");
    const now = new Date().toISOString();
    return this.tx(() =>
      batch.map((w) => {
        const key = this.upsertMovieSync(w.movie, source);
        if (w.poster) {
          const p = w.poster.record;
          poster.run(key, key, p.path, p.contentHash, p.width, p.height, p.format, p.bytes, p.thumbnail, now);
          for (const v of w.poster.vectors) this.putVectorSync(key, v);
          palette.run(key, w.poster.palette.version, w.poster.palette.sourceHash, JSON.stringify(w.poster.palette.colors));
        }
        if (w.text) this.putVectorSync(key, w.text);
        else if (w.dropText) dropText.run(key);
        return key;
      }),
    );
  }

  async posterHash(key: number): Promise<string | undefined> {
    const r = this.db.prepare('SELECT content_hash FROM posters WHERE key = ?').get(key) as Row | undefined;
    return r?.content_hash as string | undefined;
  }

  async getThumbnail(id: string): Promise<Buffer | undefined> {
    const r = this.db.prepare('SELECT p.thumbnail FROM posters p JOIN movies m ON m.key = p.key WHERE m.id = ?').get(id) as Row | undefined;
    return r?.thumbnail as Buffer | undefined;
  }

  async posterFile(id: string): Promise<{ path: string; contentHash: string; format: string } | undefined> {
    const r = this.db.prepare('SELECT p.path, p.content_hash, p.format FROM posters p JOIN movies m ON m.key = p.key WHERE m.id = ?').get(id) as Row | undefined;
    return r ? { path: r.path as string, contentHash: r.content_hash as string, format: r.format as string } : undefined;
  }

  async postersAtPath(path: string): Promise<number> {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM posters WHERE path = ?').get(path) as Row).n as number;
  }

  async moviePosters(movieKey: number): Promise<StoredPoster[]> {
    return (this.db.prepare(`SELECT ${POSTER_COLUMNS} FROM posters WHERE movie_key = ? ORDER BY rank, key`).all(movieKey) as Row[]).map(rowToPoster);
  }

  async allPosters(): Promise<StoredPoster[]> {
    return (this.db.prepare(`SELECT ${POSTER_COLUMNS} FROM posters ORDER BY key`).all() as Row[]).map(rowToPoster);
  }

  async posterThumbnail(key: number): Promise<Buffer | undefined> {
    return (this.db.prepare('SELECT thumbnail FROM posters WHERE key = ?').get(key) as Row | undefined)?.thumbnail as Buffer | undefined;
  }

  async writeMorePosters(movieKey: number, posters: MorePosterWrite[], keep: string[], mainMeta?: PosterMeta): Promise<{ keys: number[]; removed: number }> {
    const find = this.db.prepare('SELECT key FROM posters WHERE movie_key = ? AND rank > 0 AND path = ?');
    const nextKey = this.db.prepare('SELECT MAX(COALESCE((SELECT MAX(key) FROM movies), 0), COALESCE((SELECT MAX(key) FROM posters), 0)) + 1 AS k');
    const insert = this.db.prepare(
      `INSERT INTO posters (key, movie_key, rank, kind, country, year, path, content_hash, width, height, format, bytes, thumbnail, indexed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET rank = excluded.rank, kind = excluded.kind, country = excluded.country, year = excluded.year,
         content_hash = excluded.content_hash, width = excluded.width, height = excluded.height, format = excluded.format,
         bytes = excluded.bytes, thumbnail = excluded.thumbnail, indexed_at = excluded.indexed_at`,
    );
    const setMeta = this.db.prepare('UPDATE posters SET rank = ?, kind = ?, country = ?, year = ? WHERE key = ?');
    const palette = this.db.prepare(
      `INSERT INTO palettes (movie_key, version, source_hash, colors) VALUES (?, ?, ?, ?)
       ON CONFLICT(movie_key) DO UPDATE SET version = excluded.version, source_hash = excluded.source_hash, colors = excluded.colors`,
    );
    const now = new Date().toISOString();
    return this.tx(() => {
      const keys = posters.map((w) => {
        if (w.rank < 1) throw new Error(`a further poster has rank ≥ 1, got ${w.rank} (${w.path})`);
        const existing = (find.get(movieKey, w.path) as Row | undefined)?.key as number | undefined;
        if (!w.content) {
          if (existing === undefined) throw new Error(`poster ${w.path} of movie ${movieKey} is not stored yet: its content is needed`);
          setMeta.run(w.rank, w.meta.kind, w.meta.country, w.meta.year, existing);
          return existing;
        }
        const key = existing ?? ((nextKey.get() as Row).k as number);
        const p = w.content.record;
        insert.run(key, movieKey, w.rank, w.meta.kind, w.meta.country, w.meta.year, w.path, p.contentHash, p.width, p.height, p.format, p.bytes, p.thumbnail, now);
        for (const v of w.content.vectors) this.putVectorSync(key, v);
        palette.run(key, w.content.palette.version, w.content.palette.sourceHash, JSON.stringify(w.content.palette.colors));
        return key;
      });
      if (mainMeta) this.db.prepare('UPDATE posters SET kind = ?, country = ?, year = ? WHERE key = ? AND rank = 0').run(mainMeta.kind, mainMeta.country, mainMeta.year, movieKey);
      const kept = new Set(keep);
      let removed = 0;
      const del = this.db.prepare('DELETE FROM posters WHERE key = ?');
      for (const r of this.db.prepare('SELECT key, path FROM posters WHERE movie_key = ? AND rank > 0').all(movieKey) as Row[])
        if (!kept.has(r.path as string)) removed += del.run(r.key).changes;
      return { keys, removed };
    });
  }

  async paletteState(key: number): Promise<{ version: string; sourceHash: string } | undefined> {
    const r = this.db.prepare('SELECT version, source_hash FROM palettes WHERE movie_key = ?').get(key) as Row | undefined;
    return r ? { version: r.version as string, sourceHash: r.source_hash as string } : undefined;
  }

  async getPalette(key: number): Promise<PaletteColor[] | undefined> {
    const r = this.db.prepare('SELECT colors FROM palettes WHERE movie_key = ?').get(key) as Row | undefined;
    return r ? (JSON.parse(r.colors as string) as PaletteColor[]) : undefined;
  }

  async allPalettes(): Promise<{ key: number; colors: PaletteColor[] }[]> {
    return (this.db.prepare('SELECT movie_key, colors FROM palettes ORDER BY movie_key').all() as Row[]).map((r) => ({ key: r.movie_key as number, colors: JSON.parse(r.colors as string) as PaletteColor[] }));
  }

  async vectorState(key: number, channel: string): Promise<VectorState | undefined> {
    const r = this.db.prepare('SELECT model_id, model_version, source_hash FROM vectors WHERE movie_key = ? AND channel = ?').get(key, channel) as Row | undefined;
    return r ? { modelId: r.model_id as string, modelVersion: r.model_version as string, sourceHash: r.source_hash as string } : undefined;
  }

  async vectorStates(key: number): Promise<Map<string, VectorState>> {
    const rows = this.db.prepare('SELECT channel, model_id, model_version, source_hash FROM vectors WHERE movie_key = ?').all(key) as Row[];
    return new Map(rows.map((r) => [r.channel as string, { modelId: r.model_id as string, modelVersion: r.model_version as string, sourceHash: r.source_hash as string }]));
  }

  async getVector(key: number, channel: string, model: ModelRef): Promise<Float32Array | undefined> {
    const r = this.db
      .prepare('SELECT data FROM vectors WHERE movie_key = ? AND channel = ? AND model_id = ? AND model_version = ?')
      .get(key, channel, model.id, model.version) as Row | undefined;
    return r ? fromBlob(r.data as Buffer) : undefined;
  }

  async loadVectors(channel: string, model: ModelRef, scope?: PosterScope): Promise<{ key: number; vector: Float32Array }[]> {
    const stmt = this.db.prepare(`SELECT movie_key, dim, data FROM vectors WHERE channel = ? AND model_id = ? AND model_version = ?${scoped(scope, 'movie_key')} ORDER BY movie_key`);
    const out: { key: number; vector: Float32Array }[] = [];
    for (const r of stmt.iterate(channel, model.id, model.version) as Iterable<Row>) {
      if (r.dim !== model.dimension) throw new StoreError('corrupt', `library ${this.path}: vector of movie ${r.movie_key} has ${r.dim} dims, model ${model.id} has ${model.dimension}`);
      out.push({ key: r.movie_key as number, vector: fromBlob(r.data as Buffer) });
    }
    return out;
  }

  async vectorKeys(channel: string, model: ModelRef, scope?: PosterScope): Promise<number[]> {
    return (this.db.prepare(`SELECT movie_key FROM vectors WHERE channel = ? AND model_id = ? AND model_version = ?${scoped(scope, 'movie_key')} ORDER BY movie_key`).all(channel, model.id, model.version) as Row[]).map((r) => r.movie_key as number);
  }

  async putVectors(key: number, vectors: VectorRecord[]): Promise<void> {
    this.tx(() => vectors.forEach((v) => this.putVectorSync(key, v)));
  }

  async deleteChannel(channel: string): Promise<number> {
    return this.tx(() => {
      const n = this.db.prepare('DELETE FROM vectors WHERE channel = ?').run(channel).changes;
      this.db.prepare('DELETE FROM atlas_points WHERE channel = ?').run(channel);
      this.db.prepare('DELETE FROM atlas WHERE channel = ?').run(channel);
      return n;
    });
  }














































  async stats(): Promise<LibraryStats> {
    const movies = (this.db.prepare('SELECT COUNT(*) AS n FROM movies').get() as Row).n as number;
    const posters = (this.db.prepare('SELECT COUNT(*) AS n FROM posters').get() as Row).n as number;
    const vectors = (
      this.db.prepare('SELECT channel, model_id, model_version, COUNT(*) AS n FROM vectors GROUP BY channel, model_id, model_version ORDER BY channel').all() as Row[]
    ).map((r) => ({ channel: r.channel as string, modelId: r.model_id as string, modelVersion: r.model_version as string, count: r.n as number }));
    return { movies, posters, vectors };
  }

  async checkIntegrity(): Promise<string[]> {
    const problems = (this.db.prepare('PRAGMA integrity_check').all() as Row[]).map((r) => r.integrity_check as string).filter((s) => s !== 'ok');
    const fk = this.db.prepare('PRAGMA foreign_key_check').all() as Row[];
    return [...problems, ...fk.map((r) => `foreign key: ${r.table} row ${r.rowid} -> ${r.parent}`)];
  }



  async onExternalChange(listener: () => void): Promise<() => Promise<void>> {
    // data_version changes when another connection (another process) commits; our own writes do not move it.
    let last = this.db.pragma('data_version', { simple: true }) as number;
    const timer = setInterval(() => {
      if (!this.db.open) return;
      const now = this.db.pragma('data_version', { simple: true }) as number;
      if (now !== last) {
        last = now;
        listener();
      }
    }, 1000);
    timer.unref();
    return async () => clearInterval(timer);
  }

  // Stills

  async prepareStillsMovies(movies: StillsMovie[], source: string): Promise<{ keys: number[]; pruned: number }> {
    const byImdb = this.db.prepare('SELECT id FROM movies WHERE imdb_id = ? ORDER BY key LIMIT 1');
    const seqs = this.db.prepare('SELECT seq FROM stills WHERE movie_key = ?');
    const del = this.db.prepare('DELETE FROM stills WHERE movie_key = ? AND seq = ?');
    return this.tx(() => {
      let pruned = 0;
      const keys = movies.map((m) => {
        const joined = m.imdbId ? ((byImdb.get(m.imdbId) as Row | undefined)?.id as string | undefined) : undefined;
        const movie = joined ? { ...m.movie, id: joined } : m.movie;
        const key = this.keyOfSync(movie.id) ?? this.upsertMovieSync(movie, source);
        const keep = new Set(m.keepSeqs);
        for (const r of seqs.all(key) as Row[]) if (!keep.has(r.seq as number)) pruned += del.run(key, r.seq).changes;
        return key;
      });
      return { keys, pruned };
    });
  }







































  // Copying between engines

  async *exportTable(spec: TableSpec): AsyncIterable<TableRow[]> {
    const cols = spec.columns.join(', ');
    let last: TableRow | undefined;
    let offset = 0;
    for (;;) {
      let rows: Row[];
      if (spec.key.length) {
        const where = last ? `WHERE (${spec.key.join(', ')}) > (${spec.key.map(() => '?').join(', ')})` : '';
        rows = this.db.prepare(`SELECT ${cols} FROM ${spec.name} ${where} ORDER BY ${spec.key.join(', ')} LIMIT ${COPY_PAGE}`).all(...(last ? spec.key.map((k) => last![k]) : [])) as Row[];
      } else {
        rows = this.db.prepare(`SELECT ${cols} FROM ${spec.name} ORDER BY rowid LIMIT ${COPY_PAGE} OFFSET ${offset}`).all() as Row[];
        offset += rows.length;
      }
      if (rows.length === 0) return;
      last = rows.at(-1);
      const out = rows.map((r) => {
        const o: TableRow = { ...r };
        for (const c of spec.json) if (o[c] !== null && o[c] !== undefined) o[c] = JSON.parse(o[c] as string) as unknown;
        return o;
      });
      yield spec.name === 'meta' ? out.filter((r) => !ENGINE_META_KEYS.has(r.key as string)) : out;
    }
  }

  async importRows(spec: TableSpec, rows: TableRow[]): Promise<void> {
    const insert = this.db.prepare(`INSERT INTO ${spec.name} (${spec.columns.join(', ')}) VALUES (${spec.columns.map(() => '?').join(', ')})`);
    this.tx(() => {
      for (const r of rows) insert.run(...spec.columns.map((c) => (spec.json.includes(c) && r[c] !== null && r[c] !== undefined ? JSON.stringify(r[c]) : (r[c] ?? null))));
    });
  }

  async finishImport(): Promise<void> {
    // INTEGER PRIMARY KEY columns continue after the largest key by themselves.
  }

  // Atlas














}
