/**
 * The model seam's conformance suites: every image model (built in, or from a manifest) and
 * every text model (in-process, worker pool) runs the same cases through a factory.
 */
import { describe, expect, it } from 'vitest';
import type { RgbImage } from '../image/decode.js';
import { isMetric, similarity } from '../util/metric.js';
import { dot } from '../util/vectors.js';
import type { ImageEmbeddingModel, TextEmbeddingModel } from './types.js';

/** A synthetic picture: a gradient with a disc whose place and colour depend on the seed. */
export function syntheticImage(width: number, height: number, seed: number): RgbImage {
  const data = Buffer.alloc(width * height * 3);
  const cx = ((seed * 37) % 100) / 100;
  const cy = ((seed * 61) % 100) / 100;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const inDisc = (x / width - cx) ** 2 + (y / height - cy) ** 2 < 0.05;
      data[i] = inDisc ? (seed * 53) % 256 : Math.round((255 * x) / width);
      data[i + 1] = inDisc ? (seed * 97) % 256 : Math.round((255 * y) / height);
      data[i + 2] = inDisc ? (seed * 11) % 256 : 128;
    }
  return { width, height, data };
}

const norm = (v: Float32Array): number => Math.sqrt(dot(v, v));

function expectVectors(vs: Float32Array[], n: number, dimension: number, unit: boolean): void {
  expect(vs).toHaveLength(n);
  for (const v of vs) {
    expect(v).toBeInstanceOf(Float32Array);
    expect(v.length).toBe(dimension);
    expect(v.every(Number.isFinite)).toBe(true);
    if (unit) expect(norm(v)).toBeCloseTo(1, 4);
    else expect(norm(v)).toBeGreaterThan(0);
  }
}

const expectUnitVectors = (vs: Float32Array[], n: number, dimension: number): void => expectVectors(vs, n, dimension, true);
const cos = (a: Float32Array, b: Float32Array): number => similarity('cosine', a, b);

export function imageModelConformance(name: string, load: () => Promise<ImageEmbeddingModel>): void {
  describe(`ImageEmbeddingModel conformance: ${name}`, () => {
    it('says what it is and embeds batches into (unit, unless normalize is off) vectors, deterministically, batch = one by one', async () => {
      const model = await load();
      try {
        expect(model.modality).toBe('image');
        expect(isMetric(model.metric)).toBe(true);
        expect(typeof model.normalize).toBe('boolean');
        expect(model.id).toMatch(/^[\w.@-]+$/);
        expect(model.version.length).toBeGreaterThan(0);
        expect(model.dimension).toBeGreaterThan(0);
        const { width, height } = model.preprocessing;
        expect(width).toBeGreaterThanOrEqual(8);
        const images = [1, 2, 3].map((s) => syntheticImage(width, height, s));
        expect(await model.embedBatch([])).toEqual([]);
        const batch = await model.embedBatch(images);
        expectVectors(batch, 3, model.dimension, model.normalize);
        const one = await model.embedBatch([images[1]!]);
        expect(cos(one[0]!, batch[1]!)).toBeGreaterThan(0.9999);
        const again = await model.embedBatch(images);
        batch.forEach((v, i) => expect(cos(v, again[i]!)).toBeGreaterThan(0.99999));
        expect(cos(batch[0]!, batch[2]!)).toBeLessThan(0.999); // different pictures, different vectors
      } finally {
        await model.close();
      }
    });
  });
}

export function textModelConformance(name: string, load: () => Promise<TextEmbeddingModel>): void {
  describe(`TextEmbeddingModel conformance: ${name}`, () => {
    it('says what it is and embeds texts into unit vectors that reflect meaning, deterministically', async () => {
      const model = await load();
      try {
        expect(model.modality).toBe('text');
        expect(model.id).toMatch(/^[\w.@-]+$/);
        expect(model.version.length).toBeGreaterThan(0);
        const texts = ['a cat sleeps on the mat', 'a kitten naps on a rug', 'stock markets fell sharply on friday', 'Ünïcödé — “quotes” and emoji 🎬'];
        expect(await model.embedBatch([])).toEqual([]);
        const vs = await model.embedBatch(texts);
        expectUnitVectors(vs, texts.length, model.dimension);
        expect(dot(vs[0]!, vs[1]!)).toBeGreaterThan(dot(vs[0]!, vs[2]!) + 0.1);
        const one = await model.embedBatch([texts[2]!]);
        expect(dot(one[0]!, vs[2]!)).toBeGreaterThan(0.9999);
      } finally {
        await model.close();
      }
    });
  });
}
