/**
 * The library's durable job queue: every background pass (poster text, genre training, atlas, …)
 * is a row in the library's own database, so it survives a restart and any process on any
 * machine that opens the library can take it (`marquee worker`, `serve`).
 *
 * A worker holds a job under a lease it renews with heartbeat(); a worker killed mid-job (kill
 * -9, a lost machine) stops renewing, and once the lease runs out the job is handed out again.
 * Jobs are written to be resumable (the OCR pass reads only posters without a reading, training
 * replaces its model in one transaction), so a resumed job does not do finished work twice.
 *
 * One implementation per engine, both SQL in the store (sqlite/sqlite-jobs.ts,
 * postgres/postgres-jobs.ts), under one conformance suite (store/job-queue.conformance.ts).
 * pg-boss, which carries the index batches of a coordinated run, was not used here: version 10
 * cannot renew a lease (a 30-minute OCR pass would have to hold a 30-minute expiry, so a killed
 * worker's job would wait that long), keeps no progress and has no pause.
 */

export type JobState = 'waiting' | 'running' | 'done' | 'failed' | 'cancelled';

export const JOB_STATES: readonly JobState[] = ['waiting', 'running', 'done', 'failed', 'cancelled'];

export interface JobProgress {
  done: number;
  total: number;
  /** A line saying where the job is (e.g. "fold 3 of 5"). */
  message?: string;
}

export interface JobSpec {
  kind: string;
  /**
   * At most one job per kind and key waits or runs at a time: enqueueing another returns the one
   * there is. Default: the kind itself (one of each kind at a time).
   */
  key?: string;
  payload?: unknown;
  /** Higher runs first (default 0). */
  priority?: number;
  /** Tries before the job counts as failed (default 3). */
  maxAttempts?: number;
}

export interface Job {
  id: string;
  kind: string;
  key: string;
  state: JobState;
  priority: number;
  payload: unknown;
  /** Tries so far (the running one included). */
  attempts: number;
  maxAttempts: number;
  progress: JobProgress | null;
  result: unknown;
  /** Why the last try failed (kept while a retry waits). */
  error: string | null;
  /** The worker holding it ("host:pid"), while it runs. */
  worker: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** A waiting retry does not start before this. */
  runAfter: string;
}

export interface KindCounts {
  kind: string;
  paused: boolean;
  counts: Record<JobState, number>;
}

export interface JobQueue {
  /** Adds a job (created), or returns the waiting or running one of the same kind and key. */
  enqueue(spec: JobSpec): Promise<{ job: Job; created: boolean }>;
  /**
   * Takes the next job of one of `kinds` for `worker` (highest priority, then oldest; never a
   * paused kind; a running job whose lease ran out counts as waiting), or undefined.
   */
  claim(kinds: readonly string[], worker: string, leaseMs: number): Promise<Job | undefined>;
  /** Renews the lease and records progress; false when the job was cancelled or taken from this worker (stop working on it). */
  heartbeat(id: string, worker: string, leaseMs: number, progress?: JobProgress): Promise<boolean>;
  complete(id: string, worker: string, result?: unknown): Promise<void>;
  /** Gives a running job back, waiting again, without counting the try (its worker is stopping, or died: see JobWorkers). */
  release(id: string, worker: string): Promise<void>;
  /** A failed try: waits `retryDelayMs` and runs again while tries remain, else the job is failed. */
  fail(id: string, worker: string, reason: string, retryDelayMs: number): Promise<void>;
  /** Stops a waiting or running job (a running one stops at its next heartbeat); false when it had finished. */
  cancel(id: string): Promise<boolean>;
  /** Runs a failed or cancelled job again from its first try; undefined when it is not failed or cancelled. */
  retry(id: string): Promise<Job | undefined>;
  /** Kinds among `kinds` with a job ready to run (waiting, due, not paused) of priority above `priority`. */
  waitingAbove(kinds: readonly string[], priority: number): Promise<string[]>;
  /** Stops new jobs of a kind from starting; workers also make a running job of it that can stop midway (the OCR pass) give way. */
  pause(kind: string): Promise<void>;
  pausedKinds(): Promise<string[]>;
  resume(kind: string): Promise<void>;
  get(id: string): Promise<Job | undefined>;
  /** The newest jobs first (of one kind, in one state, when given). */
  list(opts?: { kind?: string; state?: JobState; limit?: number }): Promise<Job[]>;
  /** Jobs per kind and state, with whether the kind is paused. */
  counts(): Promise<KindCounts[]>;
}

/** Exponential backoff between tries: 2 s, 4 s, 8 s … at most 5 minutes. */
export function retryDelayMs(attempts: number): number {
  return Math.min(300_000, 1000 * 2 ** Math.max(1, attempts));
}

/** Per-kind counts from (kind, state, n) rows; paused kinds without jobs are listed too. */
export function countsOf(rows: { kind: string; state: JobState; n: number }[], paused: ReadonlySet<string>): KindCounts[] {
  const byKind = new Map<string, KindCounts>();
  const of = (kind: string): KindCounts => {
    let k = byKind.get(kind);
    if (!k) byKind.set(kind, (k = { kind, paused: paused.has(kind), counts: Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number> }));
    return k;
  };
  for (const r of rows) of(r.kind).counts[r.state] = r.n;
  for (const kind of paused) of(kind);
  return [...byKind.values()].sort((a, b) => a.kind.localeCompare(b.kind));
}
