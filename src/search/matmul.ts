/**
 * Dense float32 matrix products on onnxruntime (its MLAS kernels, on every core): the PCA behind
 * the hub correction (whitening.ts) multiplies a library's vectors (3k × 1792 on the demo) in
 * ~0.3 s, where plain JavaScript loops take ~5 s. One Gemm graph per transposition, with dynamic
 * shapes, built here (no model file); sessions shared.
 */
import * as ort from 'onnxruntime-node';
import { int, OnnxGraphBuilder } from '../models/onnx-builder.js';

const sessions = new Map<string, Promise<ort.InferenceSession>>();

function gemmSession(transA: boolean, transB: boolean): Promise<ort.InferenceSession> {
  const id = `${+transA}${+transB}`;
  let s = sessions.get(id);
  if (!s) {
    const g = new OnnxGraphBuilder();
    g.node('Gemm', ['a', 'b'], 'y', [int('transA', +transA), int('transB', +transB)]);
    const model = g.encode({ inputs: [{ name: 'a', dims: ['a0', 'a1'] }, { name: 'b', dims: ['b0', 'b1'] }], outputs: [{ name: 'y', dims: ['m', 'n'] }], producerVersion: 'gemm' });
    s = ort.InferenceSession.create(model, { interOpNumThreads: 1, executionMode: 'sequential' });
    sessions.set(id, s);
    s.catch(() => sessions.delete(id));
  }
  return s;
}

/**
 * op(a) · op(b), m×n row-major, where op(a) is m×k and op(b) k×n; `transA`: a is stored k×m
 * (row-major) and used transposed; `transB`: b is stored n×k.
 */
export async function matmul(a: Float32Array, b: Float32Array, m: number, k: number, n: number, opts: { transA?: boolean; transB?: boolean } = {}): Promise<Float32Array> {
  if (a.length !== m * k || b.length !== k * n) throw new Error(`matmul of ${a.length} and ${b.length} values as ${m}×${k} and ${k}×${n}`);
  if (m === 0 || n === 0 || k === 0) return new Float32Array(m * n);
  const ta = opts.transA === true, tb = opts.transB === true;
  const out = await (await gemmSession(ta, tb)).run({ a: new ort.Tensor('float32', a, ta ? [k, m] : [m, k]), b: new ort.Tensor('float32', b, tb ? [n, k] : [k, n]) });
  return out.y!.data as Float32Array;
}
