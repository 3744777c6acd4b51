/**
 * A durable queue of batches that workers on any machine take (pg-boss on PostgreSQL): the
 * store's side of coordinated index runs (ingest/index-queue.ts says what a batch holds).
 * Delivery is at-least-once: a batch held by a worker that died is handed out again.
 */
export interface BatchQueue<T> {
  send(jobs: T[]): Promise<string[]>;
  /** Takes jobs one at a time until stop(); a handler that throws fails the job (it is retried). */
  work(handler: (job: T) => Promise<void>): Promise<void>;
  /** State of a sent job ('created', 'active', 'completed', 'retry', 'failed', …), with its error when it failed. */
  state(id: string): Promise<{ state: string; error?: string } | undefined>;
  /** Withdraws jobs not yet finished (an interrupted run). */
  cancel(ids: string[]): Promise<void>;
  stop(): Promise<void>;
}
