/**
 * Precision and recall of detected shot boundaries against true ones: a cut matches a true cut
 * within ±1 frame, a gradual transition (dissolve or fade) a true gradual one within ±0.5 s of
 * its middle. Each true boundary matches at most one detection (nearest first).
 */
export interface ScoredBoundary {
  kind: 'cut' | 'dissolve' | 'fade';
  /** Seconds (a cut's first new frame, a gradual transition's middle). */
  time: number;
}

export interface ClassScore {
  truth: number;
  detected: number;
  matched: number;
  precision: number;
  recall: number;
  f1: number;
}

function match(truth: number[], found: number[], tolerance: number): number {
  const pairs: { t: number; f: number; d: number }[] = [];
  truth.forEach((t, ti) => found.forEach((f, fi) => Math.abs(t - f) <= tolerance + 1e-9 && pairs.push({ t: ti, f: fi, d: Math.abs(t - f) })));
  pairs.sort((a, b) => a.d - b.d);
  const usedT = new Set<number>();
  const usedF = new Set<number>();
  for (const p of pairs) {
    if (usedT.has(p.t) || usedF.has(p.f)) continue;
    usedT.add(p.t);
    usedF.add(p.f);
  }
  return usedT.size;
}

function score(truth: number[], found: number[], tolerance: number): ClassScore {
  const matched = match(truth, found, tolerance);
  const precision = found.length ? matched / found.length : truth.length ? 0 : 1;
  const recall = truth.length ? matched / truth.length : 1;
  return { truth: truth.length, detected: found.length, matched, precision, recall, f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0 };
}

/** Scores of hard cuts and of gradual transitions (dissolves and fades together). */
export function scoreBoundaries(truth: ScoredBoundary[], found: ScoredBoundary[], fps: number): { cuts: ClassScore; gradual: ClassScore } {
  const times = (xs: ScoredBoundary[], cut: boolean) => xs.filter((b) => (b.kind === 'cut') === cut).map((b) => b.time);
  return { cuts: score(times(truth, true), times(found, true), 1 / fps), gradual: score(times(truth, false), times(found, false), 0.5) };
}
