/**
 * Typography and text layout of a poster, from its OCR lines: where the title sits and how big it
 * is, how much of the poster is text, how many text blocks, where the text mass lies (top,
 * middle, bottom) and how lines are aligned. The title is taken to be the line with the tallest
 * letters (on posters it nearly always is). As a vector it feeds the `typography` channel of
 * "looks alike"; as a summary it is shown on the movie page.
 */
import type { TextLine } from './types.js';

export interface Typography {
  /** Lines read. */
  blocks: number;
  /** Share of the poster's area inside text boxes (0–1). */
  coverage: number;
  /** The tallest line: its text, centre (fractions of width and height), letter height and width (fractions). */
  title: { text: string; x: number; y: number; size: number; width: number } | null;
  /** Share of the text area in the top, middle and bottom thirds. */
  thirds: [number, number, number];
  /** Mean horizontal centre of the lines (0.5: centred) and their spread. */
  alignment: { centre: number; spread: number };
}

const xs = (l: TextLine): number[] => l.box.map((p) => p[0]);
const ys = (l: TextLine): number[] => l.box.map((p) => p[1]);

/** Area of a quad (shoelace). */
function area(l: TextLine): number {
  let s = 0;
  for (let i = 0; i < l.box.length; i++) {
    const [x1, y1] = l.box[i]!;
    const [x2, y2] = l.box[(i + 1) % l.box.length]!;
    s += x1 * y2 - x2 * y1;
  }
  return Math.abs(s) / 2;
}

const centre = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

export function typographyOf(lines: TextLine[]): Typography {
  if (lines.length === 0) return { blocks: 0, coverage: 0, title: null, thirds: [0, 0, 0], alignment: { centre: 0.5, spread: 0 } };
  const areas = lines.map(area);
  const total = areas.reduce((a, b) => a + b, 0) || 1;
  const thirds: [number, number, number] = [0, 0, 0];
  lines.forEach((l, i) => {
    const y = centre(ys(l));
    thirds[y < 1 / 3 ? 0 : y < 2 / 3 ? 1 : 2] += areas[i]! / total;
  });
  const t = lines.reduce((best, l) => (l.size > best.size ? l : best));
  const centres = lines.map((l) => centre(xs(l)));
  const mean = centre(centres);
  const spread = Math.sqrt(centres.reduce((s, c) => s + (c - mean) ** 2, 0) / centres.length);
  return {
    blocks: lines.length,
    coverage: Math.min(1, areas.reduce((a, b) => a + b, 0)),
    title: { text: t.text, x: centre(xs(t)), y: centre(ys(t)), size: t.size, width: Math.max(...xs(t)) - Math.min(...xs(t)) },
    thirds,
    alignment: { centre: mean, spread },
  };
}

export const TYPOGRAPHY_DIMENSION = 11;

/** The descriptor as numbers on comparable scales (standardised per library before comparing). */
export function typographyVector(t: Typography): Float32Array {
  const title = t.title ?? { x: 0.5, y: 0.5, size: 0, width: 0 };
  return Float32Array.from([
    Math.log1p(t.blocks) / Math.log(31),
    Math.sqrt(t.coverage),
    title.x,
    title.y,
    Math.sqrt(title.size),
    title.width,
    ...t.thirds,
    t.alignment.centre,
    t.alignment.spread,
  ]);
}
