/**
 * Closest pairs and duplicate groups for the server: computed once per state of the vectors and
 * posters they read (a genre re-train or a batch of poster readings touches neither), with their
 * progress visible (GET /api/analyses/status), and — on a serving process — computed ahead in the
 * background when the server starts and again once changes settle, so the pairs page does not
 * make its first visitor wait ~90 s (3,253 posters, 2 cores) behind a spinner. After a change the
 * last result is served (`updating` in the status) while the new one is computed.
 */
import { findDuplicatePairs, groupDuplicates } from '../../analysis/duplicates.js';
import { closestPairs, type ClosestPair } from '../../analysis/pairs.js';
import type { SearchEngine } from '../../search/engine.js';
import { CONTENT_CHANNEL, IMAGE_CHANNELS, type ImageChannel } from '../../store/channels.js';
import { vectorsArea } from '../../store/revisions.js';
import { AnalysisCache } from '../analysis-cache.js';

/** Pairs kept per channel; requests take a prefix. */
const PAIRS_KEPT = 1000;
/** After a change, wait this long for more (an index run commits batch after batch) before computing again. */
const SETTLE_MS = 30_000;

export interface AnalysisProgress {
  state: 'idle' | 'computing' | 'ready' | 'failed';
  /** A result is ready and a newer one is being computed after a change. */
  updating: boolean;
  /** When the result served was finished (ISO time; null before the first). */
  computedAt: string | null;
  /** Posters looked at of all (of the computation in flight, if any). */
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
  private readonly results = new AnalysisCache();
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
    const stored = this.engine.indexes.storeChannel(channel, model);
    return this.once(`pairs:${stored}`, [vectorsArea(stored), 'posters'], (onProgress) => closestPairs(this.engine.indexes, channel, PAIRS_KEPT, onProgress, this.stopping.signal, model));
  }

  dupes(): Promise<DuplicateGroups> {
    return this.once('dupes', [vectorsArea(this.engine.indexes.contentChannel()), 'posters', 'movies'], async (onProgress) => {
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
    const of = (key: string): AnalysisProgress => {
      const progress = this.progress.get(key) ?? { state: 'idle', updating: false, computedAt: null, done: 0, total: 0 };
      const computedAt = this.results.computedAt(key)?.toISOString() ?? null;
      return this.results.has(key) ? { ...progress, state: 'ready', updating: this.results.updating(key), computedAt } : progress;
    };
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
      // One after the other: each waits for its refresh, not just the stale result served meanwhile.
      const pairsKey = `pairs:${this.engine.indexes.storeChannel(CONTENT_CHANNEL)}`;
      void this.pairs(CONTENT_CHANNEL)
        .then(() => this.results.latest(pairsKey))
        .then(() => this.dupes())
        .then(() => this.results.latest('dupes'))
        .catch(() => undefined);
    }, delayMs);
    this.settle.unref();
  }

  /** The library changed (revision keys): results that read it are recomputed, ahead once changes settle on a serving process. */
  reset(changed?: ReadonlySet<string>): void {
    if (this.results.invalidate(changed).length === 0) return;
    if (!this.ahead || this.closed) return;
    this.warm(SETTLE_MS);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.settle);
    this.stopping.abort();
  }

  private once<T>(key: string, reads: readonly string[], compute: (onProgress: (done: number, total: number) => void) => Promise<T>): Promise<T> {
    return this.results.get(key, reads, () => {
      const progress: AnalysisProgress = { state: 'computing', updating: false, computedAt: null, done: 0, total: 0 };
      this.progress.set(key, progress);
      const run = compute((done, total) => Object.assign(progress, { done, total }));
      run.then(
        () => (progress.state = 'ready'),
        () => (progress.state = 'failed'),
      );
      return run;
    });
  }
}
