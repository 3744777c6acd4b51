/**
 * Earth mover's distance between two palettes (weighted Lab colours), approximated with
 * Sinkhorn iterations (entropic optimal transport): the average ΔE each unit of colour of
 * one palette has to move to become the other. 0 for identical palettes.
 */
import { deltaE } from './color-space.js';
import type { PaletteColor } from './palette.js';

export function paletteDistance(p: PaletteColor[], q: PaletteColor[], epsilon = 2, iterations = 200): number {
  if (p.length === 0 || q.length === 0) return Infinity;
  const a = p.map((c) => c.share);
  const b = q.map((c) => c.share);
  const sa = a.reduce((x, y) => x + y, 0);
  const sb = b.reduce((x, y) => x + y, 0);
  for (let i = 0; i < a.length; i++) a[i] = a[i]! / sa;
  for (let j = 0; j < b.length; j++) b[j] = b[j]! / sb;
  const cost = p.map((c) => q.map((d) => deltaE(c.lab, d.lab)));
  const K = cost.map((row) => row.map((c) => Math.exp(-c / epsilon)));
  const u = new Array<number>(a.length).fill(1);
  const v = new Array<number>(b.length).fill(1);
  for (let it = 0; it < iterations; it++) {
    for (let i = 0; i < a.length; i++) u[i] = a[i]! / Math.max(1e-300, K[i]!.reduce((s, k, j) => s + k * v[j]!, 0));
    for (let j = 0; j < b.length; j++) v[j] = b[j]! / Math.max(1e-300, K.reduce((s, row, i) => s + row[j]! * u[i]!, 0));
  }
  let d = 0;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) d += u[i]! * K[i]![j]! * v[j]! * cost[i]![j]!;
  return d;
}
