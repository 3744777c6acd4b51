/**
 * Closest pairs and duplicate groups for the server: computed once per library state, with
 * their progress visible (GET /api/analyses/status), and — on a serving process — computed ahead
 * in the background when the server starts and again after the library changes, so the pairs
 * page does not make its first visitor wait ~90 s (3,253 posters, 2 cores) behind a spinner.
 */
import { findDuplicatePairs, groupDuplicates } from '../../analysis/duplicates.js';
import { closestPairs, type ClosestPair } from '../../analysis/pairs.js';
import type { SearchEngine } from '../../search/engine.js';
import { CONTENT_CHANNEL, IMAGE_CHANNELS, type ImageChannel } from '../../store/channels.js';

/** Pairs kept per channel; requests take a prefix. */
const PAIRS_KEPT = 1000;
/** After a change, wait this long for more (an index run commits batch after batch) before computing again. */
const SETTLE_MS = 30_000;

export interface AnalysisProgress {
  state: 'idle' | 'computing' | 'ready' | 'failed';
  /** Posters looked at of all. */
  done: number;
  total: number;
}

export interface DuplicateGroups {
  groups: string[][];
  /** Title and year of every movie in a group. */
  movies: Record<string, { title: string; year: number | null }>;
  /** The image model whose content vectors proposed the candidates (the library's default). */
  model: string;
}

export class PairAnalyses {
  private readonly results = new Map<string, Promise<unknown>>();
  private readonly progress = new Map<string, AnalysisProgress>();
  private settle?: NodeJS.Timeout;
  private closed = false;
  /** Aborts computations in flight when the server closes (they would hold the process up). */
  private readonly stopping = new AbortController();

  constructor(
    private readonly engine: SearchEngine,
    /** Compute ahead (a serving process); otherwise only on request (tests, embedded use). */
    private readonly ahead: boolean,
  ) {}

  /** `model`: image model of the content channel (default: the library's first). */
  pairs(channel: ImageChannel, model?: string): Promise<ClosestPair[]> {
    // Keyed by the store channel: naming the default model shares its pairs; an unknown model fails here, before anything is cached.
    return this.once(`pairs:${this.engine.indexes.storeChannel(channel, model)}`, (onProgress) => closestPairs(this.engine.indexes, channel, PAIRS_KEPT, onProgress, this.stopping.signal, model));
  }

  dupes(): Promise<DuplicateGroups> {
    return this.once('dupes', async (onProgress) => {
      const groups = groupDuplicates(await findDuplicatePairs(this.engine.indexes, undefined, onProgress, this.stopping.signal));
      const movies = await this.engine.store.getMoviesByKeys(groups.flat());
      const present = groups.map((g) => g.filter((k) => movies.has(k)));
      return {
        groups: present.map((g) => g.map((k) => movies.get(k)!.id)),
        movies: Object.fromEntries(present.flat().map((k) => [movies.get(k)!.id, { title: movies.get(k)!.title, year: movies.get(k)!.year }])),
        model: this.engine.embedder.models.image.id,
      };
    });
  }

  status(): { pairs: Record<string, AnalysisProgress>; dupes: AnalysisProgress } {
    const of = (key: string): AnalysisProgress => this.progress.get(key) ?? { state: 'idle', done: 0, total: 0 };
    return { pairs: Object.fromEntries(IMAGE_CHANNELS.map((c) => [c, of(`pairs:${this.engine.indexes.storeChannel(c)}`)])), dupes: of('dupes') };
  }

  /**
   * Starts the pairs page's default view (content pairs) and the duplicate groups, one after the
   * other, a moment after the server is up (the loops yield to the event loop as they go).
   */
  warm(delayMs = 2000): void {
    if (!this.ahead || this.closed) return;
    clearTimeout(this.settle);
    this.settle = setTimeout(() => {
      if (this.closed) return;
      void this.pairs(CONTENT_CHANNEL)
        .then(() => this.dupes())
        .catch(() => undefined);
    }, delayMs);
    this.settle.unref();
  }

  /** The library changed: forget the results; a serving process computes them again once changes settle. */
  reset(): void {
    this.results.clear();
    this.progress.clear();
    if (!this.ahead || this.closed) return;
    this.warm(SETTLE_MS);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.settle);
    this.stopping.abort();
  }

  private once<T>(key: string, compute: (onProgress: (done: number, total: number) => void) => Promise<T>): Promise<T> {
    let p = this.results.get(key) as Promise<T> | undefined;
    if (p) return p;
    const progress: AnalysisProgress = { state: 'computing', done: 0, total: 0 };
    this.progress.set(key, progress);
    p = compute((done, total) => Object.assign(progress, { done, total }));
    this.results.set(key, p);
    p.then(
      () => (progress.state = 'ready'),
      () => {
        progress.state = 'failed';
        if (this.results.get(key) === p) this.results.delete(key);
      },
    );
    return p;
  }
}
