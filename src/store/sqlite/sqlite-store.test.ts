import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../open-store.js';
import { queueUnderTest, storeConformance, type StoreFactory } from '../store.conformance.js';
import { jobQueueConformance } from '../../jobs/job-queue.conformance.js';
import { SCHEMA_VERSION } from './schema.js';
import { SqliteStore } from './sqlite-store.js';
import { fixtureFurtherPoster, fixtureMovie, fixturePoster, fixtureVector } from '../migration.testkit.js';

const tempFile = (): { file: string; dir: string } => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-sqlite-'));
  return { dir, file: join(dir, 'library.db') };
};

const makeSqlite: StoreFactory = async () => {
  const { dir, file } = tempFile();
  const store = new SqliteStore(file, { create: true });
  return {
    store,
    reopen: async () => new SqliteStore(file, { create: false }),
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
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
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

/** Turns a library into the schema 5 shape, rows kept (what an older Marquee left behind). */
function downgradeToSchema5(file: string): void {
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
    const store = new SqliteStore(file, { create: true });
    const [a, b] = await store.movies.write([
      { movie: fixtureMovie('a'), poster: fixturePoster('a', 1), text: { channel: 'text', modelId: 't', modelVersion: '1', sourceHash: 's', vector: fixtureVector(9, 8) } },
      { movie: fixtureMovie('b'), poster: fixturePoster('b', 2) },
    ], '/c');
    await store.faces.putPosterFaces(a!, 'f', 'h-a', [{ box: { x: 0, y: 0, width: 1, height: 1 }, score: 0.5, descriptor: fixtureVector(3, 128) }]);
    await store.posterText.put(b!, 'o', 'h-b', { lines: [] });
    await store.close();
    downgradeToSchema5(file);
    const before = new Database(file, { readonly: true });
    const vectorsBefore = before.prepare('SELECT * FROM vectors ORDER BY movie_key, channel').all();
    const facesBefore = before.prepare('SELECT * FROM faces').all();
    before.close();

    const migrated = new SqliteStore(file, { create: false });
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(raw.prepare('SELECT * FROM vectors ORDER BY movie_key, channel').all()).toEqual(vectorsBefore);
    expect(raw.prepare('SELECT * FROM faces').all()).toEqual(facesBefore);
    raw.close();
    expect((await migrated.posters.ofMovie(a!)).map((p) => [p.key, p.rank, p.path])).toEqual([[a, 0, '/p/a.jpg']]);
    expect(await migrated.posters.hash(b!)).toBe('h-b');
    expect(await migrated.posterText.get(b!)).toMatchObject({ version: 'o', sourceHash: 'h-b' });
    expect(await migrated.checkIntegrity()).toEqual([]);
    // The migrated library takes further posters, and deletes still cascade.
    const { keys } = await migrated.posters.writeMore(a!, [fixtureFurtherPoster('a2', 5)], ['/p/a2.jpg']);
    expect(keys[0]).not.toBe(b);
    await migrated.movies.delete(['a']);
    expect(await migrated.vectors.states(a!)).toEqual(new Map());
    expect(await migrated.vectors.states(keys[0]!)).toEqual(new Map());
    expect(await migrated.faces.posterFaces(a!)).toEqual([]);
    expect(await migrated.checkIntegrity()).toEqual([]);
    await migrated.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
