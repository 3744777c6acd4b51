/**
 * The stills map's points and colourings: pure functions of GET /api/stills/atlas (no WebGL).
 * The server sends the stills in columns (one array per field); the points are built once here.
 */
import type { StillsAtlas } from '../api.js';
import { MAP_COLOURS, type MapPoint } from './layout.js';

export type StillsColour = 'none' | 'film' | 'hue' | 'cluster';
export const STILLS_COLOURS: readonly StillsColour[] = ['none', 'film', 'hue', 'cluster'];
/** Films coloured one by one in the legend; the others share one colour. */
const FILMS_IN_LEGEND = 17;

/** A still on the map: which film (index into the films), its number and hue. */
export interface StillPoint extends MapPoint {
  film: number;
  seq: number;
  hue: number;
}

export function pointsOf(data: StillsAtlas): StillPoint[] {
  const s = data.stills;
  return s.seq.map((seq, i) => ({
    id: `${data.films[s.film[i]!]!.id}/${seq}`,
    film: s.film[i]!,
    seq,
    hue: s.hue[i]!,
    sheet: s.sheet[i]!,
    slot: s.slot[i]!,
    cell: s.cell[i]!,
    cluster: s.cluster[i]!,
    pca: [s.x[i]!, s.y[i]!],
  }));
}

/** An sRGB colour of a hue (degrees) at the saturation and lightness the tints use. */
export function hueColour(hue: number): number {
  const saturation = 0.7;
  const lightness = 0.6;
  const a = saturation * Math.min(lightness, 1 - lightness);
  const f = (n: number) => {
    const k = (n + hue / 30) % 12;
    return Math.round(255 * (lightness - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return (f(0) << 16) | (f(8) << 8) | f(4);
}

interface Legend {
  tints: Uint32Array;
  entries: { label: string; colour: number; count: number }[];
}

/** Each still's tint and the legend under a colouring. */
export function stillsColouring(points: readonly StillPoint[], data: StillsAtlas, by: StillsColour): Legend {
  const tints = new Uint32Array(points.length).fill(0xffffff);
  if (by === 'none') return { tints, entries: [] };
  if (by === 'hue') {
    const bands = Array.from({ length: 12 }, (_, b) => ({ label: `${b * 30}°–${b * 30 + 30}°`, colour: hueColour(b * 30 + 15), count: 0 }));
    const grey = { label: 'no hue (grey, dark)', colour: 0x555555, count: 0 };
    points.forEach((p, i) => {
      if (p.hue < 0) return void ((tints[i] = grey.colour), grey.count++);
      tints[i] = hueColour(p.hue);
      bands[Math.floor(p.hue / 30) % 12]!.count++;
    });
    return { tints, entries: [...bands.filter((b) => b.count > 0), grey].filter((b) => b.count > 0) };
  }
  const key = (p: StillPoint) => (by === 'film' ? p.film : p.cluster);
  const counts = new Map<number, number>();
  for (const p of points) counts.set(key(p), (counts.get(key(p)) ?? 0) + 1);
  const order = [...counts.keys()].sort((a, b) => (by === 'film' ? counts.get(b)! - counts.get(a)! || a - b : a - b));
  const shown = by === 'film' ? order.slice(0, FILMS_IN_LEGEND) : order;
  const colourOf = new Map(shown.map((k, i) => [k, MAP_COLOURS[i % MAP_COLOURS.length]!]));
  const other = 0x777777;
  points.forEach((p, i) => (tints[i] = colourOf.get(key(p)) ?? other));
  const label = (k: number) => (by === 'film' ? `${data.films[k]!.title}${data.films[k]!.year ? ` (${data.films[k]!.year})` : ''}` : (data.meta.clusters.find((c) => c.id === k)?.label ?? `cluster ${k}`));
  const entries = shown.map((k) => ({ label: label(k), colour: colourOf.get(k)!, count: counts.get(k)! }));
  const rest = order.slice(shown.length);
  if (rest.length) entries.push({ label: `${rest.length} other films`, colour: other, count: rest.reduce((n, k) => n + counts.get(k)!, 0) });
  return { tints, entries };
}

