/**
 * The content channel's hub correction as loadChannelIndex builds it from a library (a temporary
 * SQLite file, synthetic vectors): whitened from MIN_WHITENING_VECTORS posters on, centred below
 * that or when MARQUEE_HUB_CORRECTION says so, raw when off; the centred scale stays available
 * for the copy thresholds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { MovieWrite } from '../store/store.js';
import type { ModelRef } from '../store/types.js';
import { seededRandom } from '../util/random.js';
import { dot, l2normalize, meanVector } from '../util/vectors.js';
import { loadChannelIndex, MIN_WHITENING_VECTORS } from './index-factory.js';

const DIM = 16;
const MODEL: ModelRef = { id: 'm', version: '1', dimension: DIM };

let dir: string;
const random = seededRandom(3);
const vectors = Array.from({ length: MIN_WHITENING_VECTORS + 20 }, () => l2normalize(Float32Array.from({ length: DIM }, (_, i) => 1 + (random() - 0.5) * (3 / (1 + i)))));

async function library(name: string, n: number): Promise<{ store: SqliteStore; keys: number[] }> {
  const store = await SqliteStore.open(join(dir, `${name}.db`), { create: true });
  const writes: MovieWrite[] = vectors.slice(0, n).map((vector, i) => ({
    movie: { id: `f${i}`, title: `Film ${i}`, year: 1990, genres: ['Drama'], countries: ['US'], overview: '', tagline: '', imdbId: null, tmdbId: null, extra: {} },
    poster: {
      record: { path: `/posters/${i}.jpg`, contentHash: `h${i}`, width: 300, height: 450, format: 'jpeg', bytes: 1000, thumbnail: Buffer.from('t') },
      vectors: [{ channel: 'content', modelId: MODEL.id, modelVersion: MODEL.version, sourceHash: `h${i}`, vector }],
      palette: { version: 'p1', sourceHash: `h${i}`, colors: [] },
    },
  }));
  return { store, keys: await store.movies.write(writes, '/catalog') };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'marquee-index-factory-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.MARQUEE_HUB_CORRECTION;
});

describe('loadChannelIndex hub correction', () => {
  it('whitens a library of enough posters, keeps the centred cosine beside it, and centres or not as told', async () => {
    const { store, keys } = await library('big', vectors.length);
    try {
      const load = () => loadChannelIndex(store, 'content', MODEL, () => store.movies.filterRows(), { hubCorrection: true });
      const loaded = await load();
      expect(loaded.index.kind).toBe('exact+centred+whitened');
      expect(loaded.cosine?.kind).toBe('exact+centred');
      expect(loaded.keys).toEqual(keys);
      // The centred scale, for the copy thresholds.
      const mean = meanVector(vectors);
      const centred = (v: Float32Array) => l2normalize(Float32Array.from(v, (x, i) => x - mean[i]!));
      const [c] = await loaded.cosine!.scores(vectors[0]!, [keys[5]!]);
      expect(c).toBeCloseTo(dot(centred(vectors[0]!), centred(vectors[5]!)), 4);
      // The whitened ranking finds a poster's own vector first.
      expect((await loaded.index.search(vectors[7]!, 1))[0]).toMatchObject({ key: keys[7] });
      expect((await loadChannelIndex(store, 'content', MODEL, () => store.movies.filterRows())).index.kind).toBe('exact');
      process.env.MARQUEE_HUB_CORRECTION = 'centre';
      expect((await load()).index.kind).toBe('exact+centred');
      process.env.MARQUEE_HUB_CORRECTION = 'off';
      expect((await load()).index.kind).toBe('exact');
    } finally {
      await store.close();
    }
  });

  it('only centres a library of fewer posters than MIN_WHITENING_VECTORS', async () => {
    const { store } = await library('small', MIN_WHITENING_VECTORS - 1);
    try {
      const loaded = await loadChannelIndex(store, 'content', MODEL, () => store.movies.filterRows(), { hubCorrection: true });
      expect(loaded.index.kind).toBe('exact+centred');
      expect(loaded.cosine).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
