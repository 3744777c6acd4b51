/** A movie's look from its stills: palette over all stills, pooled HSL statistics, colour barcode. */
import sharp from 'sharp';
import { colorName } from '../design/color-names.js';
import { labToRgb, rgbToHex, type Lab } from '../design/color-space.js';
import { kmeans3 } from '../design/kmeans-lab.js';
import { PALETTE_SIZE, type PaletteColor } from '../design/palette.js';
import { contentHash } from '../image/hash.js';
import { LOOK_STATS_VERSION, poolLookStats, summariseLook, type HslSummary, type LookStats } from '../image/look-stats.js';
import type { StoredStill } from '../store/types.js';

export const MOVIE_LOOK_VERSION = `look/1+${LOOK_STATS_VERSION}`;
export const BARCODE_HEIGHT = 48;
/** Points per still palette colour at share 1 when pooling palettes. */
const POOL_RESOLUTION = 100;

export interface NamedColor extends PaletteColor {
  name: string;
}

export interface MovieLook {
  stills: number;
  palette: NamedColor[];
  hsl: HslSummary;
  stats: LookStats;
  /** One colour per still, in film order: the barcode's columns. */
  barcode: string[];
}

/** The hash a stored look is tagged with: changes when any still or the look code changes. */
export function stillsHash(stills: StoredStill[]): string {
  return contentHash(`${MOVIE_LOOK_VERSION}|${stills.map((s) => `${s.seq}:${s.contentHash}`).join(',')}`);
}

/** Palette of many stills: k-means in Lab over their palettes, each colour weighted by its share. */
export function poolPalettes(palettes: PaletteColor[][], k = PALETTE_SIZE): NamedColor[] {
  const points: number[] = [];
  for (const p of palettes) for (const c of p) for (let i = 0; i < Math.max(1, Math.round(c.share * POOL_RESOLUTION)); i++) points.push(...c.lab);
  if (points.length === 0) return [];
  const { centroids, counts } = kmeans3(Float32Array.from(points), Math.min(k, points.length / 3), 7);
  const total = counts.reduce((a, b) => a + b, 0);
  const out: NamedColor[] = [];
  for (let c = 0; c < counts.length; c++) {
    if (counts[c]! === 0) continue;
    const lab: Lab = [centroids[c * 3]!, centroids[c * 3 + 1]!, centroids[c * 3 + 2]!];
    out.push({ hex: rgbToHex(labToRgb(lab)), lab: lab.map((v) => Math.round(v * 100) / 100) as Lab, share: Math.round((counts[c]! / total) * 1e4) / 1e4, name: colorName(lab) });
  }
  return out.sort((a, b) => b.share - a.share);
}

export function movieLook(stills: StoredStill[]): MovieLook {
  const stats = poolLookStats(stills.map((s) => s.look.stats));
  return {
    stills: stills.length,
    palette: poolPalettes(stills.map((s) => s.look.palette)),
    hsl: summariseLook(stats),
    stats,
    barcode: stills.map((s) => rgbToHex(s.look.stats.meanRgb)),
  };
}

/** PNG, one column per still in film order (its average colour), BARCODE_HEIGHT high. */
export async function barcodePng(stills: StoredStill[]): Promise<Buffer> {
  const w = Math.max(1, stills.length);
  const px = Buffer.alloc(w * BARCODE_HEIGHT * 3);
  for (let x = 0; x < stills.length; x++) {
    const [r, g, b] = stills[x]!.look.stats.meanRgb;
    for (let y = 0; y < BARCODE_HEIGHT; y++) px.set([r, g, b], (y * w + x) * 3);
  }
  return sharp(px, { raw: { width: w, height: BARCODE_HEIGHT, channels: 3 } }).png().toBuffer();
}
