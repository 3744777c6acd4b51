/**
 * Shot boundary detection over a film's sampled frames (small RGB images), in one streaming pass
 * that keeps only a ring of recent frames, then a decision pass over per-frame numbers.
 *
 * - Hard cuts: the frame-to-frame difference spikes far above its neighbourhood (an adaptive
 *   threshold, as PySceneDetect's AdaptiveDetector), and the change persists: every frame of the
 *   three before differs from every frame of the three after. A white flash or a glitch frame
 *   returns to what was before, so it is no cut.
 * - Fades through black: a run of near-black, flat frames with the light falling into it and
 *   rising out of it (a dark scene has no such slope). The boundary is the run's middle.
 * - Dissolves: the frames of a window are, to within noise, mixes (1 − α)·A + α·B of the
 *   window's first and last frames, with α rising steadily through the window. A cut fits the mix
 *   but α jumps; zooms, pans and moving subjects do not fit a mix of their end frames. Windows of
 *   ¼, ½ and 1 s half-width catch dissolves of 0.5–2 s; the boundary is where α crosses ½.
 *
 * Differences are mean absolute differences of RGB values (0–255) on the small frames.
 */

export type Transition = 'cut' | 'dissolve' | 'fade';

export interface DetectedBoundary {
  transition: Transition;
  /** Sampled frame index of the boundary: a cut's first new frame, a gradual transition's middle. */
  frame: number;
  /** First and last sampled frame of the transition (equal to `frame` for a cut). */
  start: number;
  end: number;
}

export interface DetectorOptions {
  /** Sampled frames per second (windows are set in seconds). */
  fps: number;
  width: number;
  height: number;
}

/** Tuned on synthetic films of seeds 1–3 (test/e2e/shots.test.ts scores other seeds). */
export const DETECTOR_SETTINGS = {
  /** A cut's frame difference at least this (0–255), and this many times its neighbourhood's median. */
  cutMin: 8,
  cutRatio: 3,
  /** Half-width of the neighbourhood, seconds. */
  cutWindow: 0.5,
  /** Every before/after pair around a cut differs at least this share of the cut's own difference. */
  persist: 0.5,
  /** Black frame: mean luma at most this, and its spread at most fadeFlat. */
  fadeDark: 8,
  fadeFlat: 10,
  /** Longest black between a fade out and a fade in, seconds (longer: a dark shot). */
  fadeHold: 3,
  /** Light lost into and gained out of a fade, at least (luma, 0–255; and half of what there was). */
  fadeDepth: 5,
  /** A dissolve's end frames differ at least this much. */
  dissolveMin: 16,
  /** Mean residual of the mix fit over the ends' difference, at most. */
  mixResidual: 0.3,
  /** Share of a window's frames that are a real mix (α in 0.1–0.9), at least. */
  rampShare: 0.3,
  /** Rank correlation of α with time, at least. */
  rampOrder: 0.85,
  /** Edge energy in a dissolve's middle over its ends' mean, at most. */
  edgeDip: 0.85,
  /** …or the ends' edge energies differ this many times over. */
  edgeChange: 2,
  /** Dissolve window half-widths, seconds. */
  halfWidths: [0.25, 0.5, 1],
};

interface MixFit {
  /** Ends' difference. */
  d: number;
  residual: number;
  ramp: number;
  order: number;
  /** Frame offset (from the window start) where α crosses ½, and where it leaves 0.1 / reaches 0.9. */
  half: number;
  from: number;
  to: number;
}

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

/** An RGB frame at half width and height (2 x 2 means). */
function halve(f: Uint8Array, width: number, height: number): Uint8Array {
  const w = width >> 1;
  const h = height >> 1;
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 3; c++) {
        const p = ((2 * y) * width + 2 * x) * 3 + c;
        out[(y * w + x) * 3 + c] = (f[p]! + f[p + 3]! + f[p + width * 3]! + f[p + width * 3 + 3]! + 2) >> 2;
      }
  return out;
}

/** Mean absolute luma gradient (horizontal + vertical) of an RGB frame. */
function edgeEnergy(f: Uint8Array, width: number, height: number): number {
  const y = (p: number) => 0.299 * f[p * 3]! + 0.587 * f[p * 3 + 1]! + 0.114 * f[p * 3 + 2]!;
  let s = 0;
  for (let r = 0; r < height - 1; r++)
    for (let c = 0; c < width - 1; c++) {
      const p = r * width + c;
      const v = y(p);
      s += Math.abs(y(p + 1) - v) + Math.abs(y(p + width) - v);
    }
  return s / Math.max(1, (width - 1) * (height - 1));
}

function spearman(xs: number[]): number {
  const n = xs.length;
  if (n < 3) return 1;
  const order = xs.map((v, i) => ({ v, i })).sort((p, q) => p.v - q.v);
  const rank = new Array<number>(n);
  order.forEach((o, r) => (rank[o.i] = r));
  let s = 0;
  for (let i = 0; i < n; i++) s += (rank[i]! - i) ** 2;
  return 1 - (6 * s) / (n * (n * n - 1));
}

/** How well the frames between a and b are mixes of a and b. */
export function mixFit(frames: Uint8Array[]): MixFit {
  const a = frames[0]!;
  const b = frames.at(-1)!;
  const dim = a.length;
  const v = new Float32Array(dim);
  let vv = 0;
  let d = 0;
  for (let j = 0; j < dim; j++) {
    v[j] = b[j]! - a[j]!;
    vv += v[j]! * v[j]!;
    d += Math.abs(v[j]!);
  }
  d /= dim;
  const alphas: number[] = [];
  let residual = 0;
  for (let t = 1; t < frames.length - 1; t++) {
    const f = frames[t]!;
    let p = 0;
    for (let j = 0; j < dim; j++) p += (f[j]! - a[j]!) * v[j]!;
    const alpha = vv > 0 ? Math.min(1, Math.max(0, p / vv)) : 0;
    let r = 0;
    for (let j = 0; j < dim; j++) r += Math.abs(f[j]! - a[j]! - alpha * v[j]!);
    residual += r / dim;
    alphas.push(alpha);
  }
  const inner = alphas.length || 1;
  const crossing = (level: number) => {
    const k = alphas.findIndex((x) => x >= level);
    return k < 0 ? frames.length - 1 : k + 1;
  };
  return {
    d,
    residual: d > 0 ? residual / inner / d : 1,
    ramp: alphas.filter((x) => x >= 0.1 && x <= 0.9).length / inner,
    order: spearman(alphas),
    half: crossing(0.5),
    from: crossing(0.1),
    to: crossing(0.9),
  };
}

interface Candidate {
  centre: number;
  start: number;
  end: number;
  score: number;
}

export class ShotDetector {
  private readonly ring: Uint8Array[] = [];
  /** The same frames at half size: dissolve fits run on these (4x fewer values, as accurate). */
  private readonly halfRing: Uint8Array[] = [];
  private readonly ringSize: number;
  private count = 0;
  /** Frame-to-frame difference (d1[i]: frames i−1 → i). */
  private readonly d1: number[] = [];
  /** Smallest difference between any of frames i−3..i−1 and any of i..i+2. */
  private readonly persist: number[] = [];
  private readonly luma: number[] = [];
  private readonly spread: number[] = [];
  /** Mean luma gradient (edge energy) of each frame. */
  private readonly edges: number[] = [];
  private readonly dissolves: Candidate[] = [];
  private readonly halfWidths: number[];

  constructor(private readonly opts: DetectorOptions) {
    this.halfWidths = [...new Set(DETECTOR_SETTINGS.halfWidths.map((s) => Math.max(3, Math.round(s * opts.fps))))];
    this.ringSize = 2 * Math.max(...this.halfWidths) + 8;
  }

  private frame(i: number): Uint8Array {
    return this.ring[i % this.ringSize]!;
  }

  /** Adds the next sampled frame (RGB8, width x height); the array is copied. */
  push(rgb: Uint8Array): void {
    const i = this.count++;
    this.ring[i % this.ringSize] = Uint8Array.from(rgb);
    this.halfRing[i % this.ringSize] = halve(rgb, this.opts.width, this.opts.height);
    const f = this.frame(i);
    let sum = 0;
    let sq = 0;
    const px = f.length / 3;
    for (let p = 0; p < px; p++) {
      const y = 0.299 * f[p * 3]! + 0.587 * f[p * 3 + 1]! + 0.114 * f[p * 3 + 2]!;
      sum += y;
      sq += y * y;
    }
    this.luma.push(sum / px);
    this.edges.push(edgeEnergy(f, this.opts.width, this.opts.height));
    this.spread.push(Math.sqrt(Math.max(0, sq / px - (sum / px) ** 2)));
    this.d1.push(i === 0 ? 0 : meanAbsDiff(this.frame(i - 1), f));
    // Persistence of the change at frame i − 2 (needs frames up to i).
    const c = i - 2;
    if (c >= 1) this.persist[c] = this.persistenceAt(c, i);
    // Dissolve windows ending at this frame.
    for (const h of this.halfWidths) {
      const start = i - 2 * h;
      if (start < 0) continue;
      const ends = meanAbsDiff(this.frame(start), f);
      if (ends < DETECTOR_SETTINGS.dissolveMin) continue;
      // A window with a hard cut in it is no dissolve (most windows whose ends differ are these).
      if (this.hasSpike(start + 1, i)) continue;
      const window: Uint8Array[] = [];
      for (let t = start; t <= i; t++) window.push(this.halfRing[t % this.ringSize]!);
      const fit = mixFit(window);
      const s = DETECTOR_SETTINGS;
      if (fit.residual > s.mixResidual || fit.ramp < s.rampShare || fit.order < s.rampOrder) continue;
      // Two unrelated pictures laid over each other blur each other's edges: the middle of a
      // dissolve has less edge energy than its ends; a zoom or pan keeps its edges. (A dissolve
      // to a flat, dark picture has no dip, but its edge energy falls several times over, which
      // no camera motion does.)
      const mid = this.edges[start + fit.half]!;
      const [ea, eb] = [this.edges[start]!, this.edges[i]!];
      if (mid > (s.edgeDip * (ea + eb)) / 2 && Math.max(ea, eb) < s.edgeChange * Math.min(ea, eb)) continue;
      {
        this.dissolves.push({ centre: start + fit.half, start: start + fit.from, end: start + fit.to, score: fit.d * (1 - fit.residual) * fit.ramp });
      }
    }
  }

  /** Whether frames from..to hold a frame difference far above the window's median (a cut's spike). */
  private hasSpike(from: number, to: number): boolean {
    const d = this.d1.slice(from, to + 1);
    const max = Math.max(...d);
    if (max < DETECTOR_SETTINGS.cutMin) return false;
    const median = [...d].sort((a, b) => a - b)[Math.floor(d.length / 2)]!;
    return max >= DETECTOR_SETTINGS.cutRatio * median + 1 && max >= 2 * DETECTOR_SETTINGS.cutMin;
  }

  private persistenceAt(c: number, last: number): number {
    let min = Infinity;
    for (let k1 = 1; k1 <= 3 && c - k1 >= 0; k1++) for (let t = c; t <= Math.min(c + 2, last); t++) min = Math.min(min, meanAbsDiff(this.frame(c - k1), this.frame(t)));
    return min;
  }

  get frames(): number {
    return this.count;
  }

  /** The boundaries found, in film order. */
  finish(): DetectedBoundary[] {
    const n = this.count;
    // The last two frames' persistence, with what there is after them.
    for (let c = Math.max(1, n - 2); c < n; c++) this.persist[c] = this.persistenceAt(c, n - 1);
    const s = DETECTOR_SETTINGS;
    const out: DetectedBoundary[] = [];

    // Fades through black.
    const dark = (i: number) => this.luma[i]! <= s.fadeDark && this.spread[i]! <= s.fadeFlat;
    const fadeSpans: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      if (!dark(i)) continue;
      let j = i;
      while (j + 1 < n && dark(j + 1)) j++;
      const look = Math.max(3, Math.round(this.opts.fps * 1.2));
      if (i > 0 && j < n - 1) {
        const floor = Math.min(...this.luma.slice(i, j + 1));
        // The transition's extent: where the light stops falling before the run and rising after it.
        let a = i;
        while (a > 0 && this.luma[a - 1]! > this.luma[a]! + 0.2 && i - a < look) a--;
        let b = j;
        while (b < n - 1 && this.luma[b + 1]! > this.luma[b]! + 0.2 && b - j < look) b++;
        // A fade falls and rises over several frames (a cut into a dark shot drops at once), by
        // a good part of the light there was (a dark shot fades from little light).
        const slope = Math.max(2, Math.round(this.opts.fps * 0.12));
        const deep = (from: number) => from - floor >= Math.max(s.fadeDepth, 0.5 * from);
        if (i - a >= slope && b - j >= slope && deep(this.luma[a]!) && deep(this.luma[b]!) && j - i <= this.opts.fps * s.fadeHold) {
          out.push({ transition: 'fade', frame: Math.round((a + b) / 2), start: a, end: b });
          fadeSpans.push([a, b]);
        }
      }
      i = j;
    }
    const inFade = (f: number) => fadeSpans.some(([a, b]) => f >= a - 1 && f <= b + 1);

    // Hard cuts.
    const w = Math.max(2, Math.round(this.opts.fps * s.cutWindow));
    const cuts: number[] = [];
    for (let i = 1; i < n; i++) {
      const d = this.d1[i]!;
      if (d < s.cutMin || inFade(i)) continue;
      const around: number[] = [];
      for (let k = Math.max(1, i - w); k <= Math.min(n - 1, i + w); k++) if (Math.abs(k - i) > 1) around.push(this.d1[k]!);
      around.sort((x, y) => x - y);
      const median = around.length ? around[Math.floor(around.length / 2)]! : 0;
      if (d < s.cutRatio * median + 1) continue;
      if ((this.persist[i] ?? 0) < s.persist * d) continue;
      // The strongest of neighbouring spikes.
      if ((this.d1[i - 1] ?? 0) > d || (this.d1[i + 1] ?? 0) >= d) continue;
      cuts.push(i);
    }
    for (const c of cuts) out.push({ transition: 'cut', frame: c, start: c, end: c });

    // Dissolves: best-scoring windows first, none across a cut or a fade, none overlapping another.
    const kept: Candidate[] = [];
    for (const cand of [...this.dissolves].sort((a, b) => b.score - a.score)) {
      if (cuts.some((c) => c > cand.start - 2 && c <= cand.end + 2)) continue;
      if (fadeSpans.some(([a, b]) => cand.end >= a && cand.start <= b)) continue;
      if (kept.some((k) => cand.start <= k.end + 2 && cand.end >= k.start - 2)) continue;
      kept.push(cand);
    }
    for (const k of kept) out.push({ transition: 'dissolve', frame: k.centre, start: k.start, end: k.end });
    return out.sort((a, b) => a.frame - b.frame);
  }
}
