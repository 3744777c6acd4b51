/**
 * "Why similar?" for the design channels, which the content heatmap (explain.ts) does not
 * explain. Colour: the palette colours the two posters share (greedy ΔE matching) and a picture
 * of each poster keeping only the pixels in those colours. Layout: per cell of the 8 x 12 layout
 * grid, how much the two posters agree in light/dark mass and edge energy (the same standardised
 * grids the layout vector is made of), drawn as a heatmap over either poster.
 */
import sharp from 'sharp';
import { deltaE, rgbBufferToLab, type Lab } from '../design/color-space.js';
import { ANALYSIS_HEIGHT, ANALYSIS_WIDTH } from '../design/design-features.js';
import { GRID_H, GRID_W, layoutDescriptor, layoutGrids } from '../design/layout.js';
import type { PaletteColor } from '../design/palette.js';
import { decodeResized } from '../image/decode.js';
import { dot } from '../util/vectors.js';
import { renderHeatmap } from './explain.js';

/** Two palette colours closer than this (CIE76 ΔE) count as the same colour: about "clearly the same hue and lightness". */
export const SHARED_COLOUR_DELTA_E = 20;
/** Pixels within this ΔE of a shared colour are kept in the colour picture. */
const PIXEL_DELTA_E = 16;

export interface SharedColour {
  a: PaletteColor;
  b: PaletteColor;
  deltaE: number;
}

/** Palette colours of A and B that match, closest pairs first, each colour used once. */
export function sharedColours(a: PaletteColor[], b: PaletteColor[]): SharedColour[] {
  const pairs: SharedColour[] = [];
  for (const ca of a) for (const cb of b) pairs.push({ a: ca, b: cb, deltaE: deltaE(ca.lab, cb.lab) });
  pairs.sort((x, y) => x.deltaE - y.deltaE);
  const usedA = new Set<PaletteColor>();
  const usedB = new Set<PaletteColor>();
  const out: SharedColour[] = [];
  for (const p of pairs) {
    if (p.deltaE > SHARED_COLOUR_DELTA_E || usedA.has(p.a) || usedB.has(p.b)) continue;
    usedA.add(p.a);
    usedB.add(p.b);
    out.push({ ...p, deltaE: Math.round(p.deltaE * 10) / 10 });
  }
  return out;
}

/** The poster with every pixel far from `colours` greyed and darkened: where the shared colours sit. */
export async function colourMask(bytes: Buffer, source: string, colours: Lab[], maxSide = 600): Promise<Buffer> {
  const { data, info } = await sharp(bytes).rotate().flatten({ background: '#ffffff' }).resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const lab = rgbBufferToLab(data);
  const out = Buffer.from(data);
  for (let i = 0; i < info.width * info.height; i++) {
    const p: Lab = [lab[i * 3]!, lab[i * 3 + 1]!, lab[i * 3 + 2]!];
    if (colours.some((c) => deltaE(p, c) <= PIXEL_DELTA_E)) continue;
    const grey = Math.round(0.25 * (0.299 * data[i * 3]! + 0.587 * data[i * 3 + 1]! + 0.114 * data[i * 3 + 2]!) + 20);
    out[i * 3] = out[i * 3 + 1] = out[i * 3 + 2] = grey;
  }
  try {
    return await sharp(out, { raw: { width: info.width, height: info.height, channels: 3 } }).png().toBuffer();
  } catch (err) {
    throw new Error(`${source}: cannot draw the colour picture (${(err as Error).message})`);
  }
}

export interface LayoutAgreement {
  /** Cosine of the two layout vectors (the layout channel's similarity). */
  score: number;
  /** GRID_W x GRID_H values in [0, 1], row-major: how much each cell agrees. */
  heat: number[];
  cols: number;
  rows: number;
}

/** Per-cell agreement of two posters' layout grids: the cell's share of the layout cosine, positive part. */
export async function layoutAgreement(a: { bytes: Buffer; source: string }, b: { bytes: Buffer; source: string }): Promise<LayoutAgreement> {
  const [ia, ib] = await Promise.all([decodeResized(a.bytes, a.source, ANALYSIS_WIDTH, ANALYSIS_HEIGHT), decodeResized(b.bytes, b.source, ANALYSIS_WIDTH, ANALYSIS_HEIGHT)]);
  const ga = layoutGrids(ia);
  const gb = layoutGrids(ib);
  const raw = Array.from({ length: GRID_W * GRID_H }, (_, i) => Math.max(0, ga.mass[i]! * gb.mass[i]! + ga.energy[i]! * gb.energy[i]!));
  const max = Math.max(...raw, 1e-9);
  return { score: Math.round(dot(layoutDescriptor(ia), layoutDescriptor(ib)) * 1e4) / 1e4, heat: raw.map((v) => Math.round((v / max) * 1000) / 1000), cols: GRID_W, rows: GRID_H };
}

export async function renderLayoutAgreement(poster: { bytes: Buffer; source: string }, agreement: LayoutAgreement): Promise<Buffer> {
  return renderHeatmap(poster.bytes, poster.source, agreement.heat, agreement.cols, 600, agreement.rows);
}
