import { describe, expect, it } from 'vitest';
import { hexToRgb, rgbToLab } from '../design/color-space.js';
import type { PaletteColor } from '../design/palette.js';
import { sharedColours, SHARED_COLOUR_DELTA_E } from './explain-design.js';

const colour = (hex: string, share: number): PaletteColor => ({ hex, lab: rgbToLab(...hexToRgb(hex)), share });

describe('shared palette colours', () => {
  it('pairs each colour with its closest counterpart once, closest first, and drops far ones', () => {
    const a = [colour('#d0202a', 0.5), colour('#15234f', 0.3), colour('#f5e050', 0.2)];
    const b = [colour('#16244e', 0.6), colour('#cc2230', 0.3), colour('#2e8b3a', 0.1)];
    const shared = sharedColours(a, b);
    expect(shared.map((s) => [s.a.hex, s.b.hex])).toEqual([
      ['#15234f', '#16244e'],
      ['#d0202a', '#cc2230'],
    ]);
    for (const s of shared) expect(s.deltaE).toBeLessThanOrEqual(SHARED_COLOUR_DELTA_E);
    expect(shared[0]!.deltaE).toBeLessThanOrEqual(shared[1]!.deltaE);
  });

  it('shares nothing between unrelated palettes', () => {
    expect(sharedColours([colour('#000000', 1)], [colour('#ffffff', 1)])).toEqual([]);
  });
});
