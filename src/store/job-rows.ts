/** A jobs table row as a Job, for both engines (SQLite keeps JSON as text, PostgreSQL as jsonb; times are epoch milliseconds in both). */
import type { Job, JobProgress, JobState } from '../jobs/job-queue.js';

type Row = Record<string, unknown>;

const iso = (ms: unknown): string | null => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());

/** `json`: how the engine hands back a JSON column (parse text, or take jsonb as it comes). */
export function jobOfRow(r: Row, json: (value: unknown) => unknown): Job {
  return {
    id: String(r.id),
    kind: r.kind as string,
    key: r.key as string,
    state: r.state as JobState,
    priority: r.priority as number,
    payload: json(r.payload) ?? null,
    attempts: r.attempts as number,
    maxAttempts: r.max_attempts as number,
    progress: (json(r.progress) as JobProgress | null) ?? null,
    result: json(r.result) ?? null,
    error: (r.error as string | null) ?? null,
    worker: (r.worker as string | null) ?? null,
    createdAt: iso(r.created_at)!,
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    runAfter: iso(r.run_after)!,
  };
}
