/**
 * Every command answers the same on both engines: the same posters and stills indexed into a
 * SQLite file and a PostgreSQL database give identical output for search, pairs, dupes, atlas,
 * genres, and the stills commands (looks, which-movie, clusters), and `info` says which engine.
 */
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshLibrary, type TestLibrary } from '../engines.js';
import { makeCatalog, POSTERS, ROOT, runCli, spreadRows, tempDir } from '../helpers.js';

const STILLS = resolve(ROOT, '../shared/stills');
const rows = spreadRows(60, 41);
const FILMS = ['gravity', 'whiplash', 'frozen'];

/** A stills folder with three films and every fourth frame (links to the shared frames). */
function stillsSubset(): string {
  const dir = tempDir();
  const csv = readFileSync(join(STILLS, 'movies.csv'), 'utf8').split('\n');
  writeFileSync(join(dir, 'movies.csv'), [csv[0], ...csv.filter((l) => FILMS.some((f) => l.startsWith(`${f},`)))].join('\n'));
  for (const film of FILMS) {
    mkdirSync(join(dir, film));
    readdirSync(join(STILLS, film)).filter((f, i) => f.endsWith('.jpg') && i % 4 === 0).forEach((f) => symlinkSync(join(STILLS, film, f), join(dir, film, f)));
  }
  return dir;
}

/** Drops what legitimately differs between runs (timings, dates, where the library is). */
function stable(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (k, v: unknown) => (['seconds', 'totalSeconds', 'trainedAt', 'builtAt', 'path', 'engine', 'vectorSearch'].includes(k) ? undefined : v));
}

function json(db: string, args: string[]): unknown {
  const r = runCli([...args, '--db', db, '--json']);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

describe('the same answers on SQLite and PostgreSQL', () => {
  let pg: TestLibrary;
  const sqlite = join(tempDir(), 'parity.db');
  const catalog = makeCatalog(rows);
  const stills = stillsSubset();
  beforeAll(async () => {
    pg = await freshLibrary('postgres');
    for (const db of [sqlite, pg.db]) {
      const r = runCli(['index', catalog, '--no-ocr', '--stills', stills, '--db', db, '--json']);
      expect(r.code, r.stderr).toBe(0);
    }
  });
  afterAll(async () => {
    await pg.drop();
  });

  const same = (args: string[]) => expect(stable(json(pg.db, args))).toEqual(stable(json(sqlite, args)));

  it('info names the engine and counts the same', () => {
    const [a, b] = [json(sqlite, ['info']) as Record<string, unknown>, json(pg.db, ['info']) as Record<string, unknown>];
    expect(a.engine).toBe('sqlite');
    expect(b.engine).toBe('postgres');
    expect(b.vectorSearch).toMatch(/in-process/);
    expect(stable(b)).toEqual(stable(a));
  });

  it('search, pairs, dupes and explain', () => {
    // Words are ranked by each engine's own full-text search (FTS5 BM25, PostgreSQL ts_rank): a
    // text query may order its tail differently, so it must agree on the first film and most of the list.
    const args = ['search', '--image', join(POSTERS, `${rows[3]!.id}.jpg`), '--text', 'a family drama', '--k', '10'];
    const [a, b] = [json(sqlite, args) as { results: { id: string }[] }, json(pg.db, args) as { results: { id: string }[] }];
    expect(b.results[0]!.id).toBe(a.results[0]!.id);
    expect(b.results.filter((r) => a.results.some((x) => x.id === r.id)).length).toBeGreaterThanOrEqual(7);
    same(['search', '--colors', '#0b3d4c,#e07a1f', '--k', '5']);
    same(['search', '--id', rows[5]!.id!, '--genre', 'Drama', '--k', '10']);
    same(['pairs', '--k', '20', '--channel', 'all']);
    same(['dupes']);
    same(['explain', rows[1]!.id!, rows[2]!.id!, '--out', join(tempDir(), 'why.png')]);
  });

  it('atlas and genres', () => {
    same(['atlas', 'build', '--no-tsne', '--k', '6']);
    same(['genres', 'train', '--folds', '3']);
    same(['genres', 'predict', '--image', join(POSTERS, `${rows[7]!.id}.jpg`)]);
  });

  it('stills: look, similar looks, which movie, kinds of shot', () => {
    same(['stills', 'look', 'gravity']);
    same(['looks', 'whiplash']);
    same(['which-movie', '--image', join(STILLS, 'frozen', readdirSync(join(STILLS, 'frozen')).filter((f) => f.endsWith('.jpg'))[1]!)]);
    same(['stills', 'clusters', '--k', '4']);
  });
});
