/** Tiles of a decoded image: where each square lies, and that the decoded tile is that square's pixels. */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeForIndex, tileRegion } from './decode.js';

describe('poster tiles', () => {
  it('are squares of the short side along the long side', () => {
    expect(tileRegion(200, 300, 'top')).toEqual({ left: 0, top: 0, width: 200, height: 200 });
    expect(tileRegion(200, 300, 'middle')).toEqual({ left: 0, top: 50, width: 200, height: 200 });
    expect(tileRegion(200, 300, 'bottom')).toEqual({ left: 0, top: 100, width: 200, height: 200 });
    expect(tileRegion(300, 200, 'bottom')).toEqual({ left: 100, top: 0, width: 200, height: 200 });
    for (const t of ['top', 'middle', 'bottom'] as const) expect(tileRegion(64, 64, t)).toEqual({ left: 0, top: 0, width: 64, height: 64 });
  });

  it('decode to the pixels of their square', async () => {
    // 90 x 270: a red third on top of a green and a blue third; each tile is one colour.
    const third = (r: number, g: number, b: number) => ({ input: { create: { width: 90, height: 90, channels: 3 as const, background: { r, g, b } } } });
    const png = await sharp({ create: { width: 90, height: 270, channels: 3, background: { r: 0, g: 0, b: 0 } } })
      .composite([{ ...third(255, 0, 0), top: 0, left: 0 }, { ...third(0, 255, 0), top: 90, left: 0 }, { ...third(0, 0, 255), top: 180, left: 0 }])
      .png()
      .toBuffer();
    const d = await decodeForIndex(png, 'test.png', { width: 16, height: 16, tile: 'top', analysisWidth: 8, analysisHeight: 8, thumbnail: false, extraSizes: [{ width: 16, height: 16, tile: 'bottom' }, { width: 16, height: 16, tile: 'middle' }] });
    const mean = (data: Buffer, c: number) => data.reduce((s, v, i) => (i % 3 === c ? s + v : s), 0) / (data.length / 3);
    expect(mean(d.pixels.data, 0)).toBeGreaterThan(250);
    expect(mean(d.extra[0]!.data, 2)).toBeGreaterThan(250);
    expect(mean(d.extra[1]!.data, 1)).toBeGreaterThan(250);
    expect(mean(d.extra[1]!.data, 0)).toBeLessThan(5);
  });
});
