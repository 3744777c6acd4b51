/**
 * The job queue (jobs/job-queue.ts) in the library, written once for both engines. A job is
 * taken with one UPDATE … WHERE id = (SELECT the next waiting job) RETURNING *: a single statement
 * is atomic on SQLite (one writer), and on PostgreSQL the inner SELECT adds FOR UPDATE SKIP
 * LOCKED, so workers on many machines take different jobs without waiting on each other — the
 * one place the engines differ. Times are milliseconds since the epoch. The jobs tables have no
 * revision area: nothing cached reads them, so a heartbeat invalidates nothing.
 */
import { sql as raw } from 'kysely';
import { countsOf, type Job, type JobProgress, type JobQueue, type JobSpec, type JobState, type KindCounts } from '../../jobs/job-queue.js';
import { StoreError } from '../errors.js';
import type { Sql } from '../sql/connect.js';
import { count } from '../sql/values.js';

/** Job ids are integers: anything else names no job (and must not reach PostgreSQL as a cast error). */
const validId = (id: string): boolean => /^[0-9]{1,18}$/.test(id);

const iso = (ms: unknown): string | null => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());

const ACTIVE = ['waiting', 'running'];

type JobRow = {
  id: number | string; kind: string; key: string; state: string; priority: number; payload: unknown; attempts: number; max_attempts: number;
  progress: unknown; result: unknown; error: string | null; worker: string | null; created_at: unknown; started_at: unknown; finished_at: unknown; run_after: unknown;
};

export class SqlJobQueue implements JobQueue {
  constructor(private readonly sql: Sql) {}

  private json = (value: unknown): unknown => (value === null || value === undefined ? null : this.sql.json<unknown>(value));

  private jobOf = (r: JobRow): Job => ({
    id: String(r.id),
    kind: r.kind,
    key: r.key,
    state: r.state as JobState,
    priority: r.priority,
    payload: this.json(r.payload) ?? null,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    progress: (this.json(r.progress) as JobProgress | null) ?? null,
    result: this.json(r.result) ?? null,
    error: r.error ?? null,
    worker: r.worker ?? null,
    createdAt: iso(r.created_at)!,
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    runAfter: iso(r.run_after)!,
  });

  private get db() {
    return this.sql.db;
  }

  private active(kind: string, key: string) {
    return this.db.selectFrom('jobs').selectAll().where('kind', '=', kind).where('key', '=', key).where('state', 'in', ACTIVE).executeTakeFirst();
  }

  async enqueue(spec: JobSpec): Promise<{ job: Job; created: boolean }> {
    const key = spec.key ?? spec.kind;
    const now = Date.now();
    // Two enqueuers racing: one inserts, the other finds it (tried again if the first has not committed yet).
    for (let tries = 0; ; tries++) {
      const inserted = await this.db
        .insertInto('jobs')
        .values({ kind: spec.kind, key, state: 'waiting', priority: spec.priority ?? 0, payload: JSON.stringify(spec.payload ?? null), attempts: 0, max_attempts: spec.maxAttempts ?? 3, created_at: now, run_after: now })
        // The target names the partial unique index's own predicate, as literals: with bound values neither engine infers the index.
        .onConflict((oc) => oc.columns(['kind', 'key']).where(raw<boolean>`state IN ('waiting', 'running')`).doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted) return { job: this.jobOf(inserted), created: true };
      const row = await this.active(spec.kind, key);
      if (row) return { job: this.jobOf(row), created: false };
      if (tries > 3) throw new StoreError('busy', `could not enqueue a ${spec.kind} job: its kind and key kept changing state`);
    }
  }

  /** The kinds paused. */
  private pausedQuery() {
    return this.db.selectFrom('job_kinds').select('kind').where('paused', '=', this.sql.bool(true));
  }

  async claim(kinds: readonly string[], worker: string, leaseMs: number): Promise<Job | undefined> {
    if (kinds.length === 0) return undefined;
    const now = Date.now();
    await this.expireLeases(now);
    const next = this.db
      .selectFrom('jobs')
      .select('id')
      .where('state', '=', 'waiting')
      .where('run_after', '<=', now)
      .where('kind', 'in', [...kinds])
      .where('kind', 'not in', this.pausedQuery())
      .orderBy('priority', 'desc')
      .orderBy('id')
      .limit(1)
      .$if(this.sql.engine === 'postgres', (q) => q.forUpdate().skipLocked());
    const row = await this.db
      .updateTable('jobs')
      .set((eb) => ({ state: 'running', worker, lease_until: now + leaseMs, attempts: eb('attempts', '+', 1), started_at: now, progress: null }))
      .where('id', '=', next)
      .where('state', '=', 'waiting')
      .returningAll()
      .executeTakeFirst();
    return row && this.jobOf(row);
  }

  /** Running jobs whose worker stopped renewing: waiting again while tries remain, else failed. */
  private async expireLeases(now: number): Promise<void> {
    const spent = raw<boolean>`attempts >= max_attempts`;
    await this.db
      .updateTable('jobs')
      .set({
        state: raw<string>`CASE WHEN ${spent} THEN 'failed' ELSE 'waiting' END`,
        error: raw<string>`'its worker ' || coalesce(worker, '?') || ' stopped renewing its lease (killed or lost)'`,
        worker: null,
        lease_until: null,
        run_after: now,
        finished_at: raw<number | null>`CASE WHEN ${spent} THEN CAST(${now} AS BIGINT) ELSE NULL END`,
      })
      .where('state', '=', 'running')
      .where('lease_until', '<', now)
      .execute();
  }

  /** One running job of this worker. */
  private running(id: string, worker: string) {
    return this.db.updateTable('jobs').where('id', '=', id).where('worker', '=', worker).where('state', '=', 'running');
  }

  async heartbeat(id: string, worker: string, leaseMs: number, progress?: JobProgress): Promise<boolean> {
    if (!validId(id)) return false;
    const lease = { lease_until: Date.now() + leaseMs };
    const r = await this.running(id, worker).set(progress ? { ...lease, progress: JSON.stringify(progress) } : lease).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async complete(id: string, worker: string, result?: unknown): Promise<void> {
    if (!validId(id)) return;
    await this.running(id, worker).set({ state: 'done', result: JSON.stringify(result ?? null), error: null, finished_at: Date.now(), lease_until: null }).execute();
  }

  async release(id: string, worker: string): Promise<void> {
    if (!validId(id)) return;
    await this.running(id, worker)
      .set({ state: 'waiting', attempts: raw<number>`CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END`, worker: null, lease_until: null, run_after: Date.now() })
      .execute();
  }

  async fail(id: string, worker: string, reason: string, retryDelayMs: number): Promise<void> {
    if (!validId(id)) return;
    const now = Date.now();
    const spent = raw<boolean>`attempts >= max_attempts`;
    await this.running(id, worker)
      .set({
        state: raw<string>`CASE WHEN ${spent} THEN 'failed' ELSE 'waiting' END`,
        error: reason,
        run_after: now + retryDelayMs,
        finished_at: raw<number | null>`CASE WHEN ${spent} THEN CAST(${now} AS BIGINT) ELSE NULL END`,
        worker: null,
        lease_until: null,
      })
      .execute();
  }

  async cancel(id: string): Promise<boolean> {
    if (!validId(id)) return false;
    const r = await this.db.updateTable('jobs').set({ state: 'cancelled', finished_at: Date.now(), lease_until: null }).where('id', '=', id).where('state', 'in', ACTIVE).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async retry(id: string): Promise<Job | undefined> {
    if (!validId(id)) return undefined;
    try {
      const row = await this.db
        .updateTable('jobs')
        .set({ state: 'waiting', attempts: 0, error: null, result: null, worker: null, finished_at: null, run_after: Date.now() })
        .where('id', '=', id)
        .where('state', 'in', ['failed', 'cancelled'])
        .returningAll()
        .executeTakeFirst();
      return row && this.jobOf(row);
    } catch (err) {
      if (this.sql.isUniqueViolation(err)) throw new StoreError('busy', `job ${id} cannot run again: another job of its kind and key is waiting or running`);
      throw err;
    }
  }

  async waitingAbove(kinds: readonly string[], priority: number): Promise<string[]> {
    if (kinds.length === 0) return [];
    const rows = await this.db
      .selectFrom('jobs')
      .select('kind')
      .distinct()
      .where('state', '=', 'waiting')
      .where('priority', '>', priority)
      .where('run_after', '<=', Date.now())
      .where('kind', 'in', [...kinds])
      .where('kind', 'not in', this.pausedQuery())
      .orderBy('kind')
      .execute();
    return rows.map((r) => r.kind);
  }

  private async setPaused(kind: string, paused: boolean): Promise<void> {
    const value = this.sql.bool(paused);
    await this.db.insertInto('job_kinds').values({ kind, paused: value }).onConflict((oc) => oc.column('kind').doUpdateSet({ paused: value })).execute();
  }

  pause(kind: string): Promise<void> {
    return this.setPaused(kind, true);
  }

  resume(kind: string): Promise<void> {
    return this.setPaused(kind, false);
  }

  async pausedKinds(): Promise<string[]> {
    return (await this.pausedQuery().orderBy('kind').execute()).map((r) => r.kind);
  }

  async get(id: string): Promise<Job | undefined> {
    if (!validId(id)) return undefined;
    const row = await this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && this.jobOf(row);
  }

  async list(opts: { kind?: string; state?: JobState; limit?: number } = {}): Promise<Job[]> {
    const rows = await this.db
      .selectFrom('jobs')
      .selectAll()
      .$if(opts.kind !== undefined, (q) => q.where('kind', '=', opts.kind!))
      .$if(opts.state !== undefined, (q) => q.where('state', '=', opts.state!))
      .orderBy('id', 'desc')
      .limit(opts.limit ?? 50)
      .execute();
    return rows.map(this.jobOf);
  }

  async counts(): Promise<KindCounts[]> {
    const rows = await this.db.selectFrom('jobs').select((eb) => ['kind', 'state', eb.fn.countAll().as('n')]).groupBy(['kind', 'state']).execute();
    const paused = new Set(await this.pausedKinds());
    return countsOf(rows.map((r) => ({ kind: r.kind, state: r.state as JobState, n: count(r.n) })), paused);
  }
}
