/**
 * The stills atlas (`marquee stills atlas`): a map of every still, as the project Marquee grew
 * from drew its 132,617 stills — PCA of the content embeddings, a grid laid out from the PCA
 * plane (balanced bisection, the poster atlas's grid), k-means clusters labelled by tone,
 * palette and films, each still's hue, and 16:9 thumbnails on texture sheets for the browser.
 *
 * Built for that size: the vectors are read a page at a time, twice (the mean and an even sample
 * for the axes, then each page projected), so a library's vectors are never held at once (1792
 * floats a still, 950 MB at 132,617); what stays is 50 floats a still. Without `rebuild`, stills
 * new or changed since the last build are placed into the frozen layout — projected on the
 * stored basis, the nearest centroid's cluster, the nearest free cell to their place in the
 * plane — on sheets of their own; nothing already placed moves. When the new stills outnumber
 * half of those placed, the map is built again instead (the layout no longer describes them).
 */
import sharp from 'sharp';
import { cluster } from '../atlas/clusters.js';
import { assignGrid, cellPosition } from '../atlas/grid.js';
import { pcaBasis, projectOnBasis, toUnitSquare, unitSquareOf, type PcaBasis, type UnitSquare } from '../atlas/projections.js';
import type { Store } from '../store/store.js';
import type { StillsAtlasPlace } from '../store/repositories/stills-atlas.js';
import type { StillSummary } from '../store/types.js';
import { centreOn } from '../util/vectors.js';
import { stageTimer } from '../util/stage-timer.js';
import { defaultModelKey } from '../store/library-models.js';
import { HUE_BINS, type LookStats } from '../image/look-stats.js';
import { describeStillClusters, type StillCluster } from './clusters.js';
import { StillsError } from './errors.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'library' | 'location' | 'movies' | 'stills' | 'stillsAtlas'>;


/** A build of another version is not extended: the next build is a full one. */
export const STILLS_ATLAS_VERSION = 1;
/** 16:9 tiles: 64 x 113 = 7,232 a 2048-px sheet, 19 sheets (≈ 300 MB of textures in a browser) at 132,617 stills. */
export const STILL_TILE_W = 32;
export const STILL_TILE_H = 18;
export const STILL_SHEET_SIZE = 2048;
/** The grid's cells have the stills' shape, so the grid reads as a contact sheet. */
const STILL_ASPECT = 16 / 9;
const TILES_PER_ROW = STILL_SHEET_SIZE / STILL_TILE_W;
export const STILL_TILES_PER_SHEET = TILES_PER_ROW * Math.floor(STILL_SHEET_SIZE / STILL_TILE_H);
/** PCA dimensions the clusters are found in (the poster atlas's). */
const DIMENSIONS = 50;
/** Thumbnails decoded at a time while a sheet is made. */
const TILE_BATCH = 256;
/** Stills read per page. */
const PAGE = 2_000;
/** Even sample the axes are learned on (as the poster atlas's PCA). */
const SAMPLE = 20_000;
/** A build that would place more than this share of the stills it has as new ones lays them all out again. */
const REBUILD_SHARE = 0.1;
/** Placed stills whose grid cells a new still is put among. */
const NEIGHBOURS = 5;
/** Chromatic share below which a still has no hue (grey, dark). */
const HUE_MIN_SHARE = 0.1;

export interface StillsAtlasMeta {
  version: number;
  builtAt: string;
  stills: number;
  /** The grid; its cells are `aspect` (16 / 9) wide, as the stills. */
  grid: { cols: number; rows: number; aspect: number };
  tile: { width: number; height: number; perRow: number };
  /** Sheets written so far (the next is this number). */
  sheets: number;
  k: number;
  silhouette: number;
  clusters: StillCluster[];
  /** Where the PCA plane's first two coordinates went in 0–1 (the plane's normalisation). */
  plane: UnitSquare;
  /** Dimensions of the stored basis (the content vectors' and the PCA's). */
  basis: { dim: number; k: number };
  /** The image model the content vectors came from: stills of another are laid out again. */
  vectors: { model: string };
  /** Stills placed into the layout since it was built. */
  incremental: number;
  seconds: Record<string, number>;
}

export interface StillsAtlasOptions {
  rebuild?: boolean;
  k?: number;
  seed?: number;
  onStage?: (stage: string) => void;
  onStep?: (stage: string, done: number, total: number) => void;
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** The stored build's meta, if any. */
export async function stillsAtlasMeta(library: Pick<Store, 'stillsAtlas'>): Promise<StillsAtlasMeta | undefined> {
  const raw = await library.stillsAtlas.file('meta');
  return raw ? (JSON.parse(raw.toString('utf8')) as StillsAtlasMeta) : undefined;
}

/** A still's dominant hue: the circular mean of its chromatic pixels' hue bins (degrees), or -1 when few pixels have one. */
export function stillHue(stats: LookStats): number {
  const share = stats.hue.reduce((a, b) => a + b, 0);
  if (share < HUE_MIN_SHARE) return -1;
  let x = 0;
  let y = 0;
  stats.hue.forEach((w, b) => {
    const a = ((b * 360) / HUE_BINS) * (Math.PI / 180);
    x += w * Math.cos(a);
    y += w * Math.sin(a);
  });
  if (Math.hypot(x, y) < 1e-9) return -1;
  return Math.round((Math.atan2(y, x) * 180) / Math.PI + 360) % 360;
}

/** Builds (or extends) the stills atlas; returns what was stored. */
export async function buildStillsAtlas(library: StoreParts, opts: StillsAtlasOptions = {}): Promise<StillsAtlasMeta> {
  const count = await library.stills.count();
  if (count < 10) throw new StillsError('no_stills', `only ${count} stills in the library: index at least 10 (marquee index --stills <folder>) before building a stills atlas`);
  // A given k or seed asks for clusters of their own: a rebuild.
  const metaBytes = opts.rebuild || opts.k !== undefined || opts.seed !== undefined ? undefined : await library.stillsAtlas.file('meta');
  const previous = metaBytes ? (JSON.parse(metaBytes.toString('utf8')) as StillsAtlasMeta) : undefined;
  if (previous?.version === STILLS_ATLAS_VERSION && metaBytes) {
    const extended = await extend(library, previous, metaBytes, opts);
    if (extended) return extended;
  }
  return fullBuild(library, opts);
}

/** Reads every still's summary (key order), a page at a time. */
async function summaries(library: StoreParts): Promise<StillSummary[]> {
  const out: StillSummary[] = [];
  for (let after = 0; ; ) {
    const page = await library.stills.lookPage(after, PAGE);
    if (!page.length) return out;
    out.push(...page);
    after = page[page.length - 1]!.key;
  }
}

async function movieIds(library: StoreParts, stills: StillSummary[]): Promise<Map<number, string>> {
  const movies = await library.movies.byKeys([...new Set(stills.map((s) => s.movieKey))]);
  return new Map([...movies].map(([key, m]) => [key, m.id]));
}

async function fullBuild(library: StoreParts, opts: StillsAtlasOptions): Promise<StillsAtlasMeta> {
  const seed = opts.seed ?? 42;
  const { seconds, time } = stageTimer(opts.onStage);
  const stills = await time('read', () => summaries(library));
  const n = stills.length;
  const index = new Map(stills.map((s, i) => [s.key, i]));
  // Pass 1: the mean of every content vector, and an even sample of them for the axes.
  const { mean, sample } = await time('mean', () => meanAndSample(library, n, (done) => opts.onStep?.('mean', done, n)));
  const basis = await time('pca', async () => pcaBasis(sample.map((v) => centreOn(v, mean)), DIMENSIONS));
  // Pass 2: each page centred and projected.
  const { reduced, seen } = await time('project', () => projectAll(library, basis, mean, index, (done) => opts.onStep?.('project', done, n)));
  const d = basis.k;
  const xy = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) (xy[i * 2] = reduced[i * d]!), (xy[i * 2 + 1] = reduced[i * d + 1] ?? 0);
  const plane = unitSquareOf(xy);
  for (let i = 0; i < n; i++) [xy[i * 2], xy[i * 2 + 1]] = toPlane(plane, xy[i * 2]!, xy[i * 2 + 1]!);
  const grid = await time('grid', () => assignGrid(xy, STILL_ASPECT));
  const clustering = await time('clusters', () => cluster(reduced, n, d, seed, opts.k, [5, 12]));
  const ids = await movieIds(library, stills);
  const distance = (i: number, c: number) => {
    let s = 0;
    for (let t = 0; t < d; t++) s += (reduced[i * d + t]! - clustering.centroids[c * d + t]!) ** 2;
    return s;
  };
  const clusters = await time('labels', () => describeStillClusters(stills, ids, clustering.assignment, clustering.k, distance));
  // Stills go on the sheets in grid order: each sheet is a band of the grid's rows, which a
  // browser zoomed in draws only when it is on screen (web/src/atlas/viewer.ts, cull).
  const inGridOrder = stills.map((s, i) => ({ key: s.key, cell: grid.cell[i]! })).sort((a, b) => a.cell - b.cell).map((s) => s.key);
  const { files: sheets, slots } = await time('sheets', () => buildStillSheets(library, inGridOrder, 0, (done) => opts.onStep?.('sheets', done, n)));
  const places: StillsAtlasPlace[] = stills.flatMap((s, i) => (seen.has(s.key) ? [{
    stillKey: s.key,
    contentHash: s.contentHash,
    x: r4(xy[i * 2]!),
    y: r4(xy[i * 2 + 1]!),
    cell: grid.cell[i]!,
    cluster: clustering.assignment[i]!,
    hue: stillHue(s.look.stats),
    ...slots.get(s.key)!,
    placed: 'build' as const,
  }] : []));
  const meta: StillsAtlasMeta = {
    version: STILLS_ATLAS_VERSION,
    builtAt: new Date().toISOString(),
    stills: places.length,
    grid: { cols: grid.cols, rows: grid.rows, aspect: STILL_ASPECT },
    tile: { width: STILL_TILE_W, height: STILL_TILE_H, perRow: TILES_PER_ROW },
    sheets: sheets.length,
    k: clustering.k,
    silhouette: Math.round(clustering.silhouette * 1000) / 1000,
    clusters,
    plane,
    basis: { dim: basis.dim, k: d },
    vectors: { model: await defaultModelKey(library) },
    incremental: 0,
    seconds,
  };
  opts.onStage?.('save');
  await library.stillsAtlas.save({ places, replaceAll: true, files: [metaFile(meta), ...basisFiles(basis, mean, clustering.centroids, d), ...sheets] });
  return meta;
}

async function meanAndSample(library: StoreParts, n: number, onStep: (done: number) => void): Promise<{ mean: Float64Array; sample: Float32Array[] }> {
  const step = Math.max(1, n / SAMPLE);
  let mean: Float64Array | undefined;
  const sample: Float32Array[] = [];
  let i = 0;
  for (let after = 0; ; ) {
    const page = await library.stills.vectorPage(after, PAGE);
    if (!page.length) break;
    for (const s of page) {
      mean ??= new Float64Array(s.content.length);
      for (let j = 0; j < mean.length; j++) mean[j]! += s.content[j]! / n;
      if (Math.floor(i / step) !== Math.floor((i - 1) / step) || i === 0) sample.push(s.content);
      i++;
    }
    after = page[page.length - 1]!.key;
    onStep(i);
  }
  return { mean: mean ?? new Float64Array(), sample };
}

/** Every listed still's PCA coordinates (n x k), and which of them were still there to be read. */
async function projectAll(library: StoreParts, basis: PcaBasis, mean: Float64Array, index: Map<number, number>, onStep: (done: number) => void): Promise<{ reduced: Float32Array; seen: Set<number> }> {
  const out = new Float32Array(index.size * basis.k);
  const seen = new Set<number>();
  let done = 0;
  for (let after = 0; ; ) {
    const page = await library.stills.vectorPage(after, PAGE);
    if (!page.length) return { reduced: out, seen };
    const projected = await projectOnBasis(basis, page.map((s) => centreOn(s.content, mean)));
    // A still indexed between the two reads has no summary: left off this build, placed by the next;
    // one deleted between them is not seen here and gets no place (its row is gone).
    page.forEach((s, j) => {
      const i = index.get(s.key);
      if (i !== undefined) out.set(projected.subarray(j * basis.k, (j + 1) * basis.k), i * basis.k), seen.add(s.key);
    });
    after = page[page.length - 1]!.key;
    onStep((done += page.length));
  }
}

/** A point of the PCA plane in 0–1 (clamped: a new still may fall outside the built range). */
function toPlane(p: StillsAtlasMeta['plane'], x: number, y: number): [number, number] {
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  const [u, v] = toUnitSquare(p, x, y);
  return [clamp(u), clamp(v)];
}

function metaFile(meta: StillsAtlasMeta): { name: string; data: Buffer } {
  return { name: 'meta', data: Buffer.from(JSON.stringify(meta), 'utf8') };
}

const floats = (a: Float32Array | Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function basisFiles(basis: PcaBasis, mean: Float64Array, centroids: Float64Array, d: number): { name: string; data: Buffer }[] {
  // Copies: the views above share buffers with arrays the build goes on using.
  return [
    { name: 'basis.mean', data: Buffer.from(floats(mean)) },
    { name: 'basis.pca-mean', data: Buffer.from(floats(basis.mean)) },
    { name: 'basis.axes', data: Buffer.from(floats(basis.w)) },
    { name: 'basis.centroids', data: Buffer.from(floats(centroids.subarray(0, centroids.length - (centroids.length % d)))) },
  ];
}

async function readBasis(library: StoreParts, meta: StillsAtlasMeta): Promise<{ basis: PcaBasis; mean: Float64Array; centroids: Float64Array } | undefined> {
  const [mean, pcaMean, axes, centroids] = await Promise.all(['basis.mean', 'basis.pca-mean', 'basis.axes', 'basis.centroids'].map((n) => library.stillsAtlas.file(n)));
  if (!mean || !pcaMean || !axes || !centroids) return undefined;
  const f64 = (b: Buffer) => new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  const f32 = (b: Buffer) => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  const { dim, k } = meta.basis;
  const w = f32(axes);
  if (w.length !== dim * k || mean.length !== dim * 8) return undefined;
  return { basis: { dim, k, mean: f64(pcaMean), w }, mean: f64(mean), centroids: f64(centroids) };
}

/** Places the stills new or changed since `meta`'s build; undefined when a full build is due instead. */
async function extend(library: StoreParts, meta: StillsAtlasMeta, metaBytes: Buffer, opts: StillsAtlasOptions): Promise<StillsAtlasMeta | undefined> {
  const started = performance.now();
  opts.onStage?.('read');
  // Vectors of another model (the library's default changed) are not comparable with the basis.
  if ((await defaultModelKey(library)) !== meta.vectors.model) return undefined;
  const stored = await readBasis(library, meta);
  if (!stored) return undefined;
  const placed = new Map((await library.stillsAtlas.places()).map((p) => [p.stillKey, p]));
  const stills = await summaries(library);
  const changed = stills.filter((s) => placed.get(s.key)?.contentHash !== s.contentHash);
  if (changed.length > placed.size * REBUILD_SHARE) return undefined;
  const vectors = await library.stills.vectorsOf(changed.map((s) => s.key));
  // A still deleted since it was listed is left out (the next build sees it gone).
  const fresh = changed.filter((s) => vectors.has(s.key));
  if (fresh.some((s) => vectors.get(s.key)!.length !== stored.basis.dim)) return undefined;
  const { basis, mean, centroids } = stored;
  const d = basis.k;
  const freshKeys = new Set(fresh.map((s) => s.key));
  const kept = [...placed.values()].filter((p) => !freshKeys.has(p.stillKey));
  let { cols, rows } = meta.grid;
  while (cols * rows < kept.length + fresh.length) rows++;
  const grid = { cols, rows, aspect: meta.grid.aspect };
  opts.onStage?.('place');
  const reduced = await projectOnBasis(basis, fresh.map((s) => centreOn(vectors.get(s.key)!, mean)));
  const k = centroids.length / d;
  const { files: sheets, slots } = fresh.length ? await buildStillSheets(library, fresh.map((s) => s.key), meta.sheets, (done) => opts.onStep?.('sheets', done, fresh.length)) : { files: [], slots: new Map() };
  // The grid re-arranges the plane (balanced splits), so a new still goes where its nearest
  // neighbours in the plane are on the grid, into the free cell nearest their mean.
  const neighbours = new PlaneNeighbours(kept);
  const free = new FreeCells(grid, new Set(kept.map((p) => p.cell)));
  const places: StillsAtlasPlace[] = fresh.map((s, i) => {
    const v = reduced.subarray(i * d, (i + 1) * d);
    let best = 0;
    let bestD = Infinity;
    for (let c = 0; c < k; c++) {
      let dd = 0;
      for (let t = 0; t < d; t++) dd += (v[t]! - centroids[c * d + t]!) ** 2;
      if (dd < bestD) (bestD = dd), (best = c);
    }
    const [x, y] = toPlane(meta.plane, v[0]!, v[1] ?? 0);
    const near = neighbours.nearest(x, y, NEIGHBOURS);
    const [tx, ty] = near.length ? near.map((p) => cellPosition(grid, p.cell)).reduce(([ax, ay], [bx, by]) => [ax + bx / near.length, ay + by / near.length], [0, 0]) : [x, y];
    return { stillKey: s.key, contentHash: s.contentHash, x: r4(x), y: r4(y), cell: free.take(tx, ty), cluster: best, hue: stillHue(s.look.stats), ...slots.get(s.key)!, placed: 'incremental' };
  });
  const sizes = new Map<number, number>();
  for (const p of kept) sizes.set(p.cluster, (sizes.get(p.cluster) ?? 0) + 1);
  for (const p of places) sizes.set(p.cluster, (sizes.get(p.cluster) ?? 0) + 1);
  const next: StillsAtlasMeta = {
    ...meta,
    stills: kept.length + fresh.length,
    grid,
    sheets: meta.sheets + sheets.length,
    clusters: meta.clusters.map((c) => ({ ...c, size: sizes.get(c.id) ?? 0 })),
    incremental: meta.incremental + fresh.length,
    seconds: { place: r4((performance.now() - started) / 1000) },
  };
  await library.stillsAtlas.save({ places, replaceAll: false, files: [metaFile(next), ...sheets], ifMeta: metaBytes });
  return next;
}

/** Placed stills bucketed by their place in the plane, for the nearest few of a point. */
class PlaneNeighbours {
  private static readonly SIDE = 128;
  private readonly buckets = new Map<number, StillsAtlasPlace[]>();

  constructor(places: StillsAtlasPlace[]) {
    for (const p of places) {
      const b = this.bucket(p.x, p.y);
      const list = this.buckets.get(b) ?? [];
      list.push(p);
      this.buckets.set(b, list);
    }
  }

  private cell(v: number): number {
    return Math.min(PlaneNeighbours.SIDE - 1, Math.max(0, Math.floor(v * PlaneNeighbours.SIDE)));
  }

  private bucket(x: number, y: number): number {
    return this.cell(y) * PlaneNeighbours.SIDE + this.cell(x);
  }

  /** The n places nearest (x, y): buckets in rings until n are found and no nearer one can be further out. */
  nearest(x: number, y: number, n: number): StillsAtlasPlace[] {
    const side = PlaneNeighbours.SIDE;
    const bx = this.cell(x);
    const by = this.cell(y);
    const found: { p: StillsAtlasPlace; d: number }[] = [];
    for (let ring = 0; ring < side; ring++) {
      if (found.length >= n && ((ring - 1) / side) ** 2 > found[n - 1]!.d) break;
      for (let r = by - ring; r <= by + ring; r++) {
        if (r < 0 || r >= side) continue;
        const edge = r === by - ring || r === by + ring;
        for (let c = bx - ring; c <= bx + ring; c += edge || ring === 0 ? 1 : 2 * ring) {
          if (c < 0 || c >= side) continue;
          for (const p of this.buckets.get(r * side + c) ?? []) found.push({ p, d: (p.x - x) ** 2 + (p.y - y) ** 2 });
        }
      }
      found.sort((a, b) => a.d - b.d);
    }
    return found.slice(0, n).map((f) => f.p);
  }
}

/**
 * The free cells of a grid: taken one at a time, each the free cell nearest a point. A list, not
 * a search of the grid: after a build the free cells are the few past the last still, which a
 * ring search outward from a point would reach only after most of the grid.
 */
export class FreeCells {
  private readonly cells: number[] = [];

  constructor(
    private readonly grid: { cols: number; rows: number; aspect?: number },
    used: Set<number>,
  ) {
    for (let c = 0; c < grid.cols * grid.rows; c++) if (!used.has(c)) this.cells.push(c);
  }

  take(x: number, y: number): number {
    let best = -1;
    let bestD = Infinity;
    this.cells.forEach((c, i) => {
      const [cx, cy] = cellPosition(this.grid, c);
      const d = (cx - x) ** 2 + (cy - y) ** 2;
      if (d < bestD) (bestD = d), (best = i);
    });
    if (best < 0) throw new Error('no free cell left on the stills grid');
    const cell = this.cells[best]!;
    this.cells[best] = this.cells[this.cells.length - 1]!;
    this.cells.pop();
    return cell;
  }
}

/** The stills' thumbnails as 16:9 tiles on JPEG sheets numbered from `firstSheet`, and each still's slot. */
async function buildStillSheets(library: StoreParts, keys: number[], firstSheet: number, onStep: (done: number) => void): Promise<{ files: { name: string; data: Buffer }[]; slots: Map<number, { sheet: number; slot: number }> }> {
  const files: { name: string; data: Buffer }[] = [];
  const slots = new Map<number, { sheet: number; slot: number }>();
  const blank = Buffer.alloc(STILL_TILE_W * STILL_TILE_H * 3, 0x33);
  const raw = { width: STILL_TILE_W, height: STILL_TILE_H, channels: 3 as const };
  for (let start = 0; start < keys.length; start += STILL_TILES_PER_SHEET) {
    const chunk = keys.slice(start, start + STILL_TILES_PER_SHEET);
    const sheet = firstSheet + files.length;
    const thumbs = await library.stills.thumbnails(chunk);
    // Raw pixels straight into the sheet (no JPEG per tile); a thumbnail that does not decode is a grey tile.
    // TILE_BATCH at a time, not all 7,232 of a sheet at once (every one decoded at the same time: the map build at 132,617 stills reached 3.2 GB RSS).
    const tiles: { input: Buffer; raw: typeof raw; left: number; top: number }[] = [];
    for (let from = 0; from < chunk.length; from += TILE_BATCH)
      tiles.push(
        ...(await Promise.all(
          chunk.slice(from, from + TILE_BATCH).map(async (key, i) => {
            const slot = from + i;
            const thumb = thumbs.get(key);
            const input = thumb ? await sharp(thumb).resize(STILL_TILE_W, STILL_TILE_H, { fit: 'cover' }).removeAlpha().toColourspace('srgb').raw().toBuffer().catch(() => blank) : blank;
            return { input, raw, left: (slot % TILES_PER_ROW) * STILL_TILE_W, top: Math.floor(slot / TILES_PER_ROW) * STILL_TILE_H };
          }),
        )),
      );
    const rowsUsed = Math.ceil(chunk.length / TILES_PER_ROW);
    const data = await sharp({ create: { width: STILL_SHEET_SIZE, height: rowsUsed * STILL_TILE_H, channels: 3, background: '#000' } }).composite(tiles).jpeg({ quality: 82 }).toBuffer();
    files.push({ name: `sheet.${sheet}`, data });
    chunk.forEach((key, slot) => slots.set(key, { sheet, slot }));
    onStep(start + chunk.length);
  }
  return { files, slots };
}
