/**
 * SQLite libraries' hand-written history, frozen at schema 9 (schema.ts says what each version
 * added). It brings a new library or one of any earlier version to the schema 9 shape, then
 * marks it as kept by Kysely's Migrator (user_version 10); every later change is a migration in
 * ../sql/migrations.ts. The DDL it runs (schema.ts, lexical-sqlite.ts's LEXICAL_SCHEMA_SQL)
 * therefore names columns as schema 9 did (`movie_key` in per-poster tables); the Migrator's
 * first migration renames them and SQLite rewrites the triggers that name them.
 */
import type Database from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { MIGRATOR_VERSIONS } from '../sql/migrations.js';
import { LEXICAL_BACKFILL_SQL, LEXICAL_SCHEMA_SQL } from './lexical-sqlite.js';
import { JOBS_SCHEMA_SQL, revisionsSql, SCHEMA_SQL } from './schema.js';

type Row = Record<string, unknown>;

const MIGRATOR_VERSION = MIGRATOR_VERSIONS.sqlite;

/**
 * Brings the library up to where the Migrator takes over; throws a StoreError when the file is
 * newer or another application's. Nothing is written when the library is already there.
 */
export function upgradeToMigrator(db: Database.Database, path: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATOR_VERSION)
    throw new StoreError('schema_newer', `library ${path} has schema version ${current}, newer than this Marquee (${MIGRATOR_VERSION}); upgrade Marquee`);
  if (current === MIGRATOR_VERSION) return;
  if (current === 0) {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Row[]).map((r) => r.name as string);
    if (tables.length > 0 && !tables.includes('movies')) throw new StoreError('foreign', `${path} holds another application's tables (${tables.slice(0, 3).join(', ')}…), not a Marquee library`);
  }
  // Two processes may open an older library together: one upgrades, the other waits on the write lock (busy_timeout) and finds nothing left to do.
  db.transaction(() => {
    if ((db.pragma('user_version', { simple: true }) as number) === MIGRATOR_VERSION) return;
    upgradeToSchema9(db, path, current);
    db.pragma(`user_version = ${MIGRATOR_VERSION}`);
  }).immediate();
}

function upgradeToSchema9(db: Database.Database, path: string, current: number): void {
  if (current > 0 && current < 6) rebuildForPosterKeys(db, path);
  db.exec(SCHEMA_SQL);
  // v8 -> v9: small print left for a later reading (a column of its own: the v5 rebuild above copies poster_text by position).
  if (!(db.prepare('PRAGMA table_info(poster_text)').all() as Row[]).some((c) => c.name === 'small_print')) db.exec('ALTER TABLE poster_text ADD COLUMN small_print TEXT');
  db.exec(revisionsSql());
  db.exec(JOBS_SCHEMA_SQL);
  // v6 -> v7: lexical search tables (FTS5), filled once from the rows already there.
  db.exec(LEXICAL_SCHEMA_SQL);
  if (current > 0 && current < 7) db.exec(LEXICAL_BACKFILL_SQL);
  // v1 -> v2: the poster-embedding channel was called "image"; it is "content" now.
  if (current === 1) db.exec("UPDATE vectors SET channel = 'content' WHERE channel = 'image'");
}

/**
 * v5 -> v6 (several posters per movie): SQLite cannot change a table's key or references in
 * place, so the poster tables are rebuilt (rename, create, copy, drop) with reference checks
 * deferred to the end of the transaction, then checked. Every existing poster becomes its movie's
 * first poster with the movie's key, so no vector, palette, face or reading changes; nothing is
 * embedded again.
 */
function rebuildForPosterKeys(db: Database.Database, path: string): void {
  const tables = ['posters', 'vectors', 'palettes', 'faces', 'face_scans', 'poster_text'];
  const copy: Record<string, string> = {
    posters: `INSERT INTO posters (key, movie_key, rank, path, content_hash, width, height, format, bytes, thumbnail, indexed_at)
              SELECT movie_key, movie_key, 0, path, content_hash, width, height, format, bytes, thumbnail, indexed_at FROM posters_v5`,
  };
  // foreign_keys cannot change inside a transaction; deferring their checks can (until it ends).
  db.pragma('defer_foreign_keys = ON');
  for (const t of tables) {
    // Indexes follow a renamed table: drop them so the new tables get theirs.
    for (const r of db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL").all(t) as Row[]) db.exec(`DROP INDEX ${r.name as string}`);
    db.exec(`ALTER TABLE ${t} RENAME TO ${t}_v5`);
  }
  db.exec(SCHEMA_SQL);
  for (const t of tables) {
    db.exec(copy[t] ?? `INSERT INTO ${t} SELECT * FROM ${t}_v5`);
    db.exec(`DROP TABLE ${t}_v5`);
  }
  const broken = db.prepare('PRAGMA foreign_key_check').all() as Row[];
  if (broken.length) throw new StoreError('corrupt', `library ${path}: ${broken.length} rows lost their poster while migrating to schema 6 (first: ${String(broken[0]!.table)})`);
}
