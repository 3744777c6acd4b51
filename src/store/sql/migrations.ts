/**
 * Schema changes as Kysely migrations, written once for both engines and run by Kysely's
 * Migrator when a library opens (only when one is pending: an up-to-date library opens without
 * a write, so a server and its jobs' child processes open it together without contending).
 *
 * Before the Migrator each engine kept its own numbered history (SQLite's user_version up to 9,
 * PostgreSQL's meta.schema_version up to 7: sqlite/history.ts, postgres/schema.ts). That
 * history is frozen: it still brings a library of any earlier version to its last shape, then
 * marks the library as kept by the Migrator (MIGRATOR_VERSIONS: the next number), so that a
 * Marquee from before the Migrator refuses it as newer instead of writing to renamed columns.
 * Every later change is a migration here, named by date so they sort in the order they ran.
 */
import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import { StoreError } from '../errors.js';
import type { Tables } from './database.js';

export type Engine = 'sqlite' | 'postgres';

/** The schema version that says "the Migrator keeps this library": one past each engine's last hand-written one. */
export const MIGRATOR_VERSIONS: Record<Engine, number> = { sqlite: 10, postgres: 8 };

const MIGRATION_TABLE = 'kysely_migration';
const MIGRATION_LOCK_TABLE = 'kysely_migration_lock';
/** The Migrator's own tables: not library data (never copied, not in sql/database.ts). */
export const MIGRATOR_TABLES = [MIGRATION_TABLE, MIGRATION_LOCK_TABLE];

/** Per-poster tables whose `movie_key` column has held poster keys since several posters per film (SQLite v6, PostgreSQL v4). */
const POSTER_KEYED_TABLES = ['palettes', 'faces', 'face_scans', 'poster_text'];

/** The library's migrations by name, for an engine (engine-specific steps only where the engines really differ). */
export function libraryMigrations(engine: Engine): Record<string, Migration> {
  return {
    '2026-12-07-poster-key-columns': {
      // Columns named for what they hold: per-poster tables key by poster; vectors by the poster
      // (image channels) or the movie (the synopsis channel 'text'), hence `subject_key`.
      // SQLite rewrites the triggers that name a renamed column; PostgreSQL keeps a function's
      // body as text, so the one function that names vectors' key is replaced.
      async up(db: Kysely<unknown>): Promise<void> {
        for (const table of POSTER_KEYED_TABLES) await db.schema.alterTable(table).renameColumn('movie_key', 'poster_key').execute();
        await db.schema.alterTable('vectors').renameColumn('movie_key', 'subject_key').execute();
        if (engine === 'postgres')
          await sql`CREATE OR REPLACE FUNCTION marquee_drop_vectors() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A movie takes its synopsis vector along; a poster the vectors computed from it.
  DELETE FROM vectors WHERE subject_key = OLD.key AND (TG_TABLE_NAME = 'movies' OR channel <> 'text');
  RETURN NULL;
END $$`.execute(db);
      },
    },
    '2026-12-08-stills-atlas': {
      // The map of every still (stills/stills-atlas.ts): a place per still, which goes with the
      // still; the build's meta, basis and thumbnail sheets as named files. No revision area:
      // nothing caches them (each request reads them), so no trigger is needed.
      async up(db: Kysely<unknown>): Promise<void> {
        const blob = engine === 'postgres' ? 'bytea' : 'blob';
        // SQLite's REAL is a double, as PostgreSQL's double precision (its `real` is single).
        const real = engine === 'postgres' ? 'double precision' : 'real';
        await db.schema
          .createTable('stills_atlas_points')
          .addColumn('still_key', 'integer', (c) => c.primaryKey().references('stills.key').onDelete('cascade'))
          .addColumn('content_hash', 'text', (c) => c.notNull())
          .addColumn('x', real, (c) => c.notNull())
          .addColumn('y', real, (c) => c.notNull())
          .addColumn('cell', 'integer', (c) => c.notNull())
          .addColumn('cluster', 'integer', (c) => c.notNull())
          .addColumn('hue', real, (c) => c.notNull())
          .addColumn('sheet', 'integer', (c) => c.notNull())
          .addColumn('slot', 'integer', (c) => c.notNull())
          .addColumn('placed', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createTable('stills_atlas_files').addColumn('name', 'text', (c) => c.primaryKey()).addColumn('data', blob, (c) => c.notNull()).execute();
      },
    },
    '2026-12-08-stills-match': {
      // The stored which-movie rows (stills/stored-match.ts): each still's weighted row and hub
      // term, which go with the still, and the projection as named files; pgvector's `embedding`
      // column is added where the extension is (postgres/postgres-store.ts). No revision area:
      // a server checks the build's meta at each query.
      async up(db: Kysely<unknown>): Promise<void> {
        const blob = engine === 'postgres' ? 'bytea' : 'blob';
        const real = engine === 'postgres' ? 'double precision' : 'real';
        await db.schema
          .createTable('stills_match')
          .addColumn('still_key', 'integer', (c) => c.primaryKey().references('stills.key').onDelete('cascade'))
          .addColumn('movie_key', 'integer', (c) => c.notNull())
          .addColumn('hub', real, (c) => c.notNull())
          .addColumn('data', blob, (c) => c.notNull())
          .execute();
        await db.schema.createTable('stills_match_files').addColumn('name', 'text', (c) => c.primaryKey()).addColumn('data', blob, (c) => c.notNull()).execute();
      },
    },
  };
}

/**
 * How an engine has the Migrator run. SQLite: Kysely's adapter runs DDL outside transactions and
 * takes no lock, so the engine wraps the run in one IMMEDIATE transaction on its one connection
 * (a failed run changes nothing; a second process waits for the first, then finds nothing to do).
 * PostgreSQL: the Migrator's own transaction and lock row, in the library's schema (another
 * schema of the same database may hold a Migrator table of its own).
 */
export interface MigrationRunner {
  writeLock?: (run: () => Promise<void>) => Promise<void>;
  schema?: string;
}

/** Names of the migrations a library has run (none before the Migrator first ran on it). */
async function executedMigrations(db: Kysely<Tables>, runner: MigrationRunner): Promise<string[]> {
  const exists = runner.schema
    ? (await sql<{ n: number }>`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = ${runner.schema} AND table_name = ${MIGRATION_TABLE}`.execute(db)).rows[0]!.n > 0
    : (await sql<{ n: number }>`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ${MIGRATION_TABLE}`.execute(db)).rows[0]!.n > 0;
  if (!exists) return [];
  const table = runner.schema ? `${runner.schema}.${MIGRATION_TABLE}` : MIGRATION_TABLE;
  const { rows } = await sql<{ name: string }>`SELECT name FROM ${sql.table(table)}`.execute(db);
  return rows.map((r) => r.name);
}

/**
 * Runs the migrations a library has not run yet (nothing is written when none is pending). A
 * library that ran a migration this Marquee does not know was written by a newer Marquee:
 * refused (kind `schema_newer`), nothing changed. A failed migration leaves the library as it was.
 */
export async function migrateLibrary(db: Kysely<Tables>, engine: Engine, location: string, runner: MigrationRunner = {}): Promise<void> {
  const migrations = libraryMigrations(engine);
  const pending = async (): Promise<boolean> => {
    const executed = await executedMigrations(db, runner);
    const unknown = executed.filter((name) => !(name in migrations));
    if (unknown.length) throw new StoreError('schema_newer', `library ${location} has schema changes this Marquee does not know (${unknown.join(', ')}); upgrade Marquee`);
    return Object.keys(migrations).some((name) => !executed.includes(name));
  };
  if (!(await pending())) return;
  const run = async (): Promise<void> => {
    if (!(await pending())) return; // another process migrated it meanwhile
    const migrator = new Migrator({
      db,
      provider: { getMigrations: async () => migrations },
      migrationTableName: MIGRATION_TABLE,
      migrationLockTableName: MIGRATION_LOCK_TABLE,
      ...(runner.schema ? { migrationTableSchema: runner.schema } : {}),
    });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'the migration table';
      throw new StoreError('corrupt', `library ${location}: migration ${failed} failed, library left as it was: ${(error as Error).message}`);
    }
  };
  await (runner.writeLock ? runner.writeLock(run) : run());
}
