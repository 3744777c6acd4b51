/**
 * The embedded store: one SQLite file (WAL) opened with better-sqlite3. Its calls are
 * synchronous underneath; the async interface costs a microtask per call (measured: the
 * demo-catalog index rate is unchanged, see docs/benchmarks.md). Readers never block the indexer (WAL),
 * and another process's commits are seen through PRAGMA data_version.
 */
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { acquireIndexLock } from '../index-lock.js';
import { sqliteSql, sqliteWrites } from './sql.js';
import { sqlRepositories, WithRepositories } from '../repositories/all.js';
import { SqlJobQueue } from '../repositories/jobs.js';
import type { Store } from '../store.js';
import { StoreError } from '../errors.js';
import { JOBS_SCHEMA_SQL, revisionsSql, SCHEMA_SQL, SCHEMA_VERSION } from './schema.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import { LEXICAL_BACKFILL_SQL, LEXICAL_SCHEMA_SQL, registerLexicalFunctions, SqliteLexicalSearch } from './lexical-sqlite.js';
import type { LexicalSearch } from '../lexical.js';

type Row = Record<string, unknown>;

/** Opens (creating or migrating) a library file. */
export function openSqliteStore(path: string, opts: { create: boolean }): SqliteStore {
  return new SqliteStore(path, opts);
}

export class SqliteStore extends WithRepositories implements Store {
  readonly engine = 'sqlite' as const;
  readonly location: string;
  readonly connection: string;
  readonly uploadsDir: string;
  readonly lexical: LexicalSearch;
  readonly jobs: JobQueue;
  private readonly db: Database.Database;

  constructor(readonly path: string, opts: { create: boolean }) {
    super();
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
    const sql = sqliteSql(this.db);
    this.jobs = new SqlJobQueue(sql);
    Object.assign(
      this,
      sqlRepositories(sql, {
        writes: sqliteWrites,
        vectorBackend: { kind: 'bytes', engineIndex: () => undefined },
        acquireIndexLock: async () => {
          const release = acquireIndexLock(path);
          return async () => release();
        },
        location: path,
        // INTEGER PRIMARY KEY columns continue after the largest key by themselves.
        finishImport: async () => undefined,
      }),
    );
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
}
