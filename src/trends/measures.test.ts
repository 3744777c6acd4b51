import { describe, expect, it } from 'vitest';
import { BIN_CENTRES, COLOR_HISTOGRAM_DIM } from '../design/color-histogram.js';
import { GRID_H, GRID_W } from '../design/layout.js';
import { measures, type PosterEvidence } from './measures.js';

const byName = new Map(measures(['Horror']).map((m) => [m.name, m]));
const value = (name: string, p: PosterEvidence): number => byName.get(name)!.compute(p);

/** A colour descriptor (sqrt of a histogram) with all mass in the bins nearest these Lab colours, equally. */
function descriptorOf(...labs: [number, number, number][]): Float32Array {
  const h = new Float32Array(COLOR_HISTOGRAM_DIM);
  for (const lab of labs) {
    let best = 0;
    BIN_CENTRES.forEach((c, i) => {
      if (Math.hypot(c[0] - lab[0], c[1] - lab[1], c[2] - lab[2]) < Math.hypot(BIN_CENTRES[best]![0] - lab[0], BIN_CENTRES[best]![1] - lab[1], BIN_CENTRES[best]![2] - lab[2])) best = i;
    });
    h[best] = h[best]! + 1 / labs.length;
  }
  return h.map(Math.sqrt);
}

describe('trend measures', () => {
  it('reads colour families, warmth and palette size off the histogram', () => {
    const red = { colorDescriptor: descriptorOf([50, 60, 40]), genres: [] };
    expect(value('hue:red', red)).toBeCloseTo(1, 6);
    expect(value('warmth', red)).toBeCloseTo(1, 6);
    expect(value('palette-size', red)).toBeCloseTo(1, 6);
    const blueAndGrey = { colorDescriptor: descriptorOf([40, 10, -60], [50, 0, 0]), genres: [] };
    expect(value('hue:blue', blueAndGrey)).toBeCloseTo(0.5, 6);
    expect(value('hue:neutral', blueAndGrey)).toBeCloseTo(0.5, 6);
    expect(value('warmth', blueAndGrey)).toBeCloseTo(-1, 6);
    expect(value('palette-size', blueAndGrey)).toBeCloseTo(2, 6);
    expect(value('warmth', { colorDescriptor: descriptorOf([50, 0, 0]), genres: [] })).toBeNaN();
  });

  it('takes brightness and saturation from the palette, weighted by share', () => {
    const palette = [
      { hex: '#000000', lab: [20, 0, 0] as [number, number, number], share: 0.75 },
      { hex: '#ff0000', lab: [60, 30, 40] as [number, number, number], share: 0.25 },
    ];
    expect(value('brightness', { palette, genres: [] })).toBeCloseTo(30, 6);
    expect(value('saturation', { palette, genres: [] })).toBeCloseTo(12.5, 6);
    expect(value('brightness', { genres: [] })).toBeNaN();
  });

  it('measures left–right symmetry of the layout grids', () => {
    const cells = GRID_W * GRID_H;
    const centred = (f: (x: number, y: number) => number): Float32Array => {
      const grid = Float32Array.from({ length: 2 * cells }, (_, i) => f(i % GRID_W, Math.floor((i % cells) / GRID_W)));
      for (const g of [0, 1]) {
        const mean = grid.slice(g * cells, (g + 1) * cells).reduce((a, b) => a + b, 0) / cells;
        for (let i = g * cells; i < (g + 1) * cells; i++) grid[i] = grid[i]! - mean;
      }
      return grid;
    };
    expect(value('symmetry', { layout: centred((x, y) => Math.abs(x - (GRID_W - 1) / 2) + y), genres: [] })).toBeCloseTo(1, 6);
    expect(value('symmetry', { layout: centred((x) => x), genres: [] })).toBeCloseTo(-1, 6);
    expect(value('symmetry', { genres: [] })).toBeNaN();
  });

  it('counts faces and text only on posters that were scanned or read, and genre shares per film', () => {
    expect(value('faces', { faces: 2, genres: [] })).toBe(1);
    expect(value('face-count', { faces: 2, genres: [] })).toBe(2);
    expect(value('faces', { genres: [] })).toBeNaN();
    const title = { text: 'TITLE', confidence: 0.9, box: [[0.1, 0.7], [0.9, 0.7], [0.9, 0.8], [0.1, 0.8]] as [number, number][], size: 0.1, order: 0 };
    expect(value('text-area', { lines: [title], genres: [] })).toBeCloseTo(0.08, 6);
    expect(value('title-position', { lines: [title], genres: [] })).toBeCloseTo(0.75, 6);
    expect(value('title-position', { lines: [], genres: [] })).toBeNaN();
    expect(value('text-area', { genres: [] })).toBeNaN();
    expect(value('genre:Horror', { genres: ['horror', 'Drama'] })).toBe(1);
    expect(value('genre:Horror', { genres: ['Drama'] })).toBe(0);
  });
});
