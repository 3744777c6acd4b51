/**
 * Colour statistics of one still in HSL, made to be pooled: every field is a per-pixel mean
 * (including the second moments), so the mean over a movie's stills is exactly the statistic of
 * all their pixels together (each still counts the same, whatever its size).
 */
import type { RgbImage } from './decode.js';

export const HUE_BINS = 12; // 30° each, bin 0 centred on red
/** Pixels below this saturation, or nearly black/white, have no meaningful hue. */
export const CHROMA_MIN_S = 0.15;
export const LOW_KEY_L = 0.25;
export const HIGH_KEY_L = 0.75;
export const LOOK_STATS_VERSION = 'hsl-12/1';

export interface LookStats {
  /** Share of all pixels that are chromatic and fall in each 30° hue bin (sums to the chromatic share). */
  hue: number[];
  sMean: number;
  s2Mean: number;
  lMean: number;
  l2Mean: number;
  /** Share of pixels with warm hues (reds, oranges, yellows: 330°–90°) / cool hues (greens to blues: 150°–270°). */
  warm: number;
  cool: number;
  /** Share of dark (L < 0.25) and bright (L > 0.75) pixels. */
  lowKey: number;
  highKey: number;
  /** Average colour, sRGB 0–255 (the barcode column). */
  meanRgb: [number, number, number];
}

export function rgbToHsl(r: number, g: number, b: number): [number, number, number] {
  const rn = r / 255, gn = g / 255, bn = b / 255;
  const max = Math.max(rn, gn, bn), min = Math.min(rn, gn, bn);
  const l = (max + min) / 2;
  const d = max - min;
  if (d === 0) return [0, 0, l];
  const s = d / (1 - Math.abs(2 * l - 1));
  let h: number;
  if (max === rn) h = ((gn - bn) / d) % 6;
  else if (max === gn) h = (bn - rn) / d + 2;
  else h = (rn - gn) / d + 4;
  h *= 60;
  if (h < 0) h += 360;
  return [h, Math.min(1, s), l];
}

export const isWarm = (h: number): boolean => h >= 330 || h < 90;
export const isCool = (h: number): boolean => h >= 150 && h < 270;

export function lookStats(img: RgbImage): LookStats {
  const n = img.width * img.height;
  const hue = new Array<number>(HUE_BINS).fill(0);
  let s1 = 0, s2 = 0, l1 = 0, l2 = 0, warm = 0, cool = 0, low = 0, high = 0, r = 0, g = 0, b = 0;
  const d = img.data;
  for (let i = 0; i < n; i++) {
    const R = d[i * 3]!, G = d[i * 3 + 1]!, B = d[i * 3 + 2]!;
    r += R; g += G; b += B;
    const [h, s, l] = rgbToHsl(R, G, B);
    s1 += s; s2 += s * s; l1 += l; l2 += l * l;
    if (l < LOW_KEY_L) low++;
    if (l > HIGH_KEY_L) high++;
    if (s >= CHROMA_MIN_S && l > 0.08 && l < 0.92) {
      hue[Math.floor(((h + 15) % 360) / 30)]!++;
      if (isWarm(h)) warm++;
      else if (isCool(h)) cool++;
    }
  }
  return {
    hue: hue.map((c) => c / n),
    sMean: s1 / n, s2Mean: s2 / n, lMean: l1 / n, l2Mean: l2 / n,
    warm: warm / n, cool: cool / n, lowKey: low / n, highKey: high / n,
    meanRgb: [Math.round(r / n), Math.round(g / n), Math.round(b / n)],
  };
}

/** The pooled statistics of several stills (equal weight each). */
export function poolLookStats(all: LookStats[]): LookStats {
  const n = Math.max(1, all.length);
  const mean = (f: (s: LookStats) => number) => all.reduce((acc, s) => acc + f(s), 0) / n;
  return {
    hue: Array.from({ length: HUE_BINS }, (_, i) => mean((s) => s.hue[i]!)),
    sMean: mean((s) => s.sMean), s2Mean: mean((s) => s.s2Mean), lMean: mean((s) => s.lMean), l2Mean: mean((s) => s.l2Mean),
    warm: mean((s) => s.warm), cool: mean((s) => s.cool), lowKey: mean((s) => s.lowKey), highKey: mean((s) => s.highKey),
    meanRgb: [0, 1, 2].map((c) => Math.round(mean((s) => s.meanRgb[c]!))) as [number, number, number],
  };
}

/** What people read off the statistics: spreads, warm/cool balance, key. */
export interface HslSummary {
  /** Share of pixels per 30° hue bin, among chromatic pixels (sums to 1, or all 0 for a grey film). */
  hueDistribution: { hue: number; share: number }[];
  chromaticShare: number;
  saturation: { mean: number; spread: number };
  lightness: { mean: number; spread: number };
  /** (warm − cool) / (warm + cool), from −1 (all cool) to 1 (all warm); 0 without colour. */
  warmCoolBalance: number;
  lowKeyShare: number;
  highKeyShare: number;
  key: 'low-key' | 'high-key' | 'balanced';
}

export function summariseLook(s: LookStats): HslSummary {
  const chromatic = s.hue.reduce((a, b) => a + b, 0);
  const spread = (m: number, m2: number) => Math.sqrt(Math.max(0, m2 - m * m));
  const r = (x: number) => Math.round(x * 1e4) / 1e4;
  return {
    hueDistribution: s.hue.map((v, i) => ({ hue: i * 30, share: r(chromatic > 0 ? v / chromatic : 0) })),
    chromaticShare: r(chromatic),
    saturation: { mean: r(s.sMean), spread: r(spread(s.sMean, s.s2Mean)) },
    lightness: { mean: r(s.lMean), spread: r(spread(s.lMean, s.l2Mean)) },
    warmCoolBalance: r(s.warm + s.cool > 0 ? (s.warm - s.cool) / (s.warm + s.cool) : 0),
    lowKeyShare: r(s.lowKey),
    highKeyShare: r(s.highKey),
    key: s.lowKey >= 0.5 && s.lMean < 0.35 ? 'low-key' : s.highKey >= 0.4 && s.lMean > 0.6 ? 'high-key' : 'balanced',
  };
}
