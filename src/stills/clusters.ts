/**
 * Kinds of shot across movies: k-means on the stills' content embeddings (PCA-reduced; k by
 * best silhouette over 5–12 unless given), each cluster labelled from its members' faces when
 * they were scanned (close-ups, people, no people), colour statistics (dark/night, bright,
 * muted/vivid, warm/cool), palette names and the films it draws
 * from, with its most central stills; every still also gets a cell on a grid laid out from the
 * PCA plane (the atlas's balanced bisection grid), so stills can be shown as a tidy sheet.
 */
import { cluster } from '../atlas/clusters.js';
import { assignGrid } from '../atlas/grid.js';
import { pca, pca2d } from '../atlas/projections.js';
import { poolLookStats, summariseLook } from '../image/look-stats.js';
import { poolPalettes } from './movie-look.js';
import { centre } from '../util/vectors.js';
import { CLOSE_UP_AREA } from './still-faces.js';
import type { StillSummary, StoredStill } from '../store/types.js';

export interface StillRef {
  movie: string;
  seq: number;
}

export interface StillCluster {
  id: number;
  size: number;
  label: string;
  lightness: number;
  saturation: number;
  warmCoolBalance: number;
  palette: { hex: string; name: string; share: number }[];
  movies: { id: string; share: number }[];
  central: StillRef[];
}

export interface StillsClustering {
  k: number;
  silhouette: number;
  grid: { cols: number; rows: number };
  clusters: StillCluster[];
  stills: (StillRef & { cluster: number; cell: [number, number] })[];
}

function describe(l: number, s: number, balance: number, lowKey: number): string {
  const words: string[] = [];
  if (l < 0.22 && lowKey > 0.6) words.push('night/dark');
  else if (l < 0.33) words.push('dim');
  else if (l > 0.6) words.push('bright');
  if (s < 0.15) words.push('muted');
  else if (s > 0.45) words.push('vivid');
  if (balance > 0.5) words.push('warm');
  else if (balance < -0.3) words.push('cool');
  return words.join(', ') || 'mid-tone';
}

/** With faces scanned: "close-ups" when most members show a large face, "people" when most show a face, "no people" when almost none do. */
function facesWord(members: StillSummary[], faces: Map<number, { count: number; largestArea: number }> | undefined): string | undefined {
  const scanned = members.map((m) => faces?.get(m.key)).filter((f): f is { count: number; largestArea: number } => !!f);
  if (scanned.length < members.length / 2) return undefined;
  const share = (pred: (f: { count: number; largestArea: number }) => boolean) => scanned.filter(pred).length / scanned.length;
  if (share((f) => f.largestArea >= CLOSE_UP_AREA) >= 0.5) return 'close-ups';
  if (share((f) => f.count > 0) >= 0.5) return 'people';
  if (share((f) => f.count > 0) < 0.1) return 'no people';
  return undefined;
}

export async function clusterStills(
  stills: StoredStill[],
  movieIds: Map<number, string>,
  opts: { k?: number; seed?: number; faces?: Map<number, { count: number; largestArea: number }> } = {},
): Promise<StillsClustering> {
  const seed = opts.seed ?? 42;
  const n = stills.length;
  const reduced = await pca(centre(stills.map((s) => s.content)), 50);
  const d = reduced[0]!.length;
  const x = new Float32Array(n * d);
  reduced.forEach((r, i) => x.set(r, i * d));
  const c = cluster(x, n, d, seed, opts.k, [5, 12]);
  const layout = assignGrid(pca2d(reduced));
  const dist = (i: number, id: number) => {
    let sum = 0;
    for (let t = 0; t < d; t++) sum += (x[i * d + t]! - c.centroids[id * d + t]!) ** 2;
    return sum;
  };
  const clusters = describeStillClusters(stills, movieIds, c.assignment, c.k, dist, opts.faces);
  return {
    k: c.k,
    silhouette: Math.round(c.silhouette * 1000) / 1000,
    grid: { cols: layout.cols, rows: layout.rows },
    clusters,
    stills: stills.map((s, i) => ({ movie: movieIds.get(s.movieKey)!, seq: s.seq, cluster: c.assignment[i]!, cell: [layout.cell[i]! % layout.cols, Math.floor(layout.cell[i]! / layout.cols)] as [number, number] })),
  };
}

/**
 * Each cluster's label and summary from its members' looks (and faces when scanned), with its 5
 * stills nearest the centre by `distance(still index, cluster)`; largest cluster first. Reads
 * only what a still summary holds, so a map of every still labels its clusters without vectors.
 */
export function describeStillClusters(
  stills: StillSummary[],
  movieIds: Map<number, string>,
  assignment: Int32Array,
  k: number,
  distance: (i: number, cluster: number) => number,
  faces?: Map<number, { count: number; largestArea: number }>,
): StillCluster[] {
  const r3 = (v: number) => Math.round(v * 1000) / 1000;
  const byCluster = Array.from({ length: k }, () => [] as number[]);
  assignment.forEach((c, i) => byCluster[c]?.push(i));
  const clusters: StillCluster[] = [];
  byCluster.forEach((idx, id) => {
    if (idx.length === 0) return;
    const members = idx.map((i) => stills[i]!);
    const stats = poolLookStats(members.map((s) => s.look.stats));
    const hsl = summariseLook(stats);
    const counts = new Map<string, number>();
    for (const s of members) counts.set(movieIds.get(s.movieKey)!, (counts.get(movieIds.get(s.movieKey)!) ?? 0) + 1);
    const central = idx
      .map((i) => ({ i, d: distance(i, id) }))
      .sort((a, b) => a.d - b.d)
      .slice(0, 5)
      .map(({ i }) => ({ movie: movieIds.get(stills[i]!.movieKey)!, seq: stills[i]!.seq }));
    const palette = poolPalettes(members.map((s) => s.look.palette), 4).map((p) => ({ hex: p.hex, name: p.name, share: p.share }));
    const movies = [...counts].map(([mid, n]) => ({ id: mid, share: r3(n / members.length) })).sort((a, b) => b.share - a.share);
    const people = facesWord(members, faces);
    const tone = [people, describe(hsl.lightness.mean, hsl.saturation.mean, hsl.warmCoolBalance, hsl.lowKeyShare)].filter(Boolean).join(', ');
    const colours = palette.slice(0, 2).map((p) => p.name).join(' and ');
    const source = movies[0]!.share >= 0.6 ? `mostly ${movies[0]!.id}` : `${movies.length} films`;
    clusters.push({
      id,
      size: members.length,
      label: `${tone}; ${colours}; ${source}`,
      lightness: hsl.lightness.mean,
      saturation: hsl.saturation.mean,
      warmCoolBalance: hsl.warmCoolBalance,
      palette,
      movies,
      central,
    });
  });
  return clusters.sort((a, b) => b.size - a.size);
}
