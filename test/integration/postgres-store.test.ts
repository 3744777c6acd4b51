/** The PostgreSQL store on a real PostgreSQL 15 server (test/setup/postgres.ts), through the shared conformance suite. */
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { queueUnderTest, storeConformance, type StoreFactory } from '../../src/store/store.conformance.js';
import { jobQueueConformance } from '../../src/jobs/job-queue.conformance.js';
import { createTestDatabase, runSql } from '../../src/store/postgres/databases.testkit.js';
import { PostgresLexicalSearch } from '../../src/store/postgres/lexical-postgres.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { MIGRATOR_VERSIONS } from '../../src/store/sql/migrations.js';
import { FIXTURE_CONTENT_MODEL, fixtureFurtherPoster, fixtureMovie, writeFixtureLibrary } from '../../src/store/migration.testkit.js';

const admin = inject('pgUrl');

const makePostgres: StoreFactory = async () => {
  const db = await createTestDatabase(admin);
  const store = await openPostgresStore(db.url, { create: true });
  return {
    store,
    reopen: () => openPostgresStore(db.url, { create: false }),
    close: async () => {
      await store.close();
      await db.drop();
    },
  };
};

storeConformance('postgres', makePostgres);
jobQueueConformance('postgres', queueUnderTest(makePostgres));

describe('PostgreSQL store: opening', () => {
  it('says which engine searches vectors and hides the password in messages', async () => {
    const db = await createTestDatabase(admin);
    try {
      const store = await openStore(db.url, { create: true });
      expect(store.engine).toBe('postgres');
      expect(store.vectors.kind).toBe('bytes'); // Debian's PostgreSQL has no pgvector
      await store.close();
      const withPassword = db.url.replace('postgres@', 'postgres:s3cret@');
      const s2 = await openStore(withPassword, { create: false });
      expect(s2.location).not.toContain('s3cret');
      await s2.close();
    } finally {
      await db.drop();
    }
  });

  it('refuses, with one clear error and nothing written: an unreachable server, a missing database, an empty one for reading, another application\'s tables, a newer schema', async () => {
    const url = new URL(admin);
    await expect(openStore(`postgres://postgres@127.0.0.1:1/marquee`, { create: true })).rejects.toMatchObject({ kind: 'unavailable', message: expect.stringMatching(/connection refused/) });
    url.pathname = '/no_such_database_here';
    await expect(openStore(url.toString(), { create: true })).rejects.toMatchObject({ kind: 'unavailable', message: expect.stringMatching(/no such database/) });
    const empty = await createTestDatabase(admin);
    const foreign = await createTestDatabase(admin);
    const newer = await createTestDatabase(admin);
    try {
      await expect(openStore(empty.url, { create: false })).rejects.toMatchObject({ kind: 'missing' });
      await runSql(foreign.url, 'CREATE TABLE invoices (id int PRIMARY KEY); CREATE TABLE customers (id int)');
      await expect(openStore(foreign.url, { create: true })).rejects.toMatchObject({ kind: 'foreign', message: expect.stringMatching(/another application's tables/) });
      await runSql(foreign.url, "SELECT 1"); // still intact
      const s = await openStore(newer.url, { create: true });
      await s.close();
      await runSql(newer.url, `UPDATE meta SET value = '${MIGRATOR_VERSIONS.postgres + 1}' WHERE key = 'schema_version'`);
      await expect(openStore(newer.url, { create: false })).rejects.toMatchObject({ kind: 'schema_newer', message: expect.stringMatching(/newer than this Marquee/) });
    } finally {
      await empty.drop();
      await foreign.drop();
      await newer.drop();
    }
  });
});

describe('PostgreSQL store: without pg_trgm', () => {
  it('still finds titles printed on a poster, joined or spaced (a scan instead of the trigram index)', async () => {
    const db = await createTestDatabase(admin);
    const store = await openPostgresStore(db.url, { create: true });
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      const movies = ['Blue Chips', 'Groundhog Day', 'Alien'].map((title, i) => ({ movie: { ...fixtureMovie(`m${i}`), title } }));
      const [blue, groundhog, alien] = await store.movies.write(movies, '/catalog');
      const lexical = new PostgresLexicalSearch(pool, false);
      const found = (await lexical.titlesInText(['BLUECHIPS', 'A FILM BY HAROLD RAMIS'], 3)).map((c) => c.key);
      expect(found).toContain(blue);
      expect(found).not.toContain(alien);
      expect((await lexical.titlesInText(['GROUNDHOG DAY'], 3)).map((c) => c.key)).toContain(groundhog);
    } finally {
      await pool.end();
      await store.close();
      await db.drop();
    }
  });
});

/** Turns a library into the schema 7 shape, rows kept: what Marquee wrote before Kysely's Migrator (key columns named as then, and the one function that names one). */
const DOWNGRADE_TO_SCHEMA_7 = `
ALTER TABLE palettes RENAME COLUMN poster_key TO movie_key;
ALTER TABLE faces RENAME COLUMN poster_key TO movie_key;
ALTER TABLE face_scans RENAME COLUMN poster_key TO movie_key;
ALTER TABLE poster_text RENAME COLUMN poster_key TO movie_key;
ALTER TABLE vectors RENAME COLUMN subject_key TO movie_key;
CREATE OR REPLACE FUNCTION marquee_drop_vectors() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM vectors WHERE movie_key = OLD.key AND (TG_TABLE_NAME = 'movies' OR channel <> 'text');
  RETURN NULL;
END $$;
DROP TABLE kysely_migration; DROP TABLE kysely_migration_lock;
DROP TABLE stills_atlas_points; DROP TABLE stills_atlas_files; DROP TABLE stills_match; DROP TABLE stills_match_files;
UPDATE meta SET value = '7' WHERE key = 'schema_version';`;

/** Turns a library into the schema 3 shape (one poster per film, everything keyed by movie), rows kept. */
const DOWNGRADE_TO_SCHEMA_3 = `${DOWNGRADE_TO_SCHEMA_7}
DROP TRIGGER movies_drop_vectors ON movies; DROP TRIGGER posters_drop_vectors ON posters;
ALTER TABLE palettes DROP CONSTRAINT palettes_movie_key_fkey, ADD CONSTRAINT palettes_movie_key_fkey FOREIGN KEY (movie_key) REFERENCES movies(key) ON DELETE CASCADE;
ALTER TABLE faces DROP CONSTRAINT faces_movie_key_fkey, ADD CONSTRAINT faces_movie_key_fkey FOREIGN KEY (movie_key) REFERENCES movies(key) ON DELETE CASCADE;
ALTER TABLE face_scans DROP CONSTRAINT face_scans_movie_key_fkey, ADD CONSTRAINT face_scans_movie_key_fkey FOREIGN KEY (movie_key) REFERENCES movies(key) ON DELETE CASCADE;
ALTER TABLE poster_text DROP CONSTRAINT poster_text_movie_key_fkey, ADD CONSTRAINT poster_text_movie_key_fkey FOREIGN KEY (movie_key) REFERENCES movies(key) ON DELETE CASCADE;
ALTER TABLE vectors ADD CONSTRAINT vectors_movie_key_fkey FOREIGN KEY (movie_key) REFERENCES movies(key) ON DELETE CASCADE;
DROP INDEX posters_movie;
ALTER TABLE posters DROP CONSTRAINT posters_pkey, DROP COLUMN key, DROP COLUMN rank, DROP COLUMN kind, DROP COLUMN country, DROP COLUMN year, ADD PRIMARY KEY (movie_key);
UPDATE meta SET value = '3' WHERE key = 'schema_version';`;

describe('PostgreSQL store: schema 3 to 4 (several posters per film)', () => {
  it('migrates a library of one poster per film without changing a vector, face or reading', async () => {
    const db = await createTestDatabase(admin);
    try {
      const store = await openPostgresStore(db.url, { create: true });
      const { a, b } = await writeFixtureLibrary(store);
      const content = FIXTURE_CONTENT_MODEL;
      const before = await store.vectors.load('content', content);
      await store.close();
      await runSql(db.url, DOWNGRADE_TO_SCHEMA_3);

      const migrated = await openPostgresStore(db.url, { create: false });
      try {
        const after = await migrated.vectors.load('content', content);
        expect(after.map((e) => [e.key, [...e.vector]])).toEqual(before.map((e) => [e.key, [...e.vector]]));
        expect((await migrated.posters.ofMovie(a)).map((p) => [p.key, p.rank, p.path])).toEqual([[a, 0, '/p/a.jpg']]);
        expect((await migrated.faces.posterFaces(a)).length).toBe(1);
        expect(await migrated.posterText.get(b)).toMatchObject({ version: 'o', sourceHash: 'h-b' });
        const { keys } = await migrated.posters.writeMore(a, [fixtureFurtherPoster('a2', 5)], ['/p/a2.jpg']);
        expect([a, b]).not.toContain(keys[0]);
        await migrated.movies.delete(['a']);
        expect(await migrated.vectors.states(keys[0]!)).toEqual(new Map());
        expect(await migrated.faces.posterFaces(a)).toEqual([]);
        expect(await migrated.library.getMeta('schema_version')).toBe(String(MIGRATOR_VERSIONS.postgres));
      } finally {
        await migrated.close();
      }
    } finally {
      await db.drop();
    }
  });
});

describe('PostgreSQL store: schema 7 to the Migrator (columns named for the keys they hold)', () => {
  it('renames the per-poster and vector key columns, keeping every row, and deletes still take vectors along', async () => {
    const db = await createTestDatabase(admin);
    try {
      const store = await openPostgresStore(db.url, { create: true });
      const { a, b } = await writeFixtureLibrary(store, ['NOSTROMO']);
      const before = await store.vectors.load('content', FIXTURE_CONTENT_MODEL);
      await store.close();
      await runSql(db.url, DOWNGRADE_TO_SCHEMA_7);

      const migrated = await openPostgresStore(db.url, { create: false });
      try {
        const pool = new pg.Pool({ connectionString: db.url, max: 1 });
        const columns = (await pool.query<{ table_name: string; column_name: string }>("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name IN ('movie_key', 'poster_key', 'subject_key')")).rows;
        await pool.end();
        const named = (table: string) => columns.filter((c) => c.table_name === table).map((c) => c.column_name);
        for (const t of ['palettes', 'faces', 'face_scans', 'poster_text']) expect(named(t)).toEqual(['poster_key']);
        expect(named('vectors')).toEqual(['subject_key']);
        expect((await migrated.vectors.load('content', FIXTURE_CONTENT_MODEL)).map((e) => [e.key, [...e.vector]])).toEqual(before.map((e) => [e.key, [...e.vector]]));
        expect((await migrated.lexical.printedCandidates('nostromo', 'o', 5)).map((c) => c.key)).toEqual([b]);
        await migrated.movies.delete(['a']);
        expect(await migrated.vectors.states(a)).toEqual(new Map());
        expect(await migrated.library.getMeta('schema_version')).toBe(String(MIGRATOR_VERSIONS.postgres));
      } finally {
        await migrated.close();
      }
      // Opening again finds nothing to do.
      await (await openPostgresStore(db.url, { create: false })).close();
    } finally {
      await db.drop();
    }
  });

  it('refuses a library that ran a migration this Marquee does not know', async () => {
    const db = await createTestDatabase(admin);
    try {
      await (await openPostgresStore(db.url, { create: true })).close();
      await runSql(db.url, "INSERT INTO kysely_migration (name, timestamp) VALUES ('2099-01-01-from-the-future', now()::text)");
      await expect(openPostgresStore(db.url, { create: false })).rejects.toMatchObject({ kind: 'schema_newer', message: expect.stringMatching(/2099-01-01-from-the-future.*upgrade Marquee/) });
    } finally {
      await db.drop();
    }
  });
});
