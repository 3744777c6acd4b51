/**
 * Movie-to-movie similarity of looks, from their stills. Content embeddings are centred on the
 * library's mean still and projected on the stills' principal axes first (the which-movie rows,
 * StillsMatcher.contentByMovie: inner products of those approximate the centred cosines at a
 * fraction of the memory). Parts (higher = closer; cosines lie in [−1, 1]):
 * - `chamfer`: for each still of A the cosine of its best match among B's stills, averaged, and
 *   the same from B to A; the mean of both directions (symmetric);
 * - `mean`: cosine of the two movies' mean content embeddings;
 * - `sequence`: the two films cut into SEGMENTS equal parts in film order, cosine of the mean
 *   embeddings of corresponding parts, averaged (same look at the same point of the story);
 * - `palette`: exp(−EMD/20) of the movies' palettes (EMD in ΔE units);
 * - `hsl`: 1 − the mean of the L1 distance of the hue distributions (/2) and the absolute
 *   differences of saturation mean, lightness mean and the warm/cool balance (/2).
 * - `rhythm` (only when both movies have a film analysed from its video): half exp(−|ln of the
 *   ratio of their average shot lengths|), half 1 − the L1 distance of their shot-length
 *   distributions (/2): films cut alike.
 * score = Σ LOOK_WEIGHTS[part] · part; with a rhythm part, (1 − RHYTHM_WEIGHT) of that plus
 * RHYTHM_WEIGHT · rhythm. Deterministic and symmetric by construction.
 */
import { paletteDistance } from '../design/palette-distance.js';
import { matmul } from '../search/matmul.js';
import { dot, l2normalize, meanVector } from '../util/vectors.js';
import type { Store } from '../store/store.js';
import type { MovieLook } from './movie-look.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'films' | 'movies' | 'stills'>;

export const LOOK_WEIGHTS = { chamfer: 0.35, mean: 0.2, sequence: 0.15, palette: 0.15, hsl: 0.15 } as const;
export const RHYTHM_WEIGHT = 0.15;
export type LookPart = keyof typeof LOOK_WEIGHTS;
export type LookParts = Record<LookPart, number> & { rhythm?: number };

/** What of a film's cutting the looks compare (films/film-analysis.ts). */
export interface FilmCutting {
  asl: number;
  shotLengths: { count: number }[];
}
export const SEGMENTS = 5;

export interface MovieStills {
  key: number;
  id: string;
  title: string;
  /** The stills' content rows in film order (StillsMatcher.contentByMovie). */
  vectors: Float32Array[];
  mean: Float32Array;
  segments: Float32Array[];
  look: MovieLook;
  /** Present when the movie's video was analysed. */
  film?: FilmCutting;
}

/** Normalised mean of unit vectors (centred vectors can cancel out: then the zero vector). */
function normalisedMean(vs: Float32Array[]): Float32Array {
  return l2normalize(Float32Array.from(meanVector(vs)));
}

/** The movies with stills and a look, from their stills' content rows by movie (in film order). */
export async function loadMovieStills(library: StoreParts, content: Map<number, { seq: number; vector: Float32Array }[]>): Promise<MovieStills[]> {
  const parts = new Map<number, { vectors: Float32Array[]; mean: Float32Array; segments: Float32Array[] }>();
  for (const [key, entries] of content) {
    const vectors = entries.map((e) => e.vector);
    const segments = Array.from({ length: SEGMENTS }, (_, i) => {
      const part = vectors.slice(Math.floor((i * vectors.length) / SEGMENTS), Math.max(Math.floor(((i + 1) * vectors.length) / SEGMENTS), Math.floor((i * vectors.length) / SEGMENTS) + 1));
      return normalisedMean(part);
    });
    parts.set(key, { vectors, mean: normalisedMean(vectors), segments });
  }
  return withLooks(library, parts);
}

/**
 * The movies with stills and a look from their per-film parts alone (the mean and the SEGMENTS
 * means of their content rows, not normalised, as the engine aggregates them: stored-match.ts):
 * no still's row, so their chamfers come from where the rows are.
 */
export async function movieStillsFromParts(library: StoreParts, parts: Map<number, { mean: Float32Array; segments: Float32Array[] }>): Promise<MovieStills[]> {
  const normalised = new Map([...parts].map(([key, p]) => [key, { vectors: [] as Float32Array[], mean: l2normalize(Float32Array.from(p.mean)), segments: p.segments.map((v) => l2normalize(Float32Array.from(v))) }]));
  return withLooks(library, normalised);
}

async function withLooks(library: StoreParts, parts: Map<number, { vectors: Float32Array[]; mean: Float32Array; segments: Float32Array[] }>): Promise<MovieStills[]> {
  const movies = await library.movies.byKeys([...parts.keys()]);
  const out: MovieStills[] = [];
  for (const [key, p] of parts) {
    const movie = movies.get(key);
    const look = await library.stills.getLook<MovieLook>(key);
    // An interrupted index run (the look comes with the next run), or a film deleted since the rows were read.
    if (!look || !movie) continue;
    const film = (await library.films.get<FilmCutting>(key))?.analysis;
    out.push({ key, id: movie.id, title: movie.title, ...p, look, ...(film ? { film: { asl: film.asl, shotLengths: film.shotLengths } } : {}) });
  }
  return out.sort((a, b) => a.key - b.key);
}

/**
 * Both directions of the chamfer from one pass over every pair (`sim(i, j)`: A's still i with
 * B's still j): the mean best match of A's stills among B's, and of B's among A's.
 */
function chamferOver(rowsA: number, rowsB: number, sim: (i: number, j: number) => number): number {
  const bestOfB = new Float64Array(rowsB).fill(-Infinity);
  let totalA = 0;
  for (let i = 0; i < rowsA; i++) {
    let best = -Infinity;
    for (let j = 0; j < rowsB; j++) {
      const s = sim(i, j);
      if (s > best) best = s;
      if (s > bestOfB[j]!) bestOfB[j] = s;
    }
    totalA += best;
  }
  return (totalA / rowsA + bestOfB.reduce((s, x) => s + x, 0) / rowsB) / 2;
}

const chamfer = (a: Float32Array[], b: Float32Array[]): number => chamferOver(a.length, b.length, (i, j) => dot(a[i]!, b[j]!));

/** Above this many still pairs the chamfers are read off one matrix product (onnxruntime): about 10× faster than the loops past a few hundred films. */
const MATMUL_PAIRS = 200_000;

/** The chamfer of `a` with each of `others`. */
export async function chamfers(a: Float32Array[], others: Float32Array[][]): Promise<number[]> {
  const total = others.reduce((s, b) => s + b.length, 0);
  const d = a[0]?.length ?? 0;
  if (a.length * total < MATMUL_PAIRS || d === 0) return others.map((b) => chamfer(a, b));
  const left = new Float32Array(a.length * d);
  a.forEach((v, i) => left.set(v, i * d));
  const right = new Float32Array(total * d);
  let row = 0;
  for (const b of others) for (const v of b) right.set(v, row++ * d);
  const sims = await matmul(left, right, a.length, d, total, { transB: true });
  let offset = 0;
  return others.map((b) => {
    const o = offset;
    offset += b.length;
    return chamferOver(a.length, b.length, (i, j) => sims[i * total + o + j]!);
  });
}

/** Mean cosine of the two films' corresponding parts (both cut into SEGMENTS in film order). */
const sequenceSimilarity = (a: MovieStills, b: MovieStills): number => a.segments.reduce((s, seg, i) => s + dot(seg, b.segments[i]!), 0) / SEGMENTS;

function hslSimilarity(a: MovieLook, b: MovieLook): number {
  const hueL1 = a.hsl.hueDistribution.reduce((s, h, i) => s + Math.abs(h.share - b.hsl.hueDistribution[i]!.share), 0) / 2;
  const d = [hueL1, Math.abs(a.hsl.saturation.mean - b.hsl.saturation.mean), Math.abs(a.hsl.lightness.mean - b.hsl.lightness.mean), Math.abs(a.hsl.warmCoolBalance - b.hsl.warmCoolBalance) / 2];
  return 1 - d.reduce((x, y) => x + y, 0) / d.length;
}

export function rhythmSimilarity(a: FilmCutting, b: FilmCutting): number {
  const ratio = Math.exp(-Math.abs(Math.log(Math.max(a.asl, 1e-3) / Math.max(b.asl, 1e-3))));
  const share = (f: FilmCutting) => {
    const n = f.shotLengths.reduce((s, x) => s + x.count, 0) || 1;
    return f.shotLengths.map((x) => x.count / n);
  };
  const [ha, hb] = [share(a), share(b)];
  const l1 = ha.reduce((s, x, i) => s + Math.abs(x - (hb[i] ?? 0)), 0) / 2;
  return 0.5 * ratio + 0.5 * (1 - l1);
}

/** The parts of two films' looks (`chamferOf`: their chamfer when already computed). */
export function lookParts(a: MovieStills, b: MovieStills, chamferOf = chamfer(a.vectors, b.vectors)): LookParts {
  const r = (x: number) => Math.round(x * 1e6) / 1e6;
  return {
    ...(a.film && b.film ? { rhythm: r(rhythmSimilarity(a.film, b.film)) } : {}),
    chamfer: r(chamferOf),
    mean: r(dot(a.mean, b.mean)),
    sequence: r(sequenceSimilarity(a, b)),
    palette: r(Math.exp(-paletteDistance(a.look.palette, b.look.palette) / 20)),
    hsl: r(hslSimilarity(a.look, b.look)),
  };
}

export function lookScore(parts: LookParts): number {
  let s = 0;
  for (const [p, w] of Object.entries(LOOK_WEIGHTS)) s += w * parts[p as LookPart];
  if (parts.rhythm !== undefined) s = (1 - RHYTHM_WEIGHT) * s + RHYTHM_WEIGHT * parts.rhythm;
  return Math.round(s * 1e6) / 1e6;
}

export interface LookMatch {
  id: string;
  title: string;
  score: number;
  parts: LookParts;
}

/**
 * Films whose look is compared in full (chamfer over every pair of stills, the costly part) when
 * a library has more: the others are ranked first by the parts that cost one comparison per film,
 * with the mean's cosine standing in for the chamfer it follows, and the best LOOK_CANDIDATES of
 * those compared in full. The demo's 9 films are all compared in full; agreement with the full
 * ranking is measured by `npm run bench -- stills-scale` (docs/stills.md).
 */
export const LOOK_CANDIDATES = 200;

/** A palette's share-weighted mean colour (Lab). */
function meanLab(palette: MovieLook['palette']): [number, number, number] {
  const total = palette.reduce((s, c) => s + c.share, 0) || 1;
  return [0, 1, 2].map((i) => palette.reduce((s, c) => s + c.lab[i]! * c.share, 0) / total) as [number, number, number];
}

/**
 * The parts that cost one comparison per film, with stand-ins for the costly ones: the mean's
 * cosine for the chamfer, the distance of the palettes' mean colours for their EMD (the EMD's
 * Sinkhorn iterations took most of the time over 2,147 films).
 */
function quickScore(a: MovieStills, b: MovieStills): number {
  const mean = dot(a.mean, b.mean);
  const [la, lb] = [meanLab(a.look.palette), meanLab(b.look.palette)];
  return lookScore({
    chamfer: mean,
    mean,
    sequence: sequenceSimilarity(a, b),
    palette: Math.exp(-Math.hypot(la[0] - lb[0], la[1] - lb[1], la[2] - lb[2]) / 20),
    hsl: hslSimilarity(a.look, b.look),
    ...(a.film && b.film ? { rhythm: rhythmSimilarity(a.film, b.film) } : {}),
  });
}

/** The chamfers of a film's stills with each of other films' (in process from their rows, or in the engine from the stored ones). */
export type ChamferSource = (target: MovieStills, others: MovieStills[]) => Promise<number[]>;

const chamfersOfRows: ChamferSource = (target, others) => chamfers(target.vectors, others.map((m) => m.vectors));

/** Movies ranked by similarity of look to `id`, best first (the movie itself excluded). */
export async function similarLooks(movies: MovieStills[], id: string, k = 20, candidates = LOOK_CANDIDATES, chamfersOf: ChamferSource = chamfersOfRows): Promise<LookMatch[]> {
  const target = movies.find((m) => m.id === id);
  if (!target) throw new Error(`movie "${id}" has no indexed stills: run "marquee index --stills <folder>"`);
  let others = movies.filter((m) => m !== target);
  if (others.length > candidates)
    others = others
      .map((m) => ({ m, q: quickScore(target, m) }))
      .sort((x, y) => y.q - x.q || x.m.id.localeCompare(y.m.id))
      .slice(0, candidates)
      .map((x) => x.m);
  const chamferOf = await chamfersOf(target, others);
  return others
    .map((m, i) => {
      const parts = lookParts(target, m, chamferOf[i]);
      return { id: m.id, title: m.title, score: lookScore(parts), parts };
    })
    .sort((x, y) => y.score - x.score || x.id.localeCompare(y.id))
    .slice(0, k);
}
