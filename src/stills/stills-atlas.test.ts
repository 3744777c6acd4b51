/**
 * The stills map over a real SQLite library of synthetic stills (three "films", each a cloud of
 * content vectors around a centre of its own; thumbnails made by sharp): a build gives every still
 * one cell and a sprite; new, changed and deleted stills are placed into the frozen layout without
 * moving the others; a build that would be mostly new stills is made again whole.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import type { StillRecord } from '../store/types.js';
import { seededRandom } from '../util/random.js';
import { HUE_BINS, type LookStats } from '../image/look-stats.js';
import { buildStillsAtlas, FreeCells, STILL_TILE_H, STILL_TILE_W, stillHue, stillsAtlasMeta } from './stills-atlas.js';

const DIM = 24;
const random = seededRandom(11);
const centres = [0, 1, 2].map(() => Float32Array.from({ length: DIM }, () => random() * 2 - 1));

function stats(hueBin: number | undefined): LookStats {
  const hue = new Array<number>(HUE_BINS).fill(0);
  if (hueBin !== undefined) hue[hueBin] = 0.6;
  return { hue, sMean: 0.3, s2Mean: 0.1, lMean: 0.4, l2Mean: 0.2, warm: 0.3, cool: 0.3, lowKey: 0.2, highKey: 0.1, meanRgb: [90, 80, 70] };
}

let thumbnail: Buffer;
async function still(movieKey: number, film: number, seq: number, hash = `${movieKey}-${seq}`): Promise<StillRecord> {
  thumbnail ??= await sharp({ create: { width: 64, height: 36, channels: 3, background: '#c04020' } }).jpeg().toBuffer();
  const content = Float32Array.from(centres[film]!, (c) => c + (random() - 0.5) * 0.3);
  return {
    movieKey, seq, path: `/stills/${movieKey}/${seq}.jpg`, timestamp: null, contentHash: hash, width: 64, height: 36, thumbnail,
    versions: 'v1', content, color: new Float32Array(8), layout: new Float32Array(4),
    look: { stats: stats(film === 2 ? undefined : film * 4), palette: [{ hex: '#c04020', lab: [45, 50, 45], share: 1 }] },
  };
}

async function addFilm(store: Store, film: number, seqs: number[]): Promise<number> {
  const movie = { id: `film-${film}`, title: `Film ${film}`, year: 2000 + film, genres: [], countries: [], overview: '', tagline: '', imdbId: null, tmdbId: null, extra: {} };
  const key = (await store.stills.prepareMovies([{ movie, imdbId: null, keepSeqs: seqs }], '/stills')).keys[0]!;
  await store.stills.put(await Promise.all(seqs.map((seq) => still(key, film, seq))));
  return key;
}

let store: Store | undefined;
let dir: string | undefined;
afterEach(async () => {
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  store = undefined;
  dir = undefined;
});

async function library(): Promise<Store> {
  dir = mkdtempSync(join(tmpdir(), 'marquee-stills-atlas-'));
  store = await openStore(join(dir, 'library.db'), { create: true });
  return store;
}

const seqs = (n: number, from = 1) => Array.from({ length: n }, (_, i) => from + i);

describe('stills atlas', () => {
  it('gives every still one cell of a 16:9 grid, a sprite on a sheet, a cluster and its hue', async () => {
    const s = await library();
    for (const film of [0, 1, 2]) await addFilm(s, film, seqs(30));
    const meta = await buildStillsAtlas(s, { k: 3 });
    expect(meta).toMatchObject({ stills: 90, k: 3, sheets: 1, incremental: 0, tile: { width: STILL_TILE_W, height: STILL_TILE_H } });
    expect(meta.grid.cols * meta.grid.rows).toBeGreaterThanOrEqual(90);
    // Cells are 16:9, so the grid has more rows than columns to be about square.
    expect(meta.grid.rows).toBeGreaterThan(meta.grid.cols);
    const places = await s.stillsAtlas.places();
    expect(new Set(places.map((p) => p.cell)).size).toBe(90);
    expect(new Set(places.map((p) => p.slot)).size).toBe(90);
    // On the sheets in grid order (a sheet is a band of rows: a zoomed-in browser draws only those on screen).
    const byCell = [...places].sort((a, b) => a.cell - b.cell);
    expect(byCell.map((p) => p.sheet * 1e6 + p.slot)).toEqual([...byCell.map((p) => p.sheet * 1e6 + p.slot)].sort((a, b) => a - b));
    // Three well-separated films: each cluster holds one film's stills.
    const view = await s.stillsAtlas.view();
    const filmsOf = new Map<number, Set<string>>();
    for (const r of view) filmsOf.set(r.cluster, (filmsOf.get(r.cluster) ?? new Set()).add(r.movieId));
    expect([...filmsOf.values()].map((f) => f.size)).toEqual([1, 1, 1]);
    expect(new Set(view.filter((r) => r.movieId === 'film-2').map((r) => r.hue))).toEqual(new Set([-1]));
    expect(new Set(view.filter((r) => r.movieId === 'film-1').map((r) => r.hue))).toEqual(new Set([120]));
    const sheet = await sharp((await s.stillsAtlas.file('sheet.0'))!).metadata();
    expect([sheet.width, sheet.height]).toEqual([2048, Math.ceil(90 / (2048 / STILL_TILE_W)) * STILL_TILE_H]);
    expect(await stillsAtlasMeta(s)).toEqual(meta);
  });

  it('places new and changed stills into free cells without moving the others, and frees the cells of stills gone', async () => {
    const s = await library();
    const keys = [await addFilm(s, 0, seqs(30)), await addFilm(s, 1, seqs(30)), await addFilm(s, 2, seqs(30))];
    const built = await buildStillsAtlas(s, { k: 3 });
    const before = new Map((await s.stillsAtlas.places()).map((p) => [p.stillKey, p]));
    // Film 1 loses its stills 29-30 and gets 31-35; film 0's still 5 is indexed again with other bytes (6 of 90: under a tenth).
    await s.stills.prepareMovies([{ movie: { id: 'film-1', title: 'Film 1', year: 2001, genres: [], countries: [], overview: '', tagline: '', imdbId: null, tmdbId: null, extra: {} }, imdbId: null, keepSeqs: [...seqs(28), ...seqs(5, 31)] }], '/stills');
    await s.stills.put([...(await Promise.all(seqs(5, 31).map((seq) => still(keys[1]!, 1, seq)))), await still(keys[0]!, 0, 5, 'changed')]);
    const changedKey = (await s.stills.ofMovie(keys[0]!)).find((x) => x.seq === 5)!.key;
    const meta = await buildStillsAtlas(s);
    expect(meta).toMatchObject({ stills: 93, incremental: 6, sheets: built.sheets + 1, builtAt: built.builtAt });
    const after = await s.stillsAtlas.places();
    expect(after).toHaveLength(93);
    expect(new Set(after.map((p) => p.cell)).size).toBe(93);
    for (const p of after) {
      const old = before.get(p.stillKey);
      if (old && p.stillKey !== changedKey) expect(p).toEqual(old);
      else expect(p).toMatchObject({ placed: 'incremental', sheet: built.sheets });
    }
    // New stills of film 1 go to film 1's cluster.
    const film1Cluster = before.get((await s.stills.ofMovie(keys[1]!))[0]!.key)!.cluster;
    const fresh = after.filter((p) => p.placed === 'incremental' && p.stillKey !== changedKey);
    expect(new Set(fresh.map((p) => p.cluster))).toEqual(new Set([film1Cluster]));
    expect(meta.clusters.reduce((n, c) => n + c.size, 0)).toBe(93);
    // New stills land among their film's stills on the grid: nearer the film's own cells than the others' on average.
    const centre = (ps: { cell: number }[]) => ps.map((p) => [p.cell % meta.grid.cols, Math.floor(p.cell / meta.grid.cols)]).reduce(([a, b], [c, d]) => [a + c! / ps.length, b + d! / ps.length], [0, 0]);
    const film1 = centre(after.filter((p) => p.cluster === film1Cluster && p.placed === 'build'));
    const others = centre(after.filter((p) => p.cluster !== film1Cluster));
    const newOnes = centre(fresh);
    expect(Math.hypot(newOnes[0]! - film1[0]!, newOnes[1]! - film1[1]!)).toBeLessThan(Math.hypot(newOnes[0]! - others[0]!, newOnes[1]! - others[1]!));
  });

  it('refuses to save over a build saved while it ran', async () => {
    const s = await library();
    await addFilm(s, 0, seqs(30));
    await buildStillsAtlas(s, { k: 2 });
    const stale = (await s.stillsAtlas.file('meta'))!;
    await buildStillsAtlas(s, { rebuild: true, k: 3 });
    await expect(s.stillsAtlas.save({ places: [], replaceAll: false, files: [], ifMeta: stale })).rejects.toMatchObject({ kind: 'busy' });
  });

  it('lays the map out again for vectors of another image model', async () => {
    const s = await library();
    await addFilm(s, 0, seqs(30));
    const first = await buildStillsAtlas(s, { k: 2 });
    await s.library.setMeta('image_model', JSON.stringify({ id: 'another-model', version: '2', dimension: DIM }));
    await addFilm(s, 1, seqs(2));
    const meta = await buildStillsAtlas(s);
    expect(meta.incremental).toBe(0);
    expect(meta.builtAt).not.toBe(first.builtAt);
  });

  it('builds again whole when most stills are new since the last build', async () => {
    const s = await library();
    await addFilm(s, 0, seqs(12));
    await buildStillsAtlas(s, { k: 2 });
    await addFilm(s, 1, seqs(30));
    const meta = await buildStillsAtlas(s, { k: 2 });
    expect(meta).toMatchObject({ stills: 42, incremental: 0 });
    expect(new Set((await s.stillsAtlas.places()).map((p) => p.placed))).toEqual(new Set(['build']));
  });

  it('refuses a library with too few stills, naming the command that adds them', async () => {
    const s = await library();
    await addFilm(s, 0, seqs(3));
    await expect(buildStillsAtlas(s)).rejects.toMatchObject({ kind: 'no_stills', message: expect.stringMatching(/only 3 stills.*marquee index --stills/) });
  });
});

describe('free cells', () => {
  it('gives the free cell nearest a point, each once, and says when none is left', () => {
    const free = new FreeCells({ cols: 4, rows: 4 }, new Set(Array.from({ length: 14 }, (_, i) => i)));
    // Cells 14 and 15 (the last row's end) are free; a point at the top left gets the nearer, 14.
    expect(free.take(0, 0)).toBe(14);
    expect(free.take(0, 0)).toBe(15);
    expect(() => free.take(0.5, 0.5)).toThrow(/no free cell/);
  });

  it('measures distance on the page with 16:9 cells: a row below is nearer than a column aside', () => {
    const grid = { cols: 3, rows: 5, aspect: 16 / 9 };
    const w = Math.min(1 / 3, 16 / 9 / 5);
    const h = w / (16 / 9);
    // Cell 7 (row 2, column 1) used, all but its four neighbours too: the ones above and below are 9 units away, those beside 16.
    const free = new FreeCells(grid, new Set([0, 1, 2, 3, 5, 6, 7, 8, 9, 11, 12, 13, 14]));
    expect([4, 10]).toContain(free.take(1.5 * w, 2.5 * h));
  });
});

describe('still hue', () => {
  it('is the circular mean of the chromatic hue bins, -1 when few pixels have a hue', () => {
    expect(stillHue(stats(0))).toBe(0);
    expect(stillHue(stats(4))).toBe(120);
    const wrap = stats(undefined);
    wrap.hue[11] = 0.3;
    wrap.hue[1] = 0.3;
    expect(stillHue(wrap)).toBe(0);
    expect(stillHue(stats(undefined))).toBe(-1);
  });
});
