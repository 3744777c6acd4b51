/** Where each poster sits in the atlas for a view (world units), and what it is coloured by: pure functions of the atlas data. */
import type { Atlas, AtlasPoint } from '../api.js';

export type View = 'umap' | 'pca' | 'tsne' | 'grid' | 'clusters';
export type ColourBy = 'none' | 'genre' | 'decade' | 'cluster';

export const VIEWS: readonly View[] = ['umap', 'pca', 'tsne', 'grid', 'clusters'];
export const COLOUR_BYS: readonly ColourBy[] = ['none', 'genre', 'decade', 'cluster'];

/** The side of the square world the layouts are drawn in. */
export const WORLD = 4000;

const COLOURS = [0xe6194b, 0x3cb44b, 0xffe119, 0x4363d8, 0xf58231, 0x911eb4, 0x46f0f0, 0xf032e6, 0xbcf60c, 0xfabebe, 0x008080, 0xe6beff, 0x9a6324, 0xfffac8, 0x800000, 0xaaffc3, 0x808000, 0xffd8b1];

/** x, y of every point in `view`, interleaved, in world units. */
export function layout(points: AtlasPoint[], data: Atlas, view: View): Float32Array {
  const out = new Float32Array(points.length * 2);
  const { cols, rows } = data.meta.grid;
  const s = Math.max(cols, rows);
  const k = data.meta.k;
  // Cluster view: each cluster in its own compact grid, clusters around a circle.
  const members = new Map<number, number>();
  points.forEach((p, i) => {
    let x: number, y: number;
    if (view === 'grid') [x, y] = [((p.cell % cols) + 0.5) / s, (Math.floor(p.cell / cols) + 0.5) / s];
    else if (view === 'clusters') {
      const idx = members.get(p.cluster) ?? 0;
      members.set(p.cluster, idx + 1);
      const size = data.meta.clusters[p.cluster]?.size ?? 1;
      const side = Math.ceil(Math.sqrt(size * (points.length / data.points.length)));
      const angle = (2 * Math.PI * p.cluster) / k;
      const cx = 0.5 + 0.33 * Math.cos(angle);
      const cy = 0.5 + 0.33 * Math.sin(angle);
      const cell = 0.5 / Math.max(12, Math.sqrt(points.length) * 1.2);
      x = cx + ((idx % side) - side / 2) * cell;
      y = cy + (Math.floor(idx / side) - side / 2) * cell;
    } else [x, y] = p[view];
    out[i * 2] = x * WORLD;
    out[i * 2 + 1] = y * WORLD;
  });
  return out;
}

/** A cluster's legend name: its label, and what a dual encoder says its posters show. */
export function clusterName(c: Atlas['meta']['clusters'][number] | undefined): string | undefined {
  if (!c) return undefined;
  return c.shows ? `${c.label} · ${c.shows.prompt.replace(/^a poster (with |of )?/, '')}` : c.label;
}

export interface LegendEntry {
  label: string;
  colour: number;
  count: number;
}

/**
 * Each point's tint under a colouring, and the legend: decades in time, clusters by number,
 * genres by size; "unknown"/"none" last. Colours follow that order.
 */
export function colouring(points: AtlasPoint[], data: Atlas, by: ColourBy): { tints: Uint32Array; legend: LegendEntry[] } {
  const tints = new Uint32Array(points.length).fill(0xffffff);
  if (by === 'none') return { tints, legend: [] };
  const cat = (p: AtlasPoint) => (by === 'genre' ? (p.genres[0] ?? 'none') : by === 'decade' ? (p.year ? `${Math.floor(p.year / 10) * 10}s` : 'unknown') : String(p.cluster));
  const counts = new Map<string, number>();
  for (const p of points) counts.set(cat(p), (counts.get(cat(p)) ?? 0) + 1);
  const last = (c: string) => (c === 'unknown' || c === 'none' ? 1 : 0);
  const order = [...counts.keys()].sort((a, b) => last(a) - last(b) || (by === 'genre' ? counts.get(b)! - counts.get(a)! || a.localeCompare(b) : by === 'cluster' ? Number(a) - Number(b) : a.localeCompare(b)));
  const colourOf = new Map(order.map((c, i) => [c, COLOURS[i % COLOURS.length]!]));
  points.forEach((p, i) => (tints[i] = colourOf.get(cat(p))!));
  const legend = order.map((c) => ({ label: by === 'cluster' ? (clusterName(data.meta.clusters[Number(c)]) ?? c) : c, colour: colourOf.get(c)!, count: counts.get(c)! }));
  return { tints, legend };
}
