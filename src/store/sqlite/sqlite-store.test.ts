import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../open-store.js';
import { queueUnderTest, storeConformance, type StoreFactory } from '../store.conformance.js';
import { jobQueueConformance } from '../../jobs/job-queue.conformance.js';
import { MIGRATOR_VERSIONS } from '../sql/migrations.js';
import { SqliteStore } from './sqlite-store.js';
import { fixtureFurtherPoster, fixtureLine, writeFixtureLibrary } from '../migration.testkit.js';

const tempFile = (): { file: string; dir: string } => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-sqlite-'));
  return { dir, file: join(dir, 'library.db') };
};

const makeSqlite: StoreFactory = async () => {
  const { dir, file } = tempFile();
  const store = await SqliteStore.open(file, { create: true });
  return {
    store,
    reopen: () => SqliteStore.open(file, { create: false }),
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

storeConformance('sqlite', makeSqlite);
jobQueueConformance('sqlite', queueUnderTest(makeSqlite));

describe('SQLite store: opening', () => {
  it('refuses a missing library for reading, another application\'s file, and a newer schema', async () => {
    const { dir, file } = tempFile();
    await expect(openStore(file, { create: false })).rejects.toMatchObject({ kind: 'missing' });
    const foreign = new Database(file);
    foreign.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY)');
    foreign.close();
    await expect(openStore(file, { create: true })).rejects.toMatchObject({ kind: 'foreign' });
    const newer = join(dir, 'newer.db');
    const db = new Database(newer);
    db.pragma(`user_version = ${MIGRATOR_VERSIONS.sqlite + 1}`);
    db.close();
    await expect(openStore(newer, { create: true })).rejects.toMatchObject({ kind: 'schema_newer', message: expect.stringMatching(/newer than this Marquee/) });
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'not a database at all, just some text that is long enough to have a header...'.repeat(20));
    await expect(openStore(text, { create: true })).rejects.toMatchObject({ kind: 'foreign' });
    rmSync(dir, { recursive: true, force: true });
  });
});

/** The six tables schema 6 changed, as schema 5 had them (a library written before films had several posters). */
const SCHEMA_5_TABLES = `
CREATE TABLE posters (movie_key INTEGER PRIMARY KEY REFERENCES movies(key) ON DELETE CASCADE, path TEXT NOT NULL, content_hash TEXT NOT NULL,
  width INTEGER NOT NULL, height INTEGER NOT NULL, format TEXT NOT NULL, bytes INTEGER NOT NULL, thumbnail BLOB NOT NULL, indexed_at TEXT NOT NULL);
CREATE TABLE vectors (movie_key INTEGER NOT NULL REFERENCES movies(key) ON DELETE CASCADE, channel TEXT NOT NULL, model_id TEXT NOT NULL,
  model_version TEXT NOT NULL, source_hash TEXT NOT NULL, dim INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (movie_key, channel));
CREATE INDEX vectors_model ON vectors(channel, model_id, model_version);
CREATE TABLE palettes (movie_key INTEGER PRIMARY KEY REFERENCES movies(key) ON DELETE CASCADE, version TEXT NOT NULL, source_hash TEXT NOT NULL, colors TEXT NOT NULL);
CREATE TABLE faces (movie_key INTEGER NOT NULL REFERENCES movies(key) ON DELETE CASCADE, idx INTEGER NOT NULL, x REAL NOT NULL, y REAL NOT NULL,
  width REAL NOT NULL, height REAL NOT NULL, score REAL NOT NULL, descriptor BLOB NOT NULL, PRIMARY KEY (movie_key, idx));
CREATE TABLE face_scans (movie_key INTEGER PRIMARY KEY REFERENCES movies(key) ON DELETE CASCADE, model_version TEXT NOT NULL, source_hash TEXT NOT NULL, count INTEGER NOT NULL);
CREATE TABLE poster_text (movie_key INTEGER PRIMARY KEY REFERENCES movies(key) ON DELETE CASCADE, version TEXT NOT NULL, source_hash TEXT NOT NULL,
  lines TEXT NOT NULL, error TEXT, read_at TEXT NOT NULL);`;

/** Turns a library into the schema 9 shape, rows kept: what Marquee wrote before Kysely's Migrator (columns named as then, SQLite renaming the triggers' references back too). */
function downgradeToSchema9(file: string): void {
  const db = new Database(file);
  db.transaction(() => {
    for (const t of ['palettes', 'faces', 'face_scans', 'poster_text']) db.exec(`ALTER TABLE ${t} RENAME COLUMN poster_key TO movie_key`);
    db.exec('ALTER TABLE vectors RENAME COLUMN subject_key TO movie_key');
    db.exec('DROP TABLE kysely_migration; DROP TABLE kysely_migration_lock');
    // Tables later migrations created (2026-12-08-stills-atlas and -stills-match).
    db.exec('DROP TABLE stills_atlas_points; DROP TABLE stills_atlas_files; DROP TABLE stills_match; DROP TABLE stills_match_files');
  })();
  db.pragma('user_version = 9');
  db.close();
}

/** Turns a library into the schema 5 shape, rows kept (what an older Marquee left behind). */
function downgradeToSchema5(file: string): void {
  downgradeToSchema9(file);
  const db = new Database(file);
  db.pragma('foreign_keys = OFF');
  db.transaction(() => {
    const tables = ['posters', 'vectors', 'palettes', 'faces', 'face_scans', 'poster_text'];
    db.exec('DROP TRIGGER movies_drop_vectors; DROP TRIGGER posters_drop_vectors; DROP INDEX vectors_model; DROP INDEX posters_movie');
    for (const t of tables) db.exec(`ALTER TABLE ${t} RENAME TO ${t}_new`);
    db.exec(SCHEMA_5_TABLES);
    db.exec('INSERT INTO posters SELECT movie_key, path, content_hash, width, height, format, bytes, thumbnail, indexed_at FROM posters_new');
    for (const t of tables.slice(1)) db.exec(t === 'poster_text' ? 'INSERT INTO poster_text SELECT movie_key, version, source_hash, lines, error, read_at FROM poster_text_new' : `INSERT INTO ${t} SELECT * FROM ${t}_new`);
    for (const t of tables) db.exec(`DROP TABLE ${t}_new`);
  })();
  db.pragma('user_version = 5');
  db.close();
}

describe('SQLite store: schema 5 to 6 (several posters per film)', () => {
  it('migrates a library of one poster per film without changing a vector, face, palette or reading', async () => {
    const { dir, file } = tempFile();
    const store = await SqliteStore.open(file, { create: true });
    const { a, b } = await writeFixtureLibrary(store);
    await store.close();
    downgradeToSchema5(file);
    const before = new Database(file, { readonly: true });
    const vectorsBefore = before.prepare('SELECT * FROM vectors ORDER BY movie_key, channel').raw().all();
    const facesBefore = before.prepare('SELECT * FROM faces').raw().all();
    before.close();

    const migrated = await SqliteStore.open(file, { create: false });
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(MIGRATOR_VERSIONS.sqlite);
    expect(raw.prepare('SELECT * FROM vectors ORDER BY subject_key, channel').raw().all()).toEqual(vectorsBefore);
    expect(raw.prepare('SELECT * FROM faces').raw().all()).toEqual(facesBefore);
    raw.close();
    expect((await migrated.posters.ofMovie(a)).map((p) => [p.key, p.rank, p.path])).toEqual([[a, 0, '/p/a.jpg']]);
    expect(await migrated.posters.hash(b)).toBe('h-b');
    expect(await migrated.posterText.get(b)).toMatchObject({ version: 'o', sourceHash: 'h-b' });
    expect(await migrated.checkIntegrity()).toEqual([]);
    // The migrated library takes further posters, and deletes still cascade.
    const { keys } = await migrated.posters.writeMore(a, [fixtureFurtherPoster('a2', 5)], ['/p/a2.jpg']);
    expect(keys[0]).not.toBe(b);
    await migrated.movies.delete(['a']);
    expect(await migrated.vectors.states(a)).toEqual(new Map());
    expect(await migrated.vectors.states(keys[0]!)).toEqual(new Map());
    expect(await migrated.faces.posterFaces(a)).toEqual([]);
    expect(await migrated.checkIntegrity()).toEqual([]);
    await migrated.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('SQLite store: schema 9 to the Migrator (columns named for the keys they hold)', () => {
  const columns = (db: Database.Database, table: string): string[] => (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);

  it('renames the per-poster and vector key columns, keeping every row, and the triggers still follow', async () => {
    const { dir, file } = tempFile();
    const store = await SqliteStore.open(file, { create: true });
    const { a, b } = await writeFixtureLibrary(store, ['NOSTROMO']);
    await store.close();
    downgradeToSchema9(file);
    const old = new Database(file, { readonly: true });
    expect(columns(old, 'poster_text')[0]).toBe('movie_key');
    const vectorsBefore = old.prepare('SELECT * FROM vectors ORDER BY movie_key, channel').raw().all();
    old.close();

    const migrated = await SqliteStore.open(file, { create: false });
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(MIGRATOR_VERSIONS.sqlite);
    for (const t of ['palettes', 'faces', 'face_scans', 'poster_text']) expect(columns(raw, t)).toContain('poster_key');
    expect(columns(raw, 'vectors')[0]).toBe('subject_key');
    expect(raw.prepare('SELECT * FROM vectors ORDER BY subject_key, channel').raw().all()).toEqual(vectorsBefore);
    expect((raw.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger'").all() as { sql: string }[]).filter((t) => /movie_key/.test(t.sql) && /vectors|poster_text/.test(t.sql)).map((t) => t.sql)).toEqual([]);
    raw.close();
    // The printed-text index kept its rows and its triggers: a new reading replaces the old one.
    expect((await migrated.lexical.printedCandidates('nostromo', 'o', 5)).map((c) => c.key)).toEqual([b]);
    await migrated.posterText.put(b, 'o', 'h-b', { lines: [fixtureLine('SULACO')] });
    expect(await migrated.lexical.printedCandidates('nostromo', 'o', 5)).toEqual([]);
    expect((await migrated.lexical.printedCandidates('sulaco', 'o', 5)).map((c) => c.key)).toEqual([b]);
    // Deleting a movie still takes its vectors along (a trigger on movies names vectors' key).
    await migrated.movies.delete(['a']);
    expect(await migrated.vectors.states(a)).toEqual(new Map());
    expect(await migrated.checkIntegrity()).toEqual([]);
    await migrated.close();
    // Opening again runs nothing (no migration pending) and changes nothing.
    const again = await SqliteStore.open(file, { create: false });
    expect((await again.posterText.get(b))?.lines.map((l) => l.text)).toEqual(['SULACO']);
    await again.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rolls a failed migration back whole: no column renamed, nothing recorded, and the library opens once the cause is gone', async () => {
    const { dir, file } = tempFile();
    const store = await SqliteStore.open(file, { create: true });
    await writeFixtureLibrary(store);
    await store.close();
    downgradeToSchema9(file);
    // A column in the way: renaming faces' key fails after palettes' was renamed.
    const db = new Database(file);
    db.exec('ALTER TABLE faces ADD COLUMN poster_key INTEGER');
    db.close();
    await expect(SqliteStore.open(file, { create: false })).rejects.toMatchObject({ kind: 'corrupt', message: expect.stringMatching(/migration 2026-12-07-poster-key-columns failed, library left as it was/) });
    const after = new Database(file);
    expect(columns(after, 'palettes')[0]).toBe('movie_key');
    expect(after.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'kysely_migration'").get()).toEqual({ n: 0 });
    after.exec('ALTER TABLE faces DROP COLUMN poster_key');
    after.close();
    const fixed = await SqliteStore.open(file, { create: false });
    expect(await fixed.checkIntegrity()).toEqual([]);
    await fixed.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a library that ran a migration this Marquee does not know, and leaves it as it was', async () => {
    const { dir, file } = tempFile();
    await (await SqliteStore.open(file, { create: true })).close();
    const db = new Database(file);
    db.prepare('INSERT INTO kysely_migration (name, timestamp) VALUES (?, ?)').run('2099-01-01-from-the-future', new Date().toISOString());
    db.close();
    await expect(SqliteStore.open(file, { create: false })).rejects.toMatchObject({ kind: 'schema_newer', message: expect.stringMatching(/2099-01-01-from-the-future.*upgrade Marquee/) });
    const after = new Database(file, { readonly: true });
    expect((after.prepare('SELECT name FROM kysely_migration ORDER BY name').all() as { name: string }[]).map((r) => r.name).at(-1)).toBe('2099-01-01-from-the-future');
    after.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
