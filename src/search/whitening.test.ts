/** A learned whitening kept as bytes (the stored which-movie match) projects as the one it was read from. */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../util/random.js';
import { Whitening } from './whitening.js';

describe('whitening as bytes', () => {
  it('round-trips: the same shape, spec and images, from a buffer at any offset', async () => {
    const random = seededRandom(3);
    const vectors = Array.from({ length: 300 }, () => Float32Array.from({ length: 40 }, () => random() - 0.3));
    const learned = await Whitening.learn(vectors, { components: 12, power: 0.25, centre: true });
    const stored = learned.toBytes();
    expect(stored.bytes.length).toBe(12 * 40 * 4 + 12 * 8);
    // A stored file comes back as a view into a larger buffer at an odd offset.
    const padded = Buffer.concat([Buffer.from([1, 2, 3]), stored.bytes]).subarray(3);
    const read = Whitening.fromBytes({ ...stored, bytes: padded });
    expect([read.dimension, read.inputDimension, read.spec]).toEqual([12, 40, { components: 12, power: 0.25, centre: true }]);
    for (const v of vectors.slice(0, 20)) {
      expect(Array.from(read.project(v))).toEqual(Array.from(learned.project(v)));
      expect(Array.from(read.apply(v))).toEqual(Array.from(learned.apply(v)));
    }
    expect(() => Whitening.fromBytes({ ...stored, bytes: stored.bytes.subarray(8) })).toThrow(/takes 2016 bytes, not 2008/);
  });
});
