/** The shot detector on frames made here: textured pictures, a cut, a flash, a dissolve, a fade through black, a slow pan. */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../util/random.js';
import { ShotDetector, type DetectedBoundary } from './shot-detector.js';
import { filmStats } from './film-stats.js';
import { shotsFromBoundaries } from './film-analysis.js';

const W = 64;
const H = 36;

/** A smooth random texture, wider than the frame (room to pan). */
function picture(seed: number, width = W * 2): { width: number; data: Float32Array } {
  const rand = seededRandom(seed);
  const blobs = Array.from({ length: 40 }, () => ({ x: rand() * width, y: rand() * H, r: 3 + rand() * 9, c: [rand() * 255, rand() * 255, rand() * 255] }));
  const data = new Float32Array(width * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < width; x++)
      for (const b of blobs) {
        const w = Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (2 * b.r * b.r));
        for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c]! += w * b.c[c]!;
      }
  return { width, data };
}

function frame(p: { width: number; data: Float32Array }, offset = 0, gain = 1, noise = 0, rand = seededRandom(1)): Uint8Array {
  const out = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      for (let c = 0; c < 3; c++) out[(y * W + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(gain * Math.min(255, p.data[(y * p.width + x + offset) * 3 + c]!) + (rand() - 0.5) * noise)));
  return out;
}

function mix(a: Uint8Array, b: Uint8Array, t: number): Uint8Array {
  return Uint8Array.from(a, (v, i) => Math.round((1 - t) * v + t * b[i]!));
}

function detect(frames: Uint8Array[]): DetectedBoundary[] {
  const d = new ShotDetector({ fps: 25, width: W, height: H });
  for (const f of frames) d.push(f);
  return d.finish();
}

const A = picture(1);
const B = picture(2);
const C = picture(3);
const rand = seededRandom(9);
const still = (p: typeof A, n: number) => Array.from({ length: n }, () => frame(p, 0, 1, 6, rand));

describe('shot detector', () => {
  it('finds a hard cut at its first new frame', () => {
    const found = detect([...still(A, 40), ...still(B, 40)]);
    expect(found).toEqual([{ transition: 'cut', frame: 40, start: 40, end: 40 }]);
  });

  it('a white flash inside a shot and a slow pan are no boundaries; a film without a cut is one shot', () => {
    const pan = Array.from({ length: 100 }, (_, i) => frame(A, Math.round(i * 0.6), 1, 6, rand));
    pan[50] = new Uint8Array(W * H * 3).fill(255);
    expect(detect(pan)).toEqual([]);
    expect(shotsFromBoundaries([], pan.length, 25)).toEqual([{ start: 0, end: 4, transition: 'cut', own: [0, 99] }]);
  });

  it('finds a dissolve and a fade through black at their middles', () => {
    const a = frame(A);
    const b = frame(B);
    const dissolve = Array.from({ length: 20 }, (_, i) => mix(a, b, (i + 0.5) / 20));
    const c = frame(C);
    // Out to black over 10 frames, two black frames, in from black over 10.
    const black = new Uint8Array(b.length);
    const fade = [...Array.from({ length: 10 }, (_, i) => mix(b, black, (i + 1) / 10)), black, ...Array.from({ length: 10 }, (_, i) => mix(black, c, (i + 1) / 10))];
    const found = detect([...still(A, 40), ...dissolve, ...still(B, 40), ...fade, ...still(C, 40)]);
    expect(found.map((f) => f.transition)).toEqual(['dissolve', 'fade']);
    expect(Math.abs(found[0]!.frame - 50)).toBeLessThanOrEqual(2);
    expect(Math.abs(found[1]!.frame - 110)).toBeLessThanOrEqual(2);
  });
});

describe('film numbers', () => {
  it('shot lengths, average and median, and a distribution that counts every shot', () => {
    const shots = [0, 2, 3, 7, 15].map((start, i, all) => ({ start, end: all[i + 1] ?? 20, transition: 'cut' as const, keyframe: start, color: '#000000' }));
    const s = filmStats(shots, 20);
    expect(s.shotCount).toBe(5);
    expect(s.asl).toBe(4);
    expect(s.medianShotLength).toBe(4);
    expect(s.shotLengths.reduce((n, b) => n + b.count, 0)).toBe(5);
    expect(s.shotLengths.find((b) => b.from === 4)!.count).toBe(2);
    expect(s.rhythm.length).toBeGreaterThan(1);
  });
});
