/**
 * What a poster measures for the trend charts, computed from what indexing stored (no image is
 * decoded): the colour histogram (the `color` channel is the square root of a 320-bin CIELAB
 * histogram, color-histogram.ts), the k-means palette, the layout grids, face scans, the OCR
 * lines and the film's genres. A value is NaN where the poster lacks what the measure needs
 * (faces never scanned, text never read): such posters are left out of that measure's periods.
 *
 * Choices, each documented in docs/poster-history.md:
 * - brightness: mean CIELAB L* (0–100) — the share-weighted mean of the k-means centroids, which
 *   is exactly the pixels' mean lightness (each centroid is its cluster's mean).
 * - saturation: share-weighted CIELAB chroma of the palette colours (0 grey … ~130).
 * - hue families: share of the poster's area whose colour falls in a family of CIELAB hue angles
 *   (chroma ≥ 15; below it: neutral), from the histogram's bin centres.
 * - warmth: (warm − cool) / (warm + cool) over chromatic area, warm = red, orange, yellow,
 *   cool = green, cyan, blue, purple; −1 all cool … 1 all warm; NaN for a poster without colour.
 * - palette size: the effective number of colours, exp(entropy) of the histogram (1 for one flat
 *   colour; a few for a duotone; tens for a photograph in many colours).
 * - symmetry: correlation of the layout descriptor (8 × 12 grids of light mass and edge energy,
 *   layout.ts) with its mirror image (1: left and right alike). The 32 × 48 grey signature would
 *   be finer, but reading it costs 8x the bytes for a chart about composition.
 * - text area: share of the poster inside OCR text boxes; title position: the vertical centre of
 *   the tallest line (0 top … 1 bottom), NaN when nothing was read on it.
 */
import { BIN_CENTRES } from '../design/color-histogram.js';
import type { PaletteColor } from '../design/palette.js';
import { GRID_H, GRID_W } from '../design/layout.js';
import { typographyOf } from '../text/typography.js';
import type { TextLine } from '../text/types.js';

/** The hue families of the charts, by CIELAB hue angle in degrees [from, to). */
export const HUE_FAMILIES = [
  { name: 'red', from: 350, to: 45 },
  { name: 'orange', from: 45, to: 75 },
  { name: 'yellow', from: 75, to: 110 },
  { name: 'green', from: 110, to: 170 },
  { name: 'cyan', from: 170, to: 230 },
  { name: 'blue', from: 230, to: 290 },
  { name: 'purple', from: 290, to: 350 },
] as const;
const WARM = new Set(['red', 'orange', 'yellow']);
/** Chroma below which a colour counts as neutral (black, grey, white, beige). */
export const NEUTRAL_CHROMA = 15;

/** Which family each histogram bin belongs to (index into HUE_FAMILIES; -1 neutral). */
const BIN_FAMILY: Int8Array = Int8Array.from(BIN_CENTRES, ([, a, b]) => {
  if (Math.hypot(a, b) < NEUTRAL_CHROMA) return -1;
  const h = ((Math.atan2(b, a) * 180) / Math.PI + 360) % 360;
  return HUE_FAMILIES.findIndex((f) => (f.from < f.to ? h >= f.from && h < f.to : h >= f.from || h < f.to));
});

/** What one poster offers the measures. */
export interface PosterEvidence {
  /** The `color` channel vector: square roots of the CIELAB histogram. */
  colorDescriptor?: Float32Array;
  palette?: PaletteColor[];
  /** The `layout` channel vector: two standardised GRID_W × GRID_H grids, row-major (layout.ts). */
  layout?: Float32Array;
  /** Faces found, when the poster was scanned. */
  faces?: number;
  /** OCR lines, when the poster was read. */
  lines?: TextLine[];
  genres: string[];
}

export interface MeasureInfo {
  name: string;
  label: string;
  /** What the value is: a mean value, or a share of posters/area (0–1). */
  unit: string;
  /** What the library must hold for the measure to have values. */
  needs: 'index' | 'faces' | 'text' | 'genres';
}

type Compute = (p: PosterEvidence) => number;

interface Measure extends MeasureInfo {
  compute: Compute;
}

/** Per-poster values several measures share, computed once per poster. */
const derived = new WeakMap<PosterEvidence, { histogram?: Float32Array; families?: Float64Array; typography?: ReturnType<typeof typographyOf> }>();
const cache = (p: PosterEvidence) => derived.get(p) ?? derived.set(p, {}).get(p)!;

function histogram(p: PosterEvidence): Float32Array | undefined {
  const c = cache(p);
  c.histogram ??= p.colorDescriptor?.map((x) => x * x);
  return c.histogram;
}

function familyShares(p: PosterEvidence): Float64Array | undefined {
  const c = cache(p);
  c.families ??= computeFamilyShares(p);
  return c.families;
}

function typography(p: PosterEvidence): ReturnType<typeof typographyOf> | undefined {
  const c = cache(p);
  if (p.lines) c.typography ??= typographyOf(p.lines);
  return c.typography;
}

function computeFamilyShares(p: PosterEvidence): Float64Array | undefined {
  const d = p.colorDescriptor;
  if (!d) return undefined;
  const out = new Float64Array(HUE_FAMILIES.length + 1); // last: neutral
  for (let i = 0; i < d.length; i++) {
    const f = BIN_FAMILY[i]!;
    out[f < 0 ? HUE_FAMILIES.length : f] += d[i]! * d[i]!;
  }
  const total = out.reduce((a, b) => a + b, 0);
  return total > 0 ? out.map((v) => v / total) : undefined;
}

const paletteMean = (p: PosterEvidence, of: (c: PaletteColor) => number): number =>
  p.palette?.length ? p.palette.reduce((s, c) => s + c.share * of(c), 0) / p.palette.reduce((s, c) => s + c.share, 0) : NaN;

/** Correlation of the layout grids with their mirror images (each grid has zero mean already). */
function mirrorCorrelation(layout: Float32Array | undefined): number {
  const cells = GRID_W * GRID_H;
  if (!layout || layout.length !== 2 * cells) return NaN;
  let sxy = 0, sxx = 0;
  for (let g = 0; g < 2; g++)
    for (let y = 0; y < GRID_H; y++)
      for (let x = 0; x < GRID_W; x++) {
        const a = layout[g * cells + y * GRID_W + x]!;
        sxy += a * layout[g * cells + y * GRID_W + (GRID_W - 1 - x)]!;
        sxx += a * a;
      }
  return sxx > 0 ? sxy / sxx : NaN;
}

const MEASURES: Measure[] = [
  { name: 'brightness', label: 'Brightness (mean L*)', unit: 'L* 0–100', needs: 'index', compute: (p) => paletteMean(p, (c) => c.lab[0]) },
  { name: 'saturation', label: 'Saturation (chroma of the dominant colours)', unit: 'C* 0–130', needs: 'index', compute: (p) => paletteMean(p, (c) => Math.hypot(c.lab[1], c.lab[2])) },
  {
    name: 'warmth',
    label: 'Warm/cool balance',
    unit: '−1 cool … 1 warm',
    needs: 'index',
    compute: (p) => {
      const f = familyShares(p);
      if (!f) return NaN;
      let warm = 0, cool = 0;
      HUE_FAMILIES.forEach((fam, i) => (WARM.has(fam.name) ? (warm += f[i]!) : (cool += f[i]!)));
      return warm + cool > 1e-6 ? (warm - cool) / (warm + cool) : NaN;
    },
  },
  ...[...HUE_FAMILIES.map((f) => f.name), 'neutral'].map((name, i): Measure => ({
    name: `hue:${name}`,
    label: name === 'neutral' ? 'Neutral area (black, grey, white)' : `${name[0]!.toUpperCase()}${name.slice(1)} area`,
    unit: 'share of area',
    needs: 'index',
    compute: (p) => familyShares(p)?.[i] ?? NaN,
  })),
  {
    name: 'palette-size',
    label: 'Palette size (effective number of colours)',
    unit: 'colours',
    needs: 'index',
    compute: (p) => {
      const h = histogram(p);
      if (!h) return NaN;
      let entropy = 0;
      for (const v of h) if (v > 0) entropy -= v * Math.log(v);
      return Math.exp(entropy);
    },
  },
  { name: 'symmetry', label: 'Layout symmetry (left–right)', unit: 'correlation −1…1', needs: 'index', compute: (p) => mirrorCorrelation(p.layout) },
  { name: 'faces', label: 'Posters with a face', unit: 'share of posters', needs: 'faces', compute: (p) => (p.faces === undefined ? NaN : p.faces > 0 ? 1 : 0) },
  { name: 'face-count', label: 'Faces per poster', unit: 'faces', needs: 'faces', compute: (p) => p.faces ?? NaN },
  { name: 'text-area', label: 'Text area', unit: 'share of area', needs: 'text', compute: (p) => typography(p)?.coverage ?? NaN },
  { name: 'title-position', label: 'Title position (0 top … 1 bottom)', unit: 'height fraction', needs: 'text', compute: (p) => typography(p)?.title?.y ?? NaN },
];

/** Genre shares are measures too, one per genre of the library: `genre:Horror`. */
export const GENRE_PREFIX = 'genre:';

export function genreMeasure(genre: string): Measure {
  const lower = genre.toLowerCase();
  return { name: `${GENRE_PREFIX}${genre}`, label: `${genre} posters`, unit: 'share of posters', needs: 'genres', compute: (p) => (p.genres.some((g) => g.toLowerCase() === lower) ? 1 : 0) };
}

/** Every measure: the fixed ones, then one per genre given. */
export function measures(genres: string[]): Measure[] {
  return [...MEASURES, ...genres.map(genreMeasure)];
}

export type { Measure };
