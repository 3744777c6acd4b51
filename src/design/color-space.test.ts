import { describe, expect, it } from 'vitest';
import { deltaE, hexToRgb, labToRgb, rgbBufferToLab, rgbToHex, rgbToLab } from './color-space.js';

describe('colour space', () => {
  it('converts sRGB to CIELAB (D65) at known points and back', () => {
    const white = rgbToLab(255, 255, 255);
    expect(white[0]).toBeCloseTo(100, 1);
    expect(Math.abs(white[1]) + Math.abs(white[2])).toBeLessThan(0.05);
    const red = rgbToLab(255, 0, 0);
    expect(red[0]).toBeCloseTo(53.24, 1);
    expect(red[1]).toBeCloseTo(80.09, 0);
    expect(red[2]).toBeCloseTo(67.2, 0);
    for (const rgb of [[12, 200, 99], [255, 128, 0], [30, 30, 30]] as [number, number, number][]) expect(labToRgb(rgbToLab(...rgb)).map(Math.round)).toEqual(rgb);
  });

  it('reads and writes hex, measures ΔE, converts pixel buffers', () => {
    expect(hexToRgb('#0b3d4c')).toEqual([11, 61, 76]);
    expect(hexToRgb('fa0')).toEqual([255, 170, 0]);
    expect(() => hexToRgb('#12')).toThrow();
    expect(rgbToHex([11, 61, 76])).toBe('#0b3d4c');
    expect(deltaE(rgbToLab(0, 0, 0), rgbToLab(255, 255, 255))).toBeCloseTo(100, 0);
    const lab = rgbBufferToLab(Uint8Array.of(255, 0, 0, 0, 0, 0));
    expect(Array.from(lab.subarray(0, 3)).map((x) => Math.round(x))).toEqual(rgbToLab(255, 0, 0).map((x) => Math.round(x)));
  });
});
