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
import { upgradeToMigrator } from './history.js';
import { migrateLibrary } from '../sql/migrations.js';
import type { Sql } from '../sql/connect.js';
import type { JobQueue } from '../../jobs/job-queue.js';
import { registerLexicalFunctions, SqliteLexicalSearch } from './lexical-sqlite.js';
import type { LexicalSearch } from '../lexical.js';

type Row = Record<string, unknown>;

/**
 * Opens a library file: creates it, or brings an older one up to date (its hand-written history,
 * history.ts, then the Kysely migrations it has not run, ../sql/migrations.ts).
 */
export const openSqliteStore = (path: string, opts: { create: boolean }): Promise<SqliteStore> => SqliteStore.open(path, opts);

/** Runs `work` (queries on this connection, through Kysely or not) in one IMMEDIATE transaction: all of it or none. */
async function immediateTransaction(db: Database.Database, work: () => Promise<void>): Promise<void> {
  db.exec('BEGIN IMMEDIATE');
  try {
    await work();
    db.exec('COMMIT');
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw err;
  }
}

export class SqliteStore extends WithRepositories implements Store {
  readonly engine = 'sqlite' as const;
  readonly location: string;
  readonly connection: string;
  readonly uploadsDir: string;
  readonly lexical: LexicalSearch;
  readonly jobs: JobQueue;

  /** Over a connection openSqliteStore has brought up to date. */
  private constructor(readonly path: string, private readonly db: Database.Database, sql: Sql) {
    super();
    this.location = path;
    this.connection = path;
    this.uploadsDir = join(dirname(resolve(path)), `${basename(path)}.uploads`);
    this.lexical = new SqliteLexicalSearch(db);
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

  static async open(path: string, opts: { create: boolean }): Promise<SqliteStore> {
    let db: Database.Database;
    try {
      db = new Database(path, { fileMustExist: !opts.create });
    } catch (err) {
      throw new StoreError('unavailable', `cannot open library ${path}: ${(err as Error).message}`);
    }
    db.pragma('busy_timeout = 5000');
    try {
      db.pragma('journal_mode = WAL');
    } catch (err) {
      db.close();
      throw new StoreError('foreign', `${path} is not a Marquee library (SQLite says: ${(err as Error).message})`);
    }
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    registerLexicalFunctions(db);
    const sql = sqliteSql(db);
    try {
      upgradeToMigrator(db, path);
      await migrateLibrary(sql.db, 'sqlite', path, { writeLock: (run) => immediateTransaction(db, run) });
    } catch (err) {
      if (db.open) db.close();
      throw err;
    }
    return new SqliteStore(path, db, sql);
  }

  async close(): Promise<void> {
    this.db.close();
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
