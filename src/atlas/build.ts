/**
 * `marquee atlas build`: projections (PCA, UMAP, t-SNE), a grid layout, clusters with labels,
 * and the thumbnail texture atlases, stored in the library. Without --rebuild, posters new
 * since the last build are placed with the layout frozen: each takes the similarity-weighted
 * mean position of its 5 nearest already-placed posters, their majority cluster, and the
 * nearest free grid cell; nothing already placed moves.
 *
 * The content atlas is built from any of the library's image models (`model`, default its
 * first) and stored under that model's channel. Distances follow the model's metric: cosine
 * models are laid out from unit vectors (Euclidean distance between unit vectors ranks as
 * cosine), l2 models from the raw vectors; a dot model has no geometry of its own and is laid
 * out from its raw vectors too.
 */
import { COLOR_MODEL, LAYOUT_MODEL } from '../design/design-features.js';
import { ExactIndex } from '../search/exact-index.js';
import { COLOR_CHANNEL, CONTENT_CHANNEL, LAYOUT_CHANNEL, TEXT_CHANNEL } from '../store/channels.js';
import { pickImageModel, readImageModels, refOf } from '../store/library-models.js';
import { l2normalize } from '../util/vectors.js';
import { stageTimer } from '../util/stage-timer.js';
import type { Store } from '../store/store.js';
import type { ModelRef, StoredMovie } from '../store/types.js';
import { cluster } from './clusters.js';
import { assignGrid, cellPosition, gridPoints, knnOverlap, type GridLayout } from './grid.js';
import { labelClusters, libraryShares, type ClusterLabel } from './labels.js';
import { pca, pca2d, tsne2d, umap2d } from './projections.js';
import { buildSheets } from './sheets.js';
import { promptLabels } from './prompts.js';
import type { AtlasPoint } from '../store/types.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'atlas' | 'library' | 'location' | 'movies' | 'posters' | 'vectors'>;

export const ATLAS_CHANNELS = [CONTENT_CHANNEL, COLOR_CHANNEL, LAYOUT_CHANNEL, TEXT_CHANNEL] as const;

export interface AtlasMeta {
  channel: string;
  /** The image model of a content atlas. */
  model?: string;
  seed: number;
  points: number;
  grid: { cols: number; rows: number };
  clusters: ClusterLabel[];
  k: number;
  silhouetteByK: Record<number, number>;
  quality: { knnOverlapUmapGrid: number; knnOverlapUmapPca: number };
  seconds: Record<string, number>;
  incremental: number;
}

export interface AtlasBuildOptions {
  channel?: string;
  /** Prompts a dual encoder labels clusters with (default DEFAULT_PROMPTS). */
  prompts?: string[];
  /** Image model of the content atlas (its id; default: the library's first). */
  model?: string;
  rebuild?: boolean;
  k?: number;
  seed?: number;
  tsne?: boolean;
  onStage?: (stage: string) => void;
  /** Steps within a long stage (UMAP epochs, t-SNE iterations, posters put on texture sheets). */
  onStep?: (stage: string, done: number, total: number) => void;
}

/** The store channel and model of an atlas channel (`content` by image model `model`). */
export async function channelModel(library: StoreParts, channel: string, model?: string): Promise<{ channel: string; model: ModelRef }> {
  const text = await library.library.getMeta('text_model');
  if (channel === CONTENT_CHANNEL) {
    const images = await readImageModels(library);
    if (images.length) {
      const m = pickImageModel(images, model, `library ${library.location}`);
      return { channel: m.channel, model: refOf(m) };
    }
  }
  if (channel === TEXT_CHANNEL && text) return { channel, model: JSON.parse(text) as ModelRef };
  if (channel === COLOR_CHANNEL) return { channel, model: COLOR_MODEL };
  if (channel === LAYOUT_CHANNEL) return { channel, model: LAYOUT_MODEL };
  throw new Error(`no vectors for channel "${channel}" in the library (use ${ATLAS_CHANNELS.join(', ')})`);
}

/** Vectors as the model's metric compares them: unit for cosine, raw for l2 and dot. */
function forMetric(entries: { key: number; vector: Float32Array }[], model: ModelRef): { key: number; vector: Float32Array }[] {
  if ((model.metric ?? 'cosine') !== 'cosine') return entries;
  return entries.map((e) => ({ key: e.key, vector: l2normalize(Float32Array.from(e.vector)) }));
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

export async function buildAtlas(library: StoreParts, opts: AtlasBuildOptions = {}): Promise<AtlasMeta> {
  const seed = opts.seed ?? 42;
  const { channel, model } = await channelModel(library, opts.channel ?? CONTENT_CHANNEL, opts.model);
  const entries = forMetric(await library.vectors.load(channel, model), model);
  if (entries.length < 10) throw new Error(`only ${entries.length} ${channel} vectors: index more posters before building an atlas`);
  const previous = opts.rebuild ? undefined : await library.atlas.loadMeta<AtlasMeta>(channel);
  const existing = previous ? await library.atlas.loadPoints(channel) : [];
  const result = previous && existing.length ? await placeNew(library, channel, entries, existing, previous, model) : await fullBuild(library, channel, entries, seed, opts);
  if ((opts.channel ?? CONTENT_CHANNEL) === CONTENT_CHANNEL) result.model = model.id;
  opts.onStage?.('texture atlases');
  const t = performance.now();
  const { sheets, sprites } = await buildSheets(library, entries.map((e) => e.key), (done, total) => opts.onStep?.('texture atlases', done, total));
  await library.atlas.saveSheets(sheets, sprites);
  result.seconds.sheets = r4((performance.now() - t) / 1000);
  await library.atlas.saveMeta(channel, result);
  return result;
}

async function fullBuild(library: StoreParts, channel: string, entries: { key: number; vector: Float32Array }[], seed: number, opts: AtlasBuildOptions): Promise<AtlasMeta> {
  const { seconds, time } = stageTimer(opts.onStage);
  const vectors = entries.map((e) => e.vector);
  const reduced = await time('pca', () => pca(vectors, 50));
  const pcaXY = pca2d(reduced);
  const umapXY = await time('umap', () => umap2d(reduced, seed, (done, total) => opts.onStep?.('umap', done, total)));
  const tsneXY = opts.tsne === false ? umapXY : await time('tsne', () => tsne2d(reduced, seed, 300, (done, total) => opts.onStep?.('tsne', done, total)));
  const grid = await time('grid', () => assignGrid(umapXY));
  const d = reduced[0]!.length;
  const flat = new Float32Array(entries.length * d);
  reduced.forEach((r, i) => flat.set(r, i * d));
  const clustering = await time('clusters', () => cluster(flat, entries.length, d, seed, opts.k));
  const quality = await time('quality', () => ({ knnOverlapUmapGrid: r4(knnOverlap(umapXY, gridPoints(grid))), knnOverlapUmapPca: r4(knnOverlap(umapXY, pcaXY)) }));
  const points: AtlasPoint[] = entries.map((e, i) => ({
    key: e.key,
    pca: [pcaXY[i * 2]!, pcaXY[i * 2 + 1]!],
    umap: [umapXY[i * 2]!, umapXY[i * 2 + 1]!],
    tsne: [tsneXY[i * 2]!, tsneXY[i * 2 + 1]!],
    cell: grid.cell[i]!,
    cluster: clustering.assignment[i]!,
    placed: 'build',
  }));
  await library.atlas.savePoints(channel, points, true);
  const movies = await library.movies.byKeys(entries.map((e) => e.key));
  const color = new Map((await library.vectors.load(COLOR_CHANNEL, COLOR_MODEL)).map((e) => [e.key, e.vector]));
  const clusters = await time('labels', () => labels(movies, color, entries, clustering.assignment, clustering.k, (i, c) => {
    let s = 0;
    for (let t = 0; t < d; t++) s += (flat[i * d + t]! - clustering.centroids[c * d + t]!) ** 2;
    return s;
  }));
  opts.onStage?.('prompt labels');
  const members = clusters.map((c) => entries.filter((_, i) => clustering.assignment[i] === c.id).map((e) => e.key));
  const shows = await promptLabels(library, members, opts.prompts);
  shows?.forEach((s, i) => (clusters[i]!.shows = s));
  return { channel, seed, points: points.length, grid: { cols: grid.cols, rows: grid.rows }, clusters, k: clustering.k, silhouetteByK: clustering.tried, quality, seconds, incremental: 0 };
}

function labels(movies: Map<number, StoredMovie>, color: Map<number, Float32Array>, entries: { key: number }[], assignment: Int32Array, k: number, distance: (i: number, c: number) => number): ClusterLabel[] {
  const colourOf = (i: number) => color.get(entries[i]!.key);
  const present = (v: Float32Array | undefined): v is Float32Array => !!v;
  const all = libraryShares(entries.map((e) => movies.get(e.key)!), entries.map((_, i) => colourOf(i)).filter(present));
  const clusters = Array.from({ length: k }, (_, c) => {
    const idx = entries.map((_, i) => i).filter((i) => assignment[i] === c);
    const central = [...idx].sort((a, b) => distance(a, c) - distance(b, c)).slice(0, 5).map((i) => movies.get(entries[i]!.key)!);
    return { id: c, members: idx.map((i) => movies.get(entries[i]!.key)!), colours: idx.map(colourOf).filter(present), central: central.map((m) => ({ id: m.id, title: m.title })) };
  });
  return labelClusters(clusters, all);
}

async function placeNew(library: StoreParts, channel: string, entries: { key: number; vector: Float32Array }[], existing: AtlasPoint[], meta: AtlasMeta, model: ModelRef): Promise<AtlasMeta> {
  const started = performance.now();
  const placed = new Map(existing.map((p) => [p.key, p]));
  const fresh = entries.filter((e) => !placed.has(e.key));
  const cosine = (model.metric ?? 'cosine') === 'cosine';
  // Neighbours as the layout saw them: cosine of unit vectors, else Euclidean on the raw ones.
  const index = new ExactIndex(entries[0]!.vector.length, existing.length, undefined, cosine ? 'cosine' : 'l2');
  await index.upsert(entries.filter((e) => placed.has(e.key)));
  let { cols, rows } = meta.grid;
  const total = existing.length + fresh.length;
  while (cols * rows < total) rows++;
  const layout: GridLayout = { cols, rows, cell: new Int32Array(0) };
  const used = new Set(existing.map((p) => p.cell));
  const added: AtlasPoint[] = [];
  for (const e of fresh) {
    const hits = await index.search(e.vector, 5);
    // Cosine neighbours weigh by similarity (0.05 wide); Euclidean ones by distance relative to the nearest.
    const w = hits.map((h) => (cosine ? Math.exp((h.score - hits[0]!.score) / 0.05) : Math.exp((h.score - hits[0]!.score) / Math.max(1e-9, 0.1 * Math.abs(hits[0]!.score)))));
    const sw = w.reduce((a, b) => a + b, 0);
    const mean = (f: (p: AtlasPoint) => [number, number]): [number, number] => [
      hits.reduce((s, h, i) => s + w[i]! * f(placed.get(h.key)!)[0], 0) / sw,
      hits.reduce((s, h, i) => s + w[i]! * f(placed.get(h.key)!)[1], 0) / sw,
    ];
    const umap = mean((p) => p.umap);
    const votes = new Map<number, number>();
    hits.forEach((h, i) => votes.set(placed.get(h.key)!.cluster, (votes.get(placed.get(h.key)!.cluster) ?? 0) + w[i]!));
    const clusterId = [...votes].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
    let bestCell = -1;
    let bestD = Infinity;
    for (let c = 0; c < cols * rows; c++) {
      if (used.has(c)) continue;
      const [x, y] = cellPosition(layout, c);
      const dd = (x - umap[0]) ** 2 + (y - umap[1]) ** 2;
      if (dd < bestD) (bestD = dd), (bestCell = c);
    }
    used.add(bestCell);
    added.push({ key: e.key, pca: mean((p) => p.pca), umap, tsne: mean((p) => p.tsne), cell: bestCell, cluster: clusterId, placed: 'incremental' });
  }
  await library.atlas.savePoints(channel, added, false);
  return { ...meta, points: total, grid: { cols, rows }, incremental: meta.incremental + added.length, seconds: { place: r4((performance.now() - started) / 1000) } };
}
