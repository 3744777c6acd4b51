/**
 * Which movie a frame comes from.
 * 1. Both channels are centred on the library's mean still and re-normalised (embeddings of
 *    ReLU features and colour histograms share a large common component that hides the
 *    differences between films), then a still's similarity to the query is
 *    WHICH_WEIGHTS.content · cos(content) + WHICH_WEIGHTS.color · cos(colour).
 * 2. Hub correction (CSLS): stills that are close to everything (dark frames, titles) would win
 *    every query, so each still's score is its similarity minus half its mean similarity to its
 *    HUB_K nearest stills.
 * 3. A movie scores the mean of its TOP_PER_MOVIE best stills.
 * Measured by `marquee stills eval` (leave-one-out, own frames within ±2 left out); the
 * parameters were chosen on the 720 demo stills and every variant is reported next to them.
 * Hub terms cost O(n²) once per library load: fine to ~20k stills, an ANN index beyond.
 */
import { centreOn, dot, meanVector } from '../util/vectors.js';
import type { StoredStill } from '../store/types.js';

export const WHICH_WEIGHTS = { content: 0.5, color: 0.5 } as const;
export const TOP_PER_MOVIE = 5;
export const HUB_K = 10;

export interface WhichVariant {
  content: number;
  color: number;
  top: number;
  hub: boolean;
}

export const DEFAULT_VARIANT: WhichVariant = { ...WHICH_WEIGHTS, top: TOP_PER_MOVIE, hub: true };

/** The stills prepared for which-movie queries (centred vectors, hub terms). */
export class StillsMatcher {
  private readonly contentMean: Float64Array;
  private readonly colorMean: Float64Array;
  private readonly content: Float32Array[];
  private readonly color: Float32Array[];
  private readonly hubCache = new Map<string, Float32Array>();

  constructor(readonly stills: StoredStill[]) {
    this.contentMean = meanVector(stills.map((s) => s.content));
    this.colorMean = meanVector(stills.map((s) => s.color));
    this.content = stills.map((s) => centreOn(s.content, this.contentMean));
    this.color = stills.map((s) => centreOn(s.color, this.colorMean));
  }

  private similarities(q: { content: Float32Array; color: Float32Array }, w: { content: number; color: number }): Float32Array {
    const out = new Float32Array(this.stills.length);
    for (let j = 0; j < out.length; j++) out[j] = (w.content ? w.content * dot(q.content, this.content[j]!) : 0) + (w.color ? w.color * dot(q.color, this.color[j]!) : 0);
    return out;
  }

  /** Mean similarity of each still to its HUB_K nearest other stills. */
  private hubs(w: { content: number; color: number }): Float32Array {
    const key = `${w.content}/${w.color}`;
    let r = this.hubCache.get(key);
    if (!r) {
      r = new Float32Array(this.stills.length);
      for (let j = 0; j < r.length; j++) {
        const sims = Array.from(this.similarities({ content: this.content[j]!, color: this.color[j]! }, w));
        sims[j] = -Infinity;
        sims.sort((a, b) => b - a);
        r[j] = sims.slice(0, HUB_K).reduce((a, b) => a + b, 0) / HUB_K;
      }
      this.hubCache.set(key, r);
    }
    return r;
  }

  /** Ranks movies for raw (uncentred) query vectors. */
  rank(query: { content: Float32Array; color: Float32Array }, variant: WhichVariant = DEFAULT_VARIANT, skip?: (i: number) => boolean): { key: number; score: number }[] {
    const q = { content: centreOn(query.content, this.contentMean), color: centreOn(query.color, this.colorMean) };
    return this.rankCentred(q, variant, skip);
  }

  private rankCentred(q: { content: Float32Array; color: Float32Array }, variant: WhichVariant, skip?: (i: number) => boolean): { key: number; score: number }[] {
    const sims = this.similarities(q, variant);
    const hubs = variant.hub ? this.hubs(variant) : undefined;
    const perMovie = new Map<number, number[]>();
    for (let j = 0; j < sims.length; j++) {
      if (skip?.(j)) continue;
      const s = this.stills[j]!;
      const list = perMovie.get(s.movieKey) ?? [];
      list.push(sims[j]! - (hubs ? hubs[j]! / 2 : 0));
      perMovie.set(s.movieKey, list);
    }
    const out: { key: number; score: number }[] = [];
    for (const [key, scores] of perMovie) {
      scores.sort((a, b) => b - a);
      const top = scores.slice(0, variant.top);
      out.push({ key, score: Math.round((top.reduce((a, b) => a + b, 0) / top.length) * 1e6) / 1e6 });
    }
    return out.sort((a, b) => b.score - a.score || a.key - b.key);
  }

  /** Best scores of leave-one-out still queries, split by whether the best film was right. */
  leaveOneOutBest(window: number): { right: number[]; wrong: number[] } {
    const right: number[] = [];
    const wrong: number[] = [];
    this.stills.forEach((q, i) => {
      const ranked = this.rankCentred({ content: this.content[i]!, color: this.color[i]! }, DEFAULT_VARIANT, (j) => this.stills[j]!.movieKey === q.movieKey && Math.abs(this.stills[j]!.seq - q.seq) <= window);
      (ranked[0]?.key === q.movieKey ? right : wrong).push(ranked[0]?.score ?? 0);
    });
    return { right, wrong };
  }

  /** Leave-one-out run of one variant: still i against all others, its movie's frames within ±window left out. */
  leaveOneOut(variant: WhichVariant, window: number): { top1: number; top3: number; hits: Map<number, { n: number; ok: number }> } {
    let top1 = 0;
    let top3 = 0;
    const hits = new Map<number, { n: number; ok: number }>();
    this.stills.forEach((q, i) => {
      const ranked = this.rankCentred({ content: this.content[i]!, color: this.color[i]! }, variant, (j) => this.stills[j]!.movieKey === q.movieKey && Math.abs(this.stills[j]!.seq - q.seq) <= window);
      const ok = ranked[0]?.key === q.movieKey;
      if (ok) top1++;
      if (ranked.slice(0, 3).some((r) => r.key === q.movieKey)) top3++;
      const h = hits.get(q.movieKey) ?? { n: 0, ok: 0 };
      h.n++;
      if (ok) h.ok++;
      hits.set(q.movieKey, h);
    });
    return { top1: top1 / this.stills.length, top3: top3 / this.stills.length, hits };
  }
}

/**
 * A which-movie answer is confident when the best film scores at least this: below it the image
 * is most likely a frame of no indexed film. Measured by `marquee stills eval` on the 720 demo
 * stills (leave-one-out, ±2 frames left out) against the 3,253 catalog posters used as queries
 * (images of no indexed film): 0.24 lets 5 % of posters through and keeps 80 % of right answers.
 * The best film's lead over the second separates them far worse (5 % of posters: 23 % of right
 * answers kept), as does the lead relative to the mean score. Figures in docs/stills.md.
 */
export const CONFIDENT_SCORE = 0.24;

export interface ConfidenceEvaluation {
  /** The threshold in use. */
  score: number;
  /** Leave-one-out still queries whose best film was right / wrong, and how many of each the threshold keeps. */
  rightStills: number;
  rightKept: number;
  wrongStills: number;
  wrongKept: number;
  /** Images of no indexed film (the library's posters) and how many the threshold wrongly keeps. */
  otherImages: number;
  otherKept: number;
  /** The lowest best score that lets at most 5 % of the other images through, measured now. */
  scoreAt5PercentOthers: number;
  /** Shares kept at other thresholds: right still answers, wrong ones, other images. */
  curve: { score: number; right: number; wrong: number; others: number }[];
}

/** The confidence threshold against leave-one-out stills and images of no indexed film. */
export function evaluateConfidence(matcher: StillsMatcher, others: { content: Float32Array; color: Float32Array }[], window = 2, threshold = CONFIDENT_SCORE): ConfidenceEvaluation {
  const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
  const { right, wrong } = matcher.leaveOneOutBest(window);
  const otherBest = others.map((q) => matcher.rank(q)[0]?.score ?? 0).sort((a, b) => a - b);
  const kept = (xs: number[], t: number) => xs.filter((x) => x >= t).length;
  const at5 = otherBest.length ? otherBest[Math.min(otherBest.length - 1, Math.floor(otherBest.length * 0.95))]! : 0;
  return {
    score: threshold,
    rightStills: right.length,
    rightKept: kept(right, threshold),
    wrongStills: wrong.length,
    wrongKept: kept(wrong, threshold),
    otherImages: otherBest.length,
    otherKept: kept(otherBest, threshold),
    scoreAt5PercentOthers: r4(at5),
    curve: [0.16, 0.2, 0.22, 0.24, 0.26, 0.3].map((t) => ({
      score: t,
      right: r4(kept(right, t) / Math.max(1, right.length)),
      wrong: r4(kept(wrong, t) / Math.max(1, wrong.length)),
      others: r4(kept(otherBest, t) / Math.max(1, otherBest.length)),
    })),
  };
}

export interface StillsEvaluation {
  stills: number;
  movies: number;
  excludeWindow: number;
  chance: number;
  method: WhichVariant & { hubK: number };
  top1: number;
  top3: number;
  perMovie: { id: string; title: string; top1: number }[];
  /** The same leave-one-out run with other settings, for comparison. */
  variants: { variant: WhichVariant; top1: number; top3: number }[];
  /** How well the confidence threshold tells frames of indexed films from other images (posters), when the library has posters. */
  confidence?: ConfidenceEvaluation;
}

export function evaluateWhichMovie(matcher: StillsMatcher, names: Map<number, { id: string; title: string }>, window = 2): StillsEvaluation {
  const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
  const main = matcher.leaveOneOut(DEFAULT_VARIANT, window);
  const others: WhichVariant[] = [
    { content: 1, color: 0, top: TOP_PER_MOVIE, hub: true },
    { content: 0, color: 1, top: TOP_PER_MOVIE, hub: true },
    { ...DEFAULT_VARIANT, hub: false },
    { ...DEFAULT_VARIANT, top: 1 },
    { ...DEFAULT_VARIANT, top: 3 },
  ];
  const movieCount = new Set(matcher.stills.map((s) => s.movieKey)).size;
  return {
    stills: matcher.stills.length,
    movies: movieCount,
    excludeWindow: window,
    chance: r4(1 / Math.max(1, movieCount)),
    method: { ...DEFAULT_VARIANT, hubK: HUB_K },
    top1: r4(main.top1),
    top3: r4(main.top3),
    perMovie: [...main.hits].map(([key, h]) => ({ ...names.get(key)!, top1: r4(h.ok / h.n) })),
    variants: others.map((variant) => {
      const r = matcher.leaveOneOut(variant, window);
      return { variant, top1: r4(r.top1), top3: r4(r.top3) };
    }),
  };
}
