/** Multi-label metrics: per-genre average precision, F1 at thresholds, top-k hits. */

/** Average precision of one label: mean precision at each positive, ranked by score (ties broken by index). */
export function averagePrecision(scores: Float32Array, labels: Uint8Array): number {
  const order = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]! || a - b);
  let hits = 0;
  let sum = 0;
  order.forEach((i, rank) => {
    if (labels[i]) {
      hits++;
      sum += hits / (rank + 1);
    }
  });
  return hits === 0 ? NaN : sum / hits;
}

export interface Scored {
  /** n x G probabilities, row-major. */
  p: Float32Array;
  /** n x G multi-hot labels. */
  y: Uint8Array;
  n: number;
  g: number;
}

function column(m: Float32Array | Uint8Array, n: number, g: number, j: number) {
  return m instanceof Float32Array ? Float32Array.from({ length: n }, (_, i) => m[i * g + j]!) : Uint8Array.from({ length: n }, (_, i) => m[i * g + j]!);
}

export function perGenreAP(s: Scored): number[] {
  return Array.from({ length: s.g }, (_, j) => averagePrecision(column(s.p, s.n, s.g, j) as Float32Array, column(s.y, s.n, s.g, j) as Uint8Array));
}

/** The threshold per genre maximising that genre's F1 (chosen on the same scores: report it as tuned). */
export function tuneThresholds(s: Scored): number[] {
  return Array.from({ length: s.g }, (_, j) => {
    const p = column(s.p, s.n, s.g, j) as Float32Array;
    const y = column(s.y, s.n, s.g, j) as Uint8Array;
    const positives = y.reduce((a, b) => a + b, 0);
    const order = Array.from(p.keys()).sort((a, b) => p[b]! - p[a]!);
    let tp = 0;
    let best = { f1: -1, t: 0.5 };
    order.forEach((i, rank) => {
      if (y[i]) tp++;
      const f1 = (2 * tp) / (rank + 1 + positives);
      if (f1 > best.f1) best = { f1, t: p[i]! };
    });
    return best.t;
  });
}

export function f1Scores(s: Scored, thresholds: number[]): { micro: number; macro: number } {
  let TP = 0, FP = 0, FN = 0;
  const perGenre: number[] = [];
  for (let j = 0; j < s.g; j++) {
    let tp = 0, fp = 0, fn = 0;
    for (let i = 0; i < s.n; i++) {
      const pred = s.p[i * s.g + j]! >= thresholds[j]!;
      const y = s.y[i * s.g + j] === 1;
      if (pred && y) tp++;
      else if (pred) fp++;
      else if (y) fn++;
    }
    TP += tp;
    FP += fp;
    FN += fn;
    if (tp + fn > 0) perGenre.push((2 * tp) / Math.max(1, 2 * tp + fp + fn));
  }
  return { micro: (2 * TP) / Math.max(1, 2 * TP + FP + FN), macro: perGenre.reduce((a, b) => a + b, 0) / perGenre.length };
}

/** Share of movies whose top-k predicted genres include at least one true genre. */
export function topKHit(s: Scored, k: number): number {
  let hits = 0;
  let counted = 0;
  for (let i = 0; i < s.n; i++) {
    const row = Array.from({ length: s.g }, (_, j) => j).sort((a, b) => s.p[i * s.g + b]! - s.p[i * s.g + a]! || a - b);
    if (!row.some((j) => s.y[i * s.g + j])) continue;
    counted++;
    if (row.slice(0, k).some((j) => s.y[i * s.g + j])) hits++;
  }
  return hits / Math.max(1, counted);
}

export function meanDefined(xs: number[]): number {
  const d = xs.filter((x) => !Number.isNaN(x));
  return d.reduce((a, b) => a + b, 0) / Math.max(1, d.length);
}
