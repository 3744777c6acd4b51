/** Where each point (a poster, a still) sits on a map for a view (world units), and what it is coloured by: pure functions of the map data. */
import { cellPosition, cellSize } from '../../../src/atlas/grid.js';
import type { Atlas, AtlasPoint } from '../api.js';

/** What a map draws of a point: its id, sprite, grid cell, cluster and 2-d places (a stills map has PCA only). */
export interface MapPoint {
  id: string;
  sheet: number;
  slot: number;
  cell: number;
  cluster: number;
  pca: [number, number];
  umap?: [number, number];
  tsne?: [number, number];
}

/** What a map knows of the whole: tile geometry, grid, clusters, and how many points it has (a view may draw a subset or copies). */
export interface MapData {
  meta: { tile: { width: number; height: number; perRow: number }; grid: { cols: number; rows: number; aspect?: number }; k: number; clusters: { size: number }[] };
  points: { length: number };
}

export type View = 'umap' | 'pca' | 'tsne' | 'grid' | 'clusters';
export type ColourBy = 'none' | 'genre' | 'decade' | 'cluster';

export const VIEWS: readonly View[] = ['umap', 'pca', 'tsne', 'grid', 'clusters'];
export const COLOUR_BYS: readonly ColourBy[] = ['none', 'genre', 'decade', 'cluster'];

/** The side of the square world the layouts are drawn in. */
export const WORLD = 4000;

/** Categorical colours of map legends, in order. */
export const MAP_COLOURS = [0xe6194b, 0x3cb44b, 0xffe119, 0x4363d8, 0xf58231, 0x911eb4, 0x46f0f0, 0xf032e6, 0xbcf60c, 0xfabebe, 0x008080, 0xe6beff, 0x9a6324, 0xfffac8, 0x800000, 0xaaffc3, 0x808000, 0xffd8b1];

/** x, y of every point in `view`, interleaved, in world units (a point without that 2-d layout takes its PCA place). */
export function layout(points: readonly MapPoint[], data: MapData, view: View): Float32Array {
  const out = new Float32Array(points.length * 2);
  const k = data.meta.k;
  // Cluster view: each cluster in its own compact grid, clusters around a circle.
  const members = new Map<number, number>();
  points.forEach((p, i) => {
    let x: number, y: number;
    if (view === 'grid') [x, y] = cellPosition(data.meta.grid, p.cell);
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
    } else [x, y] = p[view] ?? p.pca;
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
  const colourOf = new Map(order.map((c, i) => [c, MAP_COLOURS[i % MAP_COLOURS.length]!]));
  points.forEach((p, i) => (tints[i] = colourOf.get(cat(p))!));
  const legend = order.map((c) => ({ label: by === 'cluster' ? (clusterName(data.meta.clusters[Number(c)]) ?? c) : c, colour: colourOf.get(c)!, count: counts.get(c)! }));
  return { tints, legend };
}

/** A grid cell's width and height in world units, smaller by the square root of how many times the points were copied (a scale test). */
export function cellWorld(data: MapData, drawn: number): { w: number; h: number } {
  const { w, h } = cellSize(data.meta.grid.cols, data.meta.grid.rows, data.meta.grid.aspect);
  const copies = Math.sqrt(Math.max(1, drawn / data.points.length));
  return { w: (w * WORLD) / copies, h: (h * WORLD) / copies };
}
