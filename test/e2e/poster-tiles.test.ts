/**
 * Poster tiles (genre features, src/genres/poster-tiles.ts) on real posters and the real model:
 * an existing library without tiles gets them from an incremental run that embeds nothing else,
 * a query-time tile is the indexed one, each tile is its own square of the poster, and a genre
 * model of the older format is reported stale instead of being misread.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../dist/store/open-store.js';
import { Embedder } from '../../dist/search/embedder.js';
import { TILE_CHANNELS } from '../../dist/models/poster-tiles.js';
import { readImageModels, refOf } from '../../dist/store/library-models.js';
import { similarity } from '../../dist/util/metric.js';
import { makeCatalog, POSTERS, runCli, spreadRows, tempDir } from '../helpers.js';

const cosine = (a: Float32Array, b: Float32Array): number => similarity('cosine', a, b);

const rows = spreadRows(40, 7);
const catalog = makeCatalog(rows);
const db = join(tempDir('marquee-tiles-'), 'lib.db');

interface Stored {
  channel: string;
  modelId: string;
  vector: Buffer;
}

function vectorRows(): Stored[] {
  const lib = new Database(db, { readonly: true });
  try {
    return lib.prepare('SELECT channel, model_id AS modelId, data AS vector FROM vectors ORDER BY subject_key, channel').all() as Stored[];
  } finally {
    lib.close();
  }
}

beforeAll(() => {
  // A library indexed before tiles existed (the switch leaves them out of the run).
  const r = runCli(['index', catalog, '--no-ocr', '--db', db], { MARQUEE_POSTER_TILES: 'off' });
  expect(r.code, r.stderr).toBe(0);
});

describe('poster tiles', () => {
  it('an incremental run adds the tiles and re-embeds nothing else', () => {
    const before = vectorRows();
    expect(before.filter((v) => v.channel.startsWith('tile-'))).toHaveLength(0);
    const r = runCli(['index', catalog, '--no-ocr', '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const after = vectorRows();
    const tiles = after.filter((v) => v.channel.startsWith('tile-'));
    expect(new Set(tiles.map((t) => t.channel))).toEqual(new Set(TILE_CHANNELS));
    expect(tiles).toHaveLength(rows.length * 3);
    // Every vector that existed is byte for byte the same.
    const others = after.filter((v) => !v.channel.startsWith('tile-'));
    expect(others.map((v) => [v.channel, v.vector.toString('base64')])).toEqual(before.map((v) => [v.channel, v.vector.toString('base64')]));
    // A third run has nothing to do.
    const again = runCli(['index', catalog, '--no-ocr', '--db', db, '--json']);
    const summary = JSON.parse(again.stdout.trim().split('\n').at(-1)!) as { indexed: number; unchanged: number };
    expect(summary).toMatchObject({ indexed: 0, unchanged: rows.length });
  });

  it('a query-time tile is the indexed tile, and the tiles are views of their own, not the whole poster again', async () => {
    const store = await openStore(db, { create: false });
    try {
      const image = (await readImageModels(store))[0]!;
      const model = refOf(image);
      const embedder = await Embedder.forLibrary(store);
      const id = rows[3]!.id;
      const file = join(POSTERS, `${id}.jpg`);
      const key = (await store.movies.keyOf(id))!;
      const stored = await Promise.all(TILE_CHANNELS.map((c) => store.vectors.get(key, c, model)));
      const computed = await embedder.tileVectors({ bytes: readFileSync(file), source: file });
      computed.forEach((v, i) => expect(cosine(v, stored[i]!)).toBeGreaterThan(0.9999));
      // Distinct views of the poster, not one image three times.
      expect(cosine(stored[0]!, stored[2]!)).toBeLessThan(0.99);
      const content = await store.vectors.get(key, 'content', refOf(image));
      for (const t of stored) expect(cosine(t!, content!)).toBeLessThan(0.999);
    } finally {
      await store.close();
    }
  });

  it('a genre model of the older format is stale: predict says to retrain, train makes it usable', () => {
    expect(runCli(['genres', 'train', '--db', db, '--folds', '2', '--json']).code).toBe(0);
    const file = join(POSTERS, `${rows[5]!.id}.jpg`);
    expect(runCli(['genres', 'predict', '--db', db, '--image', file, '--json']).code).toBe(0);
    const lib = new Database(db);
    const row = lib.prepare("SELECT meta FROM genre_models WHERE name = 'poster'").get() as { meta: string };
    const meta = JSON.parse(row.meta) as Record<string, unknown>;
    expect(meta.models).toHaveProperty('tile-top');
    delete meta.format;
    lib.prepare("UPDATE genre_models SET meta = ? WHERE name = 'poster'").run(JSON.stringify(meta));
    lib.close();
    const stale = runCli(['genres', 'predict', '--db', db, '--image', file, '--json']);
    expect(stale.code).not.toBe(0);
    expect(stale.stderr).toMatch(/older Marquee .*genres train/);
    expect(runCli(['genres', 'train', '--db', db, '--folds', '2', '--json']).code).toBe(0);
    expect(runCli(['genres', 'predict', '--db', db, '--image', file, '--json']).code).toBe(0);
  });
});
