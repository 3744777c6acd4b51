/** The PostgreSQL store on a real PostgreSQL 15 server (test/setup/postgres.ts), through the shared conformance suite. */
import { describe, expect, inject, it } from 'vitest';
import { openStore } from '../open-store.js';
import { storeConformance } from '../store.conformance.js';
import { createTestDatabase, runSql } from './databases.testkit.js';
import { openPostgresStore } from './postgres-store.js';
import { PG_SCHEMA_VERSION } from './schema.js';

const admin = inject('pgUrl');

storeConformance('postgres', async () => {
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
});

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
      await runSql(newer.url, `UPDATE meta SET value = '${PG_SCHEMA_VERSION + 1}' WHERE key = 'schema_version'`);
      await expect(openStore(newer.url, { create: false })).rejects.toMatchObject({ kind: 'schema_newer', message: expect.stringMatching(/newer than this Marquee/) });
    } finally {
      await empty.drop();
      await foreign.drop();
      await newer.drop();
    }
  });
});
