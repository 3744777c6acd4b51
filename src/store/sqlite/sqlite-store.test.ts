import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../open-store.js';
import { storeConformance } from '../store.conformance.js';
import { SCHEMA_VERSION } from './schema.js';
import { SqliteStore } from './sqlite-store.js';

const tempFile = (): { file: string; dir: string } => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-sqlite-'));
  return { dir, file: join(dir, 'library.db') };
};

storeConformance('sqlite', async () => {
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
});

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
