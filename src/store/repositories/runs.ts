/** Index runs: their rows, failures and per-batch tallies, and the one-indexer-per-library lock (the lock is the engine's: a lock file or an advisory lock). */
import type { Sql } from '../sql/connect.js';
import { now } from '../sql/values.js';
import type { BatchCounts } from '../types.js';

export type RunStatus = 'done' | 'interrupted' | 'failed';

export interface RunsRepository {
  start(catalog: string): Promise<number>;
  finish(runId: number, status: RunStatus, summary: unknown): Promise<void>;
  recordFailure(runId: number, item: string, file: string | null, reason: string): Promise<void>;
  /** A worker's tally for one batch of a coordinated run; a retried batch replaces its row (at-least-once delivery). */
  recordBatch(runId: number, batch: number, worker: string, counts: BatchCounts): Promise<void>;
  /** The batches of a run recorded so far, in batch order. */
  batches(runId: number): Promise<{ batch: number; worker: string; counts: BatchCounts }[]>;
  /** One indexer per library; the returned function releases the lock. */
  acquireIndexLock(): Promise<() => Promise<void>>;
}

export class SqlRuns implements RunsRepository {
  constructor(
    private readonly sql: Sql,
    readonly acquireIndexLock: () => Promise<() => Promise<void>>,
  ) {}

  async start(catalog: string): Promise<number> {
    const row = await this.sql.db.insertInto('index_runs').values({ catalog, started_at: now(), status: 'running' }).returning('id').executeTakeFirstOrThrow();
    return Number(row.id);
  }

  async finish(runId: number, status: RunStatus, summary: unknown): Promise<void> {
    await this.sql.db.updateTable('index_runs').set({ finished_at: now(), status, summary: JSON.stringify(summary) }).where('id', '=', runId).execute();
  }

  async recordFailure(runId: number, item: string, file: string | null, reason: string): Promise<void> {
    await this.sql.db.insertInto('index_failures').values({ run_id: runId, item, file, reason }).execute();
  }

  async recordBatch(runId: number, batch: number, worker: string, counts: BatchCounts): Promise<void> {
    await this.sql.db
      .insertInto('index_batches')
      .values({ run_id: runId, batch, worker, counts: JSON.stringify(counts), finished_at: now() })
      .onConflict((oc) => oc.columns(['run_id', 'batch']).doUpdateSet((eb) => ({ worker: eb.ref('excluded.worker'), counts: eb.ref('excluded.counts'), finished_at: eb.ref('excluded.finished_at') })))
      .execute();
  }

  async batches(runId: number): Promise<{ batch: number; worker: string; counts: BatchCounts }[]> {
    const rows = await this.sql.db.selectFrom('index_batches').select(['batch', 'worker', 'counts']).where('run_id', '=', runId).orderBy('batch').execute();
    return rows.map((r) => ({ batch: r.batch, worker: r.worker, counts: this.sql.json<BatchCounts>(r.counts) }));
  }
}
