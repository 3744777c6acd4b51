import { copyFileSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { OnnxGraphBuilder } from './onnx-builder.js';
import { optimizedGraphPath, optimizedSession } from './optimized-session.js';

/** A small graph with something to optimise (MatMul then Add: fused into one Gemm-like node), as a file. */
function modelFile(dir: string): string {
  const g = new OnnxGraphBuilder();
  const w = g.initializer('w', [4, 3], Float32Array.from({ length: 12 }, (_, i) => (i % 5) - 2));
  const b = g.initializer('b', [3], Float32Array.from([0.5, -1, 2]));
  g.node('MatMul', ['x', w], 'xw');
  g.node('Add', ['xw', b], 'y');
  const file = join(dir, 'tiny.onnx');
  writeFileSync(file, g.encode({ inputs: [{ name: 'x', dims: ['n', 4] }], outputs: [{ name: 'y', dims: ['n', 3] }], producerVersion: 'test' }));
  return file;
}

async function run(session: ort.InferenceSession): Promise<number[]> {
  const x = new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4, -1, 0.5, 0, 2]), [2, 4]);
  return Array.from((await session.run({ x })).y!.data as Float32Array);
}

describe('optimizedSession', () => {
  it('caches the optimised graph once and answers as a plain session does, from the cache too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'marquee-optimized-'));
    const file = modelFile(dir);
    const cache = join(dir, 'cache');
    const expected = await run(await ort.InferenceSession.create(file));
    const first = await optimizedSession(file, {}, cache);
    const cached = optimizedGraphPath(file, cache);
    expect(readdirSync(join(cache, 'optimized'))).toEqual([cached.split('/').at(-1)]);
    expect(await run(first)).toEqual(expected);
    expect(await run(await optimizedSession(file, {}, cache))).toEqual(expected);
  });

  it('makes a damaged cached graph again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'marquee-optimized-'));
    const file = modelFile(dir);
    const cache = join(dir, 'cache');
    const expected = await run(await optimizedSession(file, {}, cache));
    writeFileSync(optimizedGraphPath(file, cache), 'not an onnx graph');
    expect(await run(await optimizedSession(file, {}, cache))).toEqual(expected);
    expect(await run(await ort.InferenceSession.create(optimizedGraphPath(file, cache)))).toEqual(expected);
  });

  it('still answers when the cache cannot be written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'marquee-optimized-'));
    const file = modelFile(dir);
    const notADir = join(dir, 'a-file');
    writeFileSync(notADir, '');
    const expected = await run(await ort.InferenceSession.create(file));
    expect(await run(await optimizedSession(file, {}, join(notADir, 'cache')))).toEqual(expected);
  });

  it('keys the cached graph on the source file: its path and its modification', () => {
    const dir = mkdtempSync(join(tmpdir(), 'marquee-optimized-'));
    const file = modelFile(dir);
    const before = optimizedGraphPath(file, dir);
    expect(optimizedGraphPath(file, dir)).toBe(before);
    const other = join(dir, 'other.onnx');
    copyFileSync(file, other);
    expect(optimizedGraphPath(other, dir)).not.toBe(before);
    utimesSync(file, new Date(2020, 0, 1), new Date(2020, 0, 1));
    expect(optimizedGraphPath(file, dir)).not.toBe(before);
  });
});
