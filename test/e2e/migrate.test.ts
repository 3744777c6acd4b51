/** `marquee migrate` copies a library between engines in both directions, verified, into empty targets only. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshLibrary, type TestLibrary } from '../engines.js';
import { makeCatalog, POSTERS, runCli, spreadRows, tempDir } from '../helpers.js';

const rows = spreadRows(40, 31);

describe('migrate between SQLite and PostgreSQL', () => {
  let pg: TestLibrary;
  const source = join(tempDir(), 'source.db');
  const back = join(tempDir(), 'back.db');
  beforeAll(async () => {
    pg = await freshLibrary('postgres');
    expect(runCli(['index', makeCatalog(rows), '--no-ocr', '--db', source, '--json']).code).toBe(0);
    expect(runCli(['atlas', 'build', '--db', source, '--no-tsne', '--json']).code).toBe(0);
  });
  afterAll(async () => {
    await pg.drop();
  });

  const search = (db: string, args: string[]) => {
    const r = runCli(['search', '--db', db, '--json', '--k', '8', ...args]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { results: { id: string; score: number }[] };
  };

  it('copies SQLite to PostgreSQL and back with every row and vector, and searches the same', async () => {
    const there = runCli(['migrate', source, pg.db, '--json']);
    expect(there.code, there.stderr).toBe(0);
    const a = JSON.parse(there.stdout) as { tables: Record<string, number>; vectorChecksum: string };
    expect(a.tables.movies).toBe(rows.length);
    expect(a.tables.vectors).toBeGreaterThanOrEqual(4 * rows.length);
    expect(a.tables.atlas_points).toBe(rows.length);
    const backAgain = runCli(['migrate', pg.db, back, '--json']);
    expect(backAgain.code, backAgain.stderr).toBe(0);
    const b = JSON.parse(backAgain.stdout) as { tables: Record<string, number>; vectorChecksum: string };
    expect(b.tables).toEqual(a.tables);
    expect(b.vectorChecksum).toBe(a.vectorChecksum);

    const info = (db: string) => JSON.parse(runCli(['info', '--db', db, '--json']).stdout) as { movies: number; posters: number; vectors: unknown[] };
    const [i1, i2, i3] = [info(source), info(pg.db), info(back)];
    expect([i2.movies, i2.posters, i2.vectors]).toEqual([i1.movies, i1.posters, i1.vectors]);
    expect([i3.movies, i3.posters, i3.vectors]).toEqual([i1.movies, i1.posters, i1.vectors]);
    for (const args of [['--image', join(POSTERS, `${rows[4]!.id}.jpg`)], ['--text', rows[9]!.overview || 'a story'], ['--id', rows[2]!.id!, '--year', '1950-2010']]) {
      const want = search(source, args);
      expect(search(back, args)).toEqual(want);
      if (args[0] === '--text') {
        // PostgreSQL ranks words with its own full-text search (ts_rank, not FTS5's BM25): same first film, most of the list.
        const [got, wanted] = [search(pg.db, args).results.map((x) => x.id), want.results.map((x) => x.id)];
        expect(got[0]).toBe(wanted[0]);
        expect(got.filter((id) => wanted.includes(id)).length).toBeGreaterThanOrEqual(Math.ceil(0.7 * wanted.length));
        continue;
      }
      expect(search(pg.db, args)).toEqual(want);
    }
    const atlas = runCli(['atlas', 'build', '--db', pg.db, '--json']);
    expect(atlas.code, atlas.stderr).toBe(0); // incremental on the copied layout: nothing new to place
  });

  it('refuses a target that is not empty, and changes nothing in it', () => {
    const other = join(tempDir(), 'other.db');
    expect(runCli(['index', makeCatalog(rows.slice(0, 3)), '--no-ocr', '--db', other, '--json']).code).toBe(0);
    const r = runCli(['migrate', source, other]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/is not empty: migrate copies into an empty library only/);
    expect((JSON.parse(runCli(['info', '--db', other, '--json']).stdout) as { movies: number }).movies).toBe(3);
  });
});
