/**
 * The index queue on PostgreSQL itself (pg-boss, in its own `pgboss` schema of the library's
 * database), so a deployment of servers and workers needs no service besides the database.
 * Chosen over BullMQ + Redis for that reason; jobs are small (catalog rows and file paths, never
 * pixels) so the queue's own load on PostgreSQL is a few rows per batch of 16 posters.
 * A job held by a worker that died expires after MARQUEE_JOB_EXPIRE_SECONDS (default 120) and is
 * retried by another worker; maintenance checks for expired jobs every 2 seconds.
 */
import PgBoss from 'pg-boss';
import type { BatchQueue } from '../batch-queue.js';

const QUEUE = 'marquee-index';

export async function openPgBossQueue<T extends object>(url: string): Promise<BatchQueue<T>> {
  const expireInSeconds = Number(process.env.MARQUEE_JOB_EXPIRE_SECONDS ?? 120);
  const boss = new PgBoss({ connectionString: url, max: 2, maintenanceIntervalSeconds: 2, monitorStateIntervalSeconds: 60 });
  boss.on('error', (err: Error) => process.stderr.write(`queue: ${err.message}\n`));
  await boss.start();
  await boss.createQueue(QUEUE, { name: QUEUE, retryLimit: 5, retryDelay: 1, expireInSeconds });
  let working = false;
  return {
    async send(jobs: T[]): Promise<string[]> {
      const ids: string[] = [];
      for (const job of jobs) {
        const id = await boss.send(QUEUE, job, { retryLimit: 5, retryDelay: 1, expireInSeconds });
        if (!id) throw new Error('the index queue refused a job');
        ids.push(id);
      }
      return ids;
    },
    async work(handler: (job: T) => Promise<void>): Promise<void> {
      working = true;
      await boss.work<T>(QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
        if (job) await handler(job.data);
      });
    },
    async state(id: string): Promise<{ state: string; error?: string } | undefined> {
      const job = await boss.getJobById<T>(QUEUE, id, { includeArchive: true });
      if (!job) return undefined;
      const output = job.output as { message?: string } | null | undefined;
      return { state: job.state, error: job.state === 'failed' ? (output?.message ?? JSON.stringify(output)) : undefined };
    },
    async cancel(ids: string[]): Promise<void> {
      if (ids.length) await boss.cancel(QUEUE, ids);
    },
    async stop(): Promise<void> {
      if (working) await boss.offWork(QUEUE);
      await boss.stop({ graceful: true, wait: true, timeout: 30_000 });
    },
  };
}
