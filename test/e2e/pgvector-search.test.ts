/**
 * Search with vectors in the database: a library on pgvector (PGlite, the real pgvector in
 * WebAssembly) answers image, text, image+text and filtered queries like the same library on
 * SQLite, through the CLI. Asynchronous CLI runs only: PGlite serves from this test's process.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPglite, type PgliteServer } from '../../src/store/postgres/pglite-server.js';
import { makeCatalog, POSTERS, runCliAsync, spreadRows, tempDir } from '../helpers.js';

const rows = spreadRows(60, 53);
const env = { MARQUEE_PG_POOL: '3' };

describe('search on pgvector', () => {
  let server: PgliteServer;
  const sqlite = join(tempDir(), 'same.db');
  beforeAll(async () => {
    server = await startPglite({ maxConnections: 8 });
    const catalog = makeCatalog(rows);
    for (const db of [server.url, sqlite]) {
      const r = await runCliAsync(['index', catalog, '--no-ocr', '--db', db, '--json'], env);
      expect(r.code, r.stderr).toBe(0);
    }
  });
  afterAll(async () => {
    await server.stop();
  });

  const search = async (db: string, args: string[]) => {
    const r = await runCliAsync(['search', '--db', db, '--json', '--k', '8', ...args], env);
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { results: { id: string; score: number; scores: Record<string, number | null> }[] }).results;
  };

  it('keeps vectors in the database and says so', async () => {
    const info = await runCliAsync(['info', '--db', server.url, '--json'], env);
    expect(info.code, info.stderr).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({ engine: 'postgres', vectorSearch: 'pgvector (in the database)', posters: rows.length });
  });

  it('answers like the in-process search: image, text, both, filters, more like this', async () => {
    const queries = [
      ['--image', join(POSTERS, `${rows[6]!.id}.jpg`)],
      ['--text', 'a detective hunts a killer in the city'],
      ['--image', join(POSTERS, `${rows[12]!.id}.jpg`), '--text', rows[12]!.overview || 'a story', '--weight-image', '0.6'],
      ['--id', rows[20]!.id!, '--year', '1980-2005'],
      ['--text', 'love', '--genre', 'Drama'],
    ];
    for (const q of queries) {
      const [want, got] = [await search(sqlite, q), await search(server.url, q)];
      if (q.includes('--text')) {
        // Words are ranked by each engine's own full-text search (FTS5 BM25, PostgreSQL ts_rank): the
        // first film and most of the list agree, the tail may be ordered differently.
        expect(got[0]!.id, q.join(' ')).toBe(want[0]!.id);
        expect(got.filter((r) => want.some((w) => w.id === r.id)).length, q.join(' ')).toBeGreaterThanOrEqual(Math.ceil(0.7 * want.length));
        continue;
      }
      expect(got.map((r) => r.id), q.join(' ')).toEqual(want.map((r) => r.id));
      got.forEach((r, i) => expect(r.score).toBeCloseTo(want[i]!.score, 3));
    }
  });
});
