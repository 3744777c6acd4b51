/**
 * The job queue (jobs/job-queue.ts) in the SQLite library: one table, taken a job at a time in an
 * IMMEDIATE transaction (SQLite has one writer, so two workers never take the same job). Times
 * are milliseconds since the epoch. The jobs tables have no revision area: nothing cached reads
 * them, so a heartbeat invalidates nothing.
 */
import type Database from 'better-sqlite3';
import { countsOf, type Job, type JobProgress, type JobQueue, type JobSpec, type JobState, type KindCounts } from '../../jobs/job-queue.js';
import { StoreError } from '../errors.js';
import { jobOfRow } from '../job-rows.js';

type Row = Record<string, unknown>;

export const JOBS_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS jobs (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  kind         TEXT NOT NULL,
  key          TEXT NOT NULL,
  state        TEXT NOT NULL,
  priority     INTEGER NOT NULL DEFAULT 0,
  payload      TEXT,
  attempts     INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  progress     TEXT,
  result       TEXT,
  error        TEXT,
  worker       TEXT,
  lease_until  INTEGER,
  created_at   INTEGER NOT NULL,
  started_at   INTEGER,
  finished_at  INTEGER,
  run_after    INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS jobs_active ON jobs(kind, key) WHERE state IN ('waiting', 'running');
CREATE INDEX IF NOT EXISTS jobs_next ON jobs(state, priority DESC, id);
CREATE TABLE IF NOT EXISTS job_kinds (
  kind   TEXT PRIMARY KEY,
  paused INTEGER NOT NULL DEFAULT 0
);
`;

const jobOf = (r: Row): Job => jobOfRow(r, (text) => (text === null || text === undefined ? null : JSON.parse(String(text))));

export class SqliteJobQueue implements JobQueue {
  constructor(private readonly db: Database.Database) {}

  async enqueue(spec: JobSpec): Promise<{ job: Job; created: boolean }> {
    const key = spec.key ?? spec.kind;
    return this.db.transaction(() => {
      const now = Date.now();
      const created = this.db
        .prepare(
          `INSERT OR IGNORE INTO jobs (kind, key, state, priority, payload, max_attempts, created_at, run_after)
           VALUES (?, ?, 'waiting', ?, ?, ?, ?, ?)`,
        )
        .run(spec.kind, key, spec.priority ?? 0, JSON.stringify(spec.payload ?? null), spec.maxAttempts ?? 3, now, now).changes === 1;
      const job = jobOf(this.db.prepare("SELECT * FROM jobs WHERE kind = ? AND key = ? AND state IN ('waiting', 'running')").get(spec.kind, key) as Row);
      return { job, created };
    })();
  }

  async claim(kinds: readonly string[], worker: string, leaseMs: number): Promise<Job | undefined> {
    if (kinds.length === 0) return undefined;
    const marks = kinds.map(() => '?').join(', ');
    return this.db.transaction((): Job | undefined => {
      const now = Date.now();
      this.expireLeases(now);
      const next = this.db
        .prepare(
          `SELECT id FROM jobs WHERE state = 'waiting' AND run_after <= ? AND kind IN (${marks})
             AND kind NOT IN (SELECT kind FROM job_kinds WHERE paused = 1)
           ORDER BY priority DESC, id LIMIT 1`,
        )
        .get(now, ...kinds) as Row | undefined;
      if (!next) return undefined;
      this.db
        .prepare("UPDATE jobs SET state = 'running', worker = ?, lease_until = ?, attempts = attempts + 1, started_at = ?, progress = NULL WHERE id = ?")
        .run(worker, now + leaseMs, now, next.id);
      return jobOf(this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(next.id) as Row);
    }).immediate();
  }

  /** Running jobs whose worker stopped renewing: waiting again while tries remain, else failed. */
  private expireLeases(now: number): void {
    this.db
      .prepare(
        `UPDATE jobs SET state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'waiting' END,
           error = 'its worker ' || coalesce(worker, '?') || ' stopped renewing its lease (killed or lost)',
           worker = NULL, lease_until = NULL, run_after = ?,
           finished_at = CASE WHEN attempts >= max_attempts THEN ? ELSE NULL END
         WHERE state = 'running' AND lease_until < ?`,
      )
      .run(now, now, now);
  }

  async heartbeat(id: string, worker: string, leaseMs: number, progress?: JobProgress): Promise<boolean> {
    const sql = progress
      ? "UPDATE jobs SET lease_until = ?, progress = ? WHERE id = ? AND worker = ? AND state = 'running'"
      : "UPDATE jobs SET lease_until = ? WHERE id = ? AND worker = ? AND state = 'running'";
    const args = progress ? [Date.now() + leaseMs, JSON.stringify(progress), id, worker] : [Date.now() + leaseMs, id, worker];
    return this.db.prepare(sql).run(...args).changes === 1;
  }

  async complete(id: string, worker: string, result?: unknown): Promise<void> {
    this.db
      .prepare("UPDATE jobs SET state = 'done', result = ?, error = NULL, finished_at = ?, lease_until = NULL WHERE id = ? AND worker = ? AND state = 'running'")
      .run(JSON.stringify(result ?? null), Date.now(), id, worker);
  }

  async release(id: string, worker: string): Promise<void> {
    this.db
      .prepare("UPDATE jobs SET state = 'waiting', attempts = max(0, attempts - 1), worker = NULL, lease_until = NULL, run_after = ? WHERE id = ? AND worker = ? AND state = 'running'")
      .run(Date.now(), id, worker);
  }

  async fail(id: string, worker: string, reason: string, retryDelayMs: number): Promise<void> {
    const now = Date.now();
    this.db
      .prepare(
        `UPDATE jobs SET state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'waiting' END, error = ?,
           run_after = ?, finished_at = CASE WHEN attempts >= max_attempts THEN ? ELSE NULL END, worker = NULL, lease_until = NULL
         WHERE id = ? AND worker = ? AND state = 'running'`,
      )
      .run(reason, now + retryDelayMs, now, id, worker);
  }

  async cancel(id: string): Promise<boolean> {
    return this.db.prepare("UPDATE jobs SET state = 'cancelled', finished_at = ?, lease_until = NULL WHERE id = ? AND state IN ('waiting', 'running')").run(Date.now(), id).changes === 1;
  }

  async retry(id: string): Promise<Job | undefined> {
    try {
      const now = Date.now();
      const changed = this.db
        .prepare("UPDATE jobs SET state = 'waiting', attempts = 0, error = NULL, result = NULL, worker = NULL, finished_at = NULL, run_after = ? WHERE id = ? AND state IN ('failed', 'cancelled')")
        .run(now, id).changes;
      return changed ? this.get(id) : undefined;
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new StoreError('busy', `job ${id} cannot run again: another job of its kind and key is waiting or running`);
      throw err;
    }
  }

  async waitingAbove(kinds: readonly string[], priority: number): Promise<string[]> {
    if (kinds.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT DISTINCT kind FROM jobs WHERE state = 'waiting' AND priority > ? AND run_after <= ? AND kind IN (${kinds.map(() => '?').join(', ')})
           AND kind NOT IN (SELECT kind FROM job_kinds WHERE paused = 1) ORDER BY kind`,
      )
      .all(priority, Date.now(), ...kinds) as Row[];
    return rows.map((r) => r.kind as string);
  }

  async pause(kind: string): Promise<void> {
    this.db.prepare('INSERT INTO job_kinds (kind, paused) VALUES (?, 1) ON CONFLICT (kind) DO UPDATE SET paused = 1').run(kind);
  }

  async pausedKinds(): Promise<string[]> {
    return (this.db.prepare('SELECT kind FROM job_kinds WHERE paused = 1 ORDER BY kind').all() as Row[]).map((r) => r.kind as string);
  }

  async resume(kind: string): Promise<void> {
    this.db.prepare('INSERT INTO job_kinds (kind, paused) VALUES (?, 0) ON CONFLICT (kind) DO UPDATE SET paused = 0').run(kind);
  }

  async get(id: string): Promise<Job | undefined> {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as Row | undefined;
    return row && jobOf(row);
  }

  async list(opts: { kind?: string; state?: JobState; limit?: number } = {}): Promise<Job[]> {
    const rows = this.db
      .prepare('SELECT * FROM jobs WHERE (? IS NULL OR kind = ?) AND (? IS NULL OR state = ?) ORDER BY id DESC LIMIT ?')
      .all(opts.kind ?? null, opts.kind ?? null, opts.state ?? null, opts.state ?? null, opts.limit ?? 50) as Row[];
    return rows.map(jobOf);
  }

  async counts(): Promise<KindCounts[]> {
    const rows = this.db.prepare('SELECT kind, state, COUNT(*) AS n FROM jobs GROUP BY kind, state').all() as Row[];
    const paused = new Set((this.db.prepare('SELECT kind FROM job_kinds WHERE paused = 1').all() as Row[]).map((r) => r.kind as string));
    return countsOf(rows.map((r) => ({ kind: r.kind as string, state: r.state as JobState, n: r.n as number })), paused);
  }
}
