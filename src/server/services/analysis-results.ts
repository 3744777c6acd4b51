/**
 * Closest pairs, duplicate groups, borrowings, the trends table and the stills' kinds of shot for
 * the server, served from the library's stored analyses
 * (analysis/stored-analyses.ts) and computed only by background jobs, never on a request: a
 * request gets the stored result at once (with `updating` when what it read has changed since and
 * a job is computing a newer one); only when none was ever stored does it wait for the job, whose
 * progress GET /api/analyses/status shows. A serving process enqueues the jobs ahead: at start
 * when the stored result is missing or out of date, and after a change to what it read once
 * changes settle (an index run commits batch after batch). A genre re-train or a batch of poster
 * readings touches nothing the pairs read, so they are not computed again.
 */
import { analysisKey, analysisReads, type AnalysisRequest, type BorrowingsResult, type DuplicateGroups, type PairsResult, type TypicalPostersResult } from '../../analysis/stored-analyses.js';
import type { TypicalFilters } from '../../trends/typical-posters.js';
import type { Borrowing, BorrowingChannel } from '../../analysis/borrowings.js';
import type { ClosestPair } from '../../analysis/pairs.js';
import type { StillsClustering } from '../../stills/clusters.js';
import { TrendTable, type StoredTrendTable } from '../../trends/trend-table.js';
import type { Job, JobQueue } from '../../jobs/job-queue.js';
import { ANALYSIS_JOB } from '../../ingest/library-jobs.js';
import type { SearchEngine } from '../../search/engine.js';
import { CONTENT_CHANNEL, IMAGE_CHANNELS, type ImageChannel } from '../../store/channels.js';
import { stillCurrent, touches } from '../../store/revisions.js';
import type { StoredAnalysis } from '../../store/store.js';
import { MarqueeError } from '../../util/errors.js';

export type { DuplicateGroups };

/** After a change, wait this long for more (an index run commits batch after batch) before computing again. */
const SETTLE_MS = 30_000;
/** How often a request with no stored result yet looks for one. */
const WAIT_POLL_MS = 500;
/** The longest a request waits for a first result. */
const MAX_WAIT_MS = 10 * 60_000;
/**
 * A result that reads the printed text is refreshed at most this often: the OCR pass writes a
 * reading a second, and each refresh is a job the pass makes way for.
 */
const PRINTED_TEXT_REFRESH_MS = 60_000;

/** What a serving process computes ahead: the pairs page's default view, the duplicate groups, the trends page's typical posters by decade. */
const AHEAD: readonly AnalysisRequest[] = [{ kind: 'pairs', channel: CONTENT_CHANNEL }, { kind: 'dupes' }, { kind: 'typical', filters: { by: 'decade' } }];

export interface AnalysisProgress {
  state: 'idle' | 'computing' | 'ready' | 'failed';
  /** A result is served and a newer one is being computed (what it read has changed). */
  updating: boolean;
  /** When the result served was computed (ISO time; null before the first). */
  computedAt: string | null;
  /** Posters looked at of all, by the computation in flight or else the last one (0 before the first). */
  done: number;
  total: number;
  /** Why the last computation failed. */
  error?: string | null;
}

export class AnalysisResults {
  /** Stored results read so far (dropped when the library's analyses change). */
  private readonly stored = new Map<string, Promise<StoredAnalysis | undefined>>();
  private settle?: NodeJS.Timeout;
  private closed = false;
  /** The stored trends table, parsed once per result. */
  private trends?: { computedAt: string; table: TrendTable };

  constructor(
    private readonly engine: SearchEngine,
    private readonly jobs: JobQueue,
    /** Enqueues a job and wakes this process's workers. */
    private readonly startJob: (kind: string, key: string, payload: unknown) => Promise<{ job: Job }>,
    /** Compute ahead (a serving process); otherwise only when a request finds no current result. */
    private readonly ahead: boolean,
  ) {}

  /** `model`: image model of the content channel (default: the library's first). */
  async pairs(channel: ImageChannel, model?: string): Promise<ClosestPair[]> {
    return ((await this.result({ kind: 'pairs', channel, model })) as PairsResult).pairs;
  }

  async dupes(): Promise<DuplicateGroups> {
    return (await this.result({ kind: 'dupes' })) as DuplicateGroups;
  }

  /** The library's most unusual borrowings on a channel (`copies`: also pairs that are one artwork). */
  async borrowings(channel: BorrowingChannel, copies: boolean): Promise<Borrowing[]> {
    return ((await this.result({ kind: 'borrowings', channel, copies })) as BorrowingsResult).borrowings;
  }

  /** Every poster's value on every trend measure (parsed once per stored result). */
  async trendTable(): Promise<TrendTable> {
    const { result, computedAt } = await this.served({ kind: 'trends' });
    if (this.trends?.computedAt !== computedAt) this.trends = { computedAt, table: TrendTable.fromStored(result as StoredTrendTable) };
    return this.trends.table;
  }

  /** Each period's typical posters and average image under the trends page's filters. */
  async typical(filters: TypicalFilters): Promise<TypicalPostersResult> {
    return (await this.result({ kind: 'typical', filters })) as TypicalPostersResult;
  }

  /** Kinds of shot among the library's stills (the caller checks there are stills). */
  async stillsClusters(): Promise<StillsClustering> {
    return (await this.result({ kind: 'stills-clusters' })) as StillsClustering;
  }

  async status(): Promise<{ pairs: Record<string, AnalysisProgress>; dupes: AnalysisProgress }> {
    const pairs = await Promise.all(IMAGE_CHANNELS.map(async (c) => [c, await this.progress({ kind: 'pairs', channel: c })] as const));
    return { pairs: Object.fromEntries(pairs), dupes: await this.progress({ kind: 'dupes' }) };
  }

  /** Enqueues the pairs page's default view (content pairs), the duplicate groups and the trends page's typical posters (by decade, no filter) when missing or out of date. */
  warm(delayMs = 2000): void {
    if (!this.ahead || this.closed) return;
    clearTimeout(this.settle);
    this.settle = setTimeout(() => {
      if (this.closed) return;
      void (async () => {
        for (const req of AHEAD) if (!(await this.current(req))) await this.enqueue(req);
      })().catch(() => undefined);
    }, delayMs);
    this.settle.unref();
  }

  /** The library changed (revision keys): stored results are read again; a serving process computes what went out of date once changes settle. */
  reset(changed?: ReadonlySet<string>): void {
    if (!changed || changed.has('analyses')) this.stored.clear();
    const reads = [...new Set([...IMAGE_CHANNELS.flatMap((c) => analysisReads(this.engine.indexes, { kind: 'pairs', channel: c })), ...AHEAD.flatMap((req) => analysisReads(this.engine.indexes, req))])];
    if (changed && !touches(changed, reads)) return;
    this.warm(SETTLE_MS);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.settle);
  }

  private load(key: string): Promise<StoredAnalysis | undefined> {
    let p = this.stored.get(key);
    if (!p) {
      p = this.engine.store.analyses.get(key);
      this.stored.set(key, p);
      p.then((s) => s ?? this.stored.delete(key)).catch(() => this.stored.delete(key));
    }
    return p;
  }

  /** The stored result if it still holds for the library as it is now. */
  private async current(req: AnalysisRequest): Promise<StoredAnalysis | undefined> {
    const stored = await this.load(analysisKey(this.engine.indexes, req));
    if (!stored) return undefined;
    return stillCurrent(stored.revisions, await this.engine.store.analyses.revisions(), analysisReads(this.engine.indexes, req)) ? stored : undefined;
  }

  private enqueue(req: AnalysisRequest): Promise<{ job: Job }> {
    return this.startJob(ANALYSIS_JOB, analysisKey(this.engine.indexes, req), req);
  }

  private async result(req: AnalysisRequest): Promise<unknown> {
    return (await this.served(req)).result;
  }

  /** The stored result to serve: the current one, else the last one while a job computes anew, else the first once a job stored it. */
  private async served(req: AnalysisRequest): Promise<StoredAnalysis> {
    const key = analysisKey(this.engine.indexes, req); // an unknown model fails here, before anything is enqueued
    const stored = await this.load(key);
    if (stored && (await this.current(req))) return stored;
    const young = stored !== undefined && Date.now() - Date.parse(stored.computedAt) < PRINTED_TEXT_REFRESH_MS;
    if (young && analysisReads(this.engine.indexes, req).includes('printed-text')) return stored;
    const { job } = await this.enqueue(req);
    if (stored) return stored;
    // Nothing to show yet: wait for the job (the page shows its progress meanwhile), but never
    // past a paused kind, a job that ended without a result, the server stopping, or ten minutes.
    const until = Date.now() + MAX_WAIT_MS;
    for (;;) {
      if (this.closed) throw new MarqueeError('unavailable', 'the server is stopping');
      await new Promise((r) => setTimeout(r, WAIT_POLL_MS));
      this.stored.delete(key);
      const now = await this.load(key);
      if (now) return now;
      const state = await this.jobs.get(job.id);
      if (!state || state.state === 'done' || state.state === 'failed' || state.state === 'cancelled') throw new Error(`computing ${key} ${state?.state ?? 'stopped'} without a result${state?.error ? `: ${state.error}` : ''}`);
      if ((await this.jobs.pausedKinds()).includes(ANALYSIS_JOB)) throw new MarqueeError('unavailable', `${key} is not computed yet and analysis jobs are paused (resume them on /jobs)`);
      if (Date.now() > until) throw new MarqueeError('unavailable', `${key} is still being computed (job ${job.id}); try again in a while`);
    }
  }

  private async progress(req: AnalysisRequest): Promise<AnalysisProgress> {
    const key = analysisKey(this.engine.indexes, req);
    const [stored, job] = await Promise.all([this.load(key), this.latestJob(key)]);
    const working = job && (job.state === 'waiting' || job.state === 'running');
    // Of the computation in flight, or of the last one (how many posters the result looked at).
    const counts = { done: job?.progress?.done ?? 0, total: job?.progress?.total ?? 0 };
    if (stored) {
      const fresh = stillCurrent(stored.revisions, await this.engine.store.analyses.revisions(), analysisReads(this.engine.indexes, req));
      return { state: 'ready', updating: !fresh && working === true, computedAt: stored.computedAt, ...counts };
    }
    if (working) return { state: 'computing', updating: false, computedAt: null, ...counts };
    if (job?.state === 'failed') return { state: 'failed', updating: false, computedAt: null, ...counts, error: job.error };
    return { state: 'idle', updating: false, computedAt: null, ...counts };
  }

  private async latestJob(key: string): Promise<Job | undefined> {
    return (await this.jobs.list({ kind: ANALYSIS_JOB, limit: 20 })).find((j) => j.key === key);
  }
}

