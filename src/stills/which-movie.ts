/**
 * Which movie a frame comes from.
 * 1. Both channels are centred on the library's mean still and re-normalised (embeddings of
 *    ReLU features and colour histograms share a large common component that hides the
 *    differences between films); the content vectors are then projected on their
 *    STILLS_CONTENT_AXES leading principal axes (learned on an even sample of at most
 *    WHITENING_SAMPLE stills) and not re-normalised, so inner products approximate the centred
 *    cosines and an image unlike any still (a poster) keeps a short projection: re-normalised,
 *    posters scored higher and the confidence threshold kept 0.715 of right answers at 5 % of
 *    posters instead of 0.798 (0.818 now; docs/stills.md). A still's similarity to the query is
 *    WHICH_WEIGHTS.content · cos(content) + WHICH_WEIGHTS.color · cos(colour).
 * 2. Hub correction (CSLS): stills that are close to everything (dark frames, titles) would win
 *    every query, so each still's score is its similarity minus half its mean similarity to its
 *    HUB_K nearest stills.
 * 3. A movie scores the mean of its TOP_PER_MOVIE best stills.
 * Measured by `marquee stills eval` (leave-one-out, own frames within ±2 left out); the
 * parameters were chosen on the 720 demo stills and every variant is reported next to them.
 *
 * Cost (issue 30). The projection keeps 128 + 320 floats a still instead of 1792 + 320, a fifth
 * of the memory and of every similarity, at the same leave-one-out accuracy on the demo stills
 * (docs/stills.md). The hub terms are every still's nearest stills: block matrix products on
 * onnxruntime up to `stillsAnnThreshold()` stills, then an HNSW index (hnswlib) asked for each
 * still's neighbours, so nothing is quadratic past it; queries there rank a shortlist of the
 * ANN_SHORTLIST nearest stills. Before, the hub terms sorted every still's similarities to all
 * others in JavaScript: 6,300 stills took minutes to prepare (issue 30: 159.7 s for 90 queries).
 */
import { HnswIndex } from '../search/hnsw-index.js';
import { WHITENING_SAMPLE } from '../search/index-factory.js';
import { matmul } from '../search/matmul.js';
import { TopK } from '../search/top-k.js';
import { Whitening } from '../search/whitening.js';
import { centreOn } from '../util/vectors.js';
import type { StillVectors } from '../store/types.js';

/** Every still, a page at a time (the stills repository's vectorPage) and how many there are. */
export interface StillsSource {
  count: number;
  page: (afterKey: number, limit: number) => Promise<StillVectors[]>;
}

/** Stills read per page when preparing. */
const PAGE = 2000;

function arraySource(stills: StillVectors[]): StillsSource {
  const sorted = [...stills].sort((a, b) => a.key - b.key);
  return {
    count: sorted.length,
    page: async (afterKey, limit) => {
      const from = sorted.findIndex((s) => s.key > afterKey);
      return from === -1 ? [] : sorted.slice(from, from + limit);
    },
  };
}

/** Every still, a page at a time. */
async function* pages(page: StillsSource['page']): AsyncGenerator<StillVectors[]> {
  for (let after = 0; ; ) {
    const batch = await page(after, PAGE);
    if (!batch.length) return;
    yield batch;
    after = batch[batch.length - 1]!.key;
  }
}

export const WHICH_WEIGHTS = { content: 0.5, color: 0.5 } as const;
export const TOP_PER_MOVIE = 5;
export const HUB_K = 10;
/** Principal axes the content vectors are projected on (a library of fewer than twice as many stills is only centred). */
export const STILLS_CONTENT_AXES = 128;
/** Stills an ANN query ranks (the hub-corrected scores of the nearest ones). */
export const ANN_SHORTLIST = 1000;
/** Rows of the similarity matrix computed per matrix product when the hub terms are exact. */
const HUB_BLOCK = 256;

/** Above this many stills, hub terms and queries go through an HNSW index (MARQUEE_STILLS_ANN_THRESHOLD). */
export function stillsAnnThreshold(): number {
  const v = Number(process.env.MARQUEE_STILLS_ANN_THRESHOLD);
  return Number.isFinite(v) && v > 0 ? v : 20_000;
}

export interface WhichVariant {
  content: number;
  color: number;
  top: number;
  hub: boolean;
}

export const DEFAULT_VARIANT: WhichVariant = { ...WHICH_WEIGHTS, top: TOP_PER_MOVIE, hub: true };

/** What the matcher keeps of each still (no vectors: those live in its own compact rows). */
export interface StillRef {
  key: number;
  movieKey: number;
  seq: number;
}

type Weights = { content: number; color: number };
const sameWeights = (a: Weights, b: Weights) => a.content === b.content && a.color === b.color;

/** The stills prepared for which-movie queries: compact centred rows, hub terms, an ANN index past the threshold. */
export class StillsMatcher {
  private readonly hubCache = new Map<string, Float32Array>();
  private ann?: HnswIndex;

  private constructor(
    readonly stills: StillRef[],
    /** Query content → its row: centred to unit length, then projected (not re-normalised). */
    private readonly contentOf: (v: Float32Array) => Float32Array,
    /** What contentOf applies: the content mean and, past 2 x STILLS_CONTENT_AXES stills, the projection. */
    private readonly projection: { contentMean: Float64Array; reduce?: Whitening },
    private readonly colorMean: Float64Array,
    /** n rows of `dc` (content) and `dcol` (colour) floats. */
    private readonly content: Float32Array,
    private readonly color: Float32Array,
    private readonly dc: number,
    private readonly dcol: number,
    private readonly annThreshold: number,
    private readonly shortlist: number,
  ) {}

  /**
   * Prepares the matcher from every still, read a page at a time twice (the axes, means and
   * references first, then each still's rows): the full vectors of a large library are never
   * held at once (132,617 stills are ≈ 1.1 GB of float32 content and colour). A still written
   * between the two reads is left out until the matcher is prepared again (a library change
   * resets it); one deleted between them keeps a zero row, which matches nothing.
   */
  static async prepare(source: StillVectors[] | StillsSource, opts: { axes?: number; annThreshold?: number; shortlist?: number } = {}): Promise<StillsMatcher> {
    const { count, page } = Array.isArray(source) ? arraySource(source) : source;
    const axes = opts.axes ?? STILLS_CONTENT_AXES;
    const stride = Math.max(1, Math.ceil(count / WHITENING_SAMPLE));
    const refs: StillRef[] = [];
    const sample: Float32Array[] = [];
    let contentSum: Float64Array | undefined;
    let colorSum: Float64Array | undefined;
    for await (const batch of pages(page))
      for (const still of batch) {
        contentSum ??= new Float64Array(still.content.length);
        colorSum ??= new Float64Array(still.color.length);
        for (let t = 0; t < contentSum.length; t++) contentSum[t]! += still.content[t]!;
        for (let t = 0; t < colorSum.length; t++) colorSum[t]! += still.color[t]!;
        if (refs.length % stride === 0) sample.push(still.content);
        refs.push({ key: still.key, movieKey: still.movieKey, seq: still.seq });
      }
    const n = refs.length;
    const colorMean = (colorSum ?? new Float64Array()).map((x) => x / Math.max(1, n));
    const contentMean = (contentSum ?? new Float64Array()).map((x) => x / Math.max(1, n));
    let contentOf = (v: Float32Array) => centreOn(v, contentMean);
    let project = async (vs: Float32Array[]) => vs.map(contentOf);
    let dc = contentMean.length;
    let reduce: Whitening | undefined;
    if (axes > 0 && n >= 2 * axes) {
      // Axes of the centred unit vectors; their images are not re-normalised (Whitening.project).
      reduce = await Whitening.learn(sample.map((v) => centreOn(v, contentMean)), { components: axes, power: 0, centre: false });
      const r = reduce;
      contentOf = (v) => r.project(centreOn(v, contentMean));
      project = (vs) => r.applyAll(vs.map((v) => centreOn(v, contentMean)), false);
      dc = reduce.dimension;
    }
    sample.length = 0;
    const dcol = colorMean.length;
    const content = new Float32Array(n * dc);
    const color = new Float32Array(n * dcol);
    const row = new Map(refs.map((r, i) => [r.key, i]));
    for await (const batch of pages(page)) {
      const known = batch.filter((s) => row.has(s.key));
      const projected = await project(known.map((s) => s.content));
      known.forEach((s, b) => {
        const i = row.get(s.key)!;
        content.set(projected[b]!, i * dc);
        color.set(centreOn(s.color, colorMean), i * dcol);
      });
    }
    return new StillsMatcher(refs, contentOf, { contentMean, reduce }, colorMean, content, color, dc, dcol, opts.annThreshold ?? stillsAnnThreshold(), opts.shortlist ?? ANN_SHORTLIST);
  }

  /**
   * Each movie's stills in film order with their content rows (views, not copies): centred and
   * projected as for which-movie, so inner products approximate the centred cosines (looks.ts).
   */
  contentByMovie(): Map<number, { seq: number; vector: Float32Array }[]> {
    const out = new Map<number, { seq: number; vector: Float32Array }[]>();
    this.stills.forEach((s, i) => {
      const list = out.get(s.movieKey) ?? [];
      list.push({ seq: s.seq, vector: this.content.subarray(i * this.dc, (i + 1) * this.dc) });
      out.set(s.movieKey, list);
    });
    for (const list of out.values()) list.sort((a, b) => a.seq - b.seq);
    return out;
  }

  /**
   * What a stored match keeps (stored-match.ts): each still's row under the default weights
   * (inner products of two rows are their similarity) with its hub term, and how a query is
   * turned into a row (the means and the projection).
   */
  async storedRows(): Promise<{ rows: { key: number; movieKey: number; hub: number; row: Float32Array }[]; contentMean: Float64Array; colorMean: Float64Array; reduce?: Whitening }> {
    const hubs = await this.hubs(DEFAULT_VARIANT);
    const rows = this.stills.map((s, j) => ({ key: s.key, movieKey: s.movieKey, hub: hubs[j]!, row: this.combined(j, DEFAULT_VARIANT) }));
    return { rows, contentMean: this.projection.contentMean, colorMean: this.colorMean, reduce: this.projection.reduce };
  }

  /** Bytes of the prepared rows (what the matcher holds per still, besides the ANN index). */
  get bytes(): number {
    return this.content.byteLength + this.color.byteLength;
  }

  /** Whether queries and hub terms go through the HNSW index. */
  get approximate(): boolean {
    return this.stills.length > this.annThreshold;
  }

  /** Row j's weighted combination, whose inner products are the similarities under `w`. */
  private combined(j: number, w: Weights, out?: Float32Array): Float32Array {
    return weighted(this.content.subarray(j * this.dc, (j + 1) * this.dc), this.color.subarray(j * this.dcol, (j + 1) * this.dcol), w, out);
  }

  private similarities(q: { content: Float32Array; color: Float32Array }, w: Weights): Float32Array {
    const out = new Float32Array(this.stills.length);
    const { dc, dcol, content, color } = this;
    for (let j = 0; j < out.length; j++) {
      let sc = 0;
      let scol = 0;
      if (w.content) for (let t = 0, o = j * dc; t < dc; t++) sc += q.content[t]! * content[o + t]!;
      if (w.color) for (let t = 0, o = j * dcol; t < dcol; t++) scol += q.color[t]! * color[o + t]!;
      out[j] = w.content * sc + w.color * scol;
    }
    return out;
  }

  private async annIndex(): Promise<HnswIndex> {
    if (!this.ann) {
      const n = this.stills.length;
      const index = new HnswIndex(this.dc + this.dcol, n, undefined, undefined, 'dot');
      const batch: { key: number; vector: Float32Array }[] = [];
      for (let j = 0; j < n; j++) {
        batch.push({ key: j, vector: this.combined(j, DEFAULT_VARIANT) });
        if (batch.length === 1000 || j === n - 1) await index.upsert(batch.splice(0));
      }
      this.ann = index;
    }
    return this.ann;
  }

  /** Mean similarity of each still to its HUB_K nearest other stills. */
  private async hubs(w: Weights): Promise<Float32Array> {
    const key = `${w.content}/${w.color}`;
    let r = this.hubCache.get(key);
    if (!r) {
      r = this.approximate && sameWeights(w, DEFAULT_VARIANT) ? await this.annHubs() : await this.exactHubs(w);
      this.hubCache.set(key, r);
    }
    return r;
  }

  /** Hub terms from blocks of the similarity matrix (matrix products on onnxruntime). */
  private async exactHubs(w: Weights): Promise<Float32Array> {
    const n = this.stills.length;
    const d = this.dc + this.dcol;
    const all = new Float32Array(n * d);
    for (let j = 0; j < n; j++) this.combined(j, w, all.subarray(j * d, (j + 1) * d));
    const out = new Float32Array(n);
    const k = Math.min(HUB_K, n - 1);
    for (let start = 0; start < n; start += HUB_BLOCK) {
      const rows = Math.min(HUB_BLOCK, n - start);
      const sims = await matmul(all.subarray(start * d, (start + rows) * d), all, rows, d, n, { transB: true });
      for (let i = 0; i < rows; i++) {
        const top = new TopK(k);
        const o = i * n;
        for (let j = 0; j < n; j++) if (j !== start + i && sims[o + j]! > top.threshold) top.push(j, sims[o + j]!);
        const best = top.result();
        out[start + i] = k > 0 ? best.reduce((s, h) => s + h.score, 0) / HUB_K : 0;
      }
    }
    return out;
  }

  /** Hub terms from each still's nearest stills in the HNSW index. */
  private async annHubs(): Promise<Float32Array> {
    const index = await this.annIndex();
    const n = this.stills.length;
    const out = new Float32Array(n);
    const row = new Float32Array(this.dc + this.dcol);
    for (let j = 0; j < n; j++) {
      const hits = await index.search(this.combined(j, DEFAULT_VARIANT, row), HUB_K, { exclude: new Set([j]) });
      out[j] = hits.reduce((s, h) => s + h.score, 0) / HUB_K;
    }
    return out;
  }

  /** A query's rows: content projected as the stills were, colour centred. */
  private prepareQuery(query: { content: Float32Array; color: Float32Array }): { content: Float32Array; color: Float32Array } {
    return { content: this.contentOf(query.content), color: centreOn(query.color, this.colorMean) };
  }

  /** Ranks movies for raw (uncentred) query vectors. */
  async rank(query: { content: Float32Array; color: Float32Array }, variant: WhichVariant = DEFAULT_VARIANT): Promise<{ key: number; score: number }[]> {
    const q = this.prepareQuery(query);
    if (this.approximate && sameWeights(variant, DEFAULT_VARIANT)) return this.rankShortlist(q, variant);
    return this.rankPrepared(q, variant);
  }

  /** Every still scored (exact). */
  private async rankPrepared(q: { content: Float32Array; color: Float32Array }, variant: WhichVariant, skip?: (i: number) => boolean): Promise<{ key: number; score: number }[]> {
    const sims = this.similarities(q, variant);
    const hubs = variant.hub ? await this.hubs(variant) : undefined;
    const perMovie = new Map<number, number[]>();
    for (let j = 0; j < sims.length; j++) {
      if (skip?.(j)) continue;
      const s = this.stills[j]!;
      const list = perMovie.get(s.movieKey) ?? [];
      list.push(sims[j]! - (hubs ? hubs[j]! / 2 : 0));
      perMovie.set(s.movieKey, list);
    }
    return movieScores(perMovie, variant.top);
  }

  /**
   * The ANN_SHORTLIST nearest stills scored; a film with fewer than `top` of them is filled up
   * with the best score any other of its stills could have (the lowest shortlisted similarity
   * less the smallest hub term), so a film is never ranked above what its stills could earn.
   */
  private async rankShortlist(q: { content: Float32Array; color: Float32Array }, variant: WhichVariant): Promise<{ key: number; score: number }[]> {
    const index = await this.annIndex();
    const hubs = await this.hubs(variant);
    const hits = await index.search(weighted(q.content, q.color, variant), Math.min(this.shortlist, this.stills.length));
    const perMovie = new Map<number, number[]>();
    for (const h of hits) {
      const s = this.stills[h.key]!;
      const list = perMovie.get(s.movieKey) ?? [];
      list.push(h.score - (variant.hub ? hubs[h.key]! / 2 : 0));
      perMovie.set(s.movieKey, list);
    }
    if (hits.length < this.stills.length) {
      let minHub = Infinity;
      for (const x of hubs) minHub = Math.min(minHub, x);
      const bound = hits[hits.length - 1]!.score - (variant.hub ? minHub / 2 : 0);
      for (const list of perMovie.values()) while (list.length < variant.top) list.push(bound);
    }
    return movieScores(perMovie, variant.top);
  }

  /** Best scores of leave-one-out still queries, split by whether the best film was right. */
  async leaveOneOutBest(window: number): Promise<{ right: number[]; wrong: number[] }> {
    const right: number[] = [];
    const wrong: number[] = [];
    for (const [i, q] of this.stills.entries()) {
      const ranked = await this.rankPrepared(this.row(i), DEFAULT_VARIANT, (j) => this.stills[j]!.movieKey === q.movieKey && Math.abs(this.stills[j]!.seq - q.seq) <= window);
      (ranked[0]?.key === q.movieKey ? right : wrong).push(ranked[0]?.score ?? 0);
    }
    return { right, wrong };
  }

  private row(i: number): { content: Float32Array; color: Float32Array } {
    return { content: this.content.subarray(i * this.dc, (i + 1) * this.dc), color: this.color.subarray(i * this.dcol, (i + 1) * this.dcol) };
  }

  /** Leave-one-out run of one variant (exact): still i against all others, its movie's frames within ±window left out. */
  async leaveOneOut(variant: WhichVariant, window: number): Promise<{ top1: number; top3: number; hits: Map<number, { n: number; ok: number }> }> {
    let top1 = 0;
    let top3 = 0;
    const hits = new Map<number, { n: number; ok: number }>();
    for (const [i, q] of this.stills.entries()) {
      const ranked = await this.rankPrepared(this.row(i), variant, (j) => this.stills[j]!.movieKey === q.movieKey && Math.abs(this.stills[j]!.seq - q.seq) <= window);
      const ok = ranked[0]?.key === q.movieKey;
      if (ok) top1++;
      if (ranked.slice(0, 3).some((r) => r.key === q.movieKey)) top3++;
      const h = hits.get(q.movieKey) ?? { n: 0, ok: 0 };
      h.n++;
      if (ok) h.ok++;
      hits.set(q.movieKey, h);
    }
    return { top1: top1 / this.stills.length, top3: top3 / this.stills.length, hits };
  }
}

/** √w.content · content followed by √w.color · colour: inner products of two such are the weighted similarity. */
export function weighted(content: Float32Array, color: Float32Array, w: Weights, out: Float32Array = new Float32Array(content.length + color.length)): Float32Array {
  const a = Math.sqrt(w.content);
  const b = Math.sqrt(w.color);
  for (let t = 0; t < content.length; t++) out[t] = a * content[t]!;
  for (let t = 0; t < color.length; t++) out[content.length + t] = b * color[t]!;
  return out;
}

/** Each movie's score: the mean of its `top` best still scores (rounded to 1e-6), best first, ties by key. */
function movieScores(perMovie: Map<number, number[]>, top: number): { key: number; score: number }[] {
  const out: { key: number; score: number }[] = [];
  for (const [key, scores] of perMovie) {
    scores.sort((a, b) => b - a);
    const best = scores.slice(0, top);
    out.push({ key, score: Math.round((best.reduce((a, b) => a + b, 0) / best.length) * 1e6) / 1e6 });
  }
  return out.sort((a, b) => b.score - a.score || a.key - b.key);
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
export async function evaluateConfidence(matcher: StillsMatcher, others: { content: Float32Array; color: Float32Array }[], window = 2, threshold = CONFIDENT_SCORE): Promise<ConfidenceEvaluation> {
  const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
  const { right, wrong } = await matcher.leaveOneOutBest(window);
  const otherBest: number[] = [];
  for (const q of others) otherBest.push((await matcher.rank(q))[0]?.score ?? 0);
  otherBest.sort((a, b) => a - b);
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

export async function evaluateWhichMovie(matcher: StillsMatcher, names: Map<number, { id: string; title: string }>, window = 2): Promise<StillsEvaluation> {
  const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
  const main = await matcher.leaveOneOut(DEFAULT_VARIANT, window);
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
    variants: await Promise.all(
      others.map(async (variant) => {
        const r = await matcher.leaveOneOut(variant, window);
        return { variant, top1: r4(r.top1), top3: r4(r.top3) };
      }),
    ),
  };
}
