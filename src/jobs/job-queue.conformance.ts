/**
 * The job queue conformance suite: every JobQueue implementation (the SQLite and PostgreSQL
 * stores' queues) runs these cases. A factory hands out a queue on an empty library and a way to
 * open the same library again, as another process would.
 */
import { describe, expect, it } from 'vitest';
import type { JobQueue } from './job-queue.js';

export interface QueueUnderTest {
  queue: JobQueue;
  /** The same library's queue from another connection; closed by close(). */
  reopen(): Promise<JobQueue>;
  close(): Promise<void>;
}

const LEASE = 60_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function jobQueueConformance(name: string, make: () => Promise<QueueUnderTest>): void {
  describe(`JobQueue conformance: ${name}`, () => {
    const withQueue = async (fn: (t: QueueUnderTest) => Promise<void>): Promise<void> => {
      const t = await make();
      try {
        await fn(t);
      } finally {
        await t.close();
      }
    };

    it('keeps one waiting or running job per kind and key, with its payload', async () => {
      await withQueue(async ({ queue }) => {
        const first = await queue.enqueue({ kind: 'poster-text', payload: { threads: 1, note: 'ü “q”' } });
        expect(first.created).toBe(true);
        const a = first.job;
        expect(a).toMatchObject({ kind: 'poster-text', key: 'poster-text', state: 'waiting', attempts: 0, maxAttempts: 3, priority: 0, payload: { threads: 1, note: 'ü “q”' } });
        expect(await queue.enqueue({ kind: 'poster-text', payload: { other: true } })).toEqual({ job: a, created: false });
        const { job: b } = await queue.enqueue({ kind: 'poster-text', key: 'other' });
        expect(b.id).not.toBe(a.id);
        expect(await queue.get(a.id)).toEqual(a);
        expect(await queue.get('999999')).toBeUndefined();
        expect(await queue.get('not-an-id')).toBeUndefined();
      });
    });

    it('hands out the highest priority first, then the oldest, only of the kinds asked for and not paused', async () => {
      await withQueue(async ({ queue }) => {
        const { job: low } = await queue.enqueue({ kind: 'pairs', key: 'low' });
        const { job: high } = await queue.enqueue({ kind: 'pairs', key: 'high', priority: 5 });
        const { job: later } = await queue.enqueue({ kind: 'pairs', key: 'later' });
        const { job: other } = await queue.enqueue({ kind: 'atlas' });
        expect(await queue.waitingAbove(['pairs', 'atlas'], 0)).toEqual(['pairs']);
        expect(await queue.waitingAbove(['pairs', 'atlas'], -1)).toEqual(['atlas', 'pairs']);
        expect(await queue.waitingAbove(['atlas'], 0)).toEqual([]);
        expect((await queue.claim(['pairs'], 'w1', LEASE))?.id).toBe(high.id);
        expect(await queue.waitingAbove(['pairs'], 0)).toEqual([]);
        expect((await queue.claim(['pairs'], 'w1', LEASE))?.id).toBe(low.id);
        await queue.pause('pairs');
        expect(await queue.pausedKinds()).toEqual(['pairs']);
        expect(await queue.claim(['pairs'], 'w1', LEASE)).toBeUndefined();
        expect((await queue.counts()).find((c) => c.kind === 'pairs')).toMatchObject({ paused: true, counts: { waiting: 1, running: 2 } });
        await queue.resume('pairs');
        expect(await queue.pausedKinds()).toEqual([]);
        const taken = await queue.claim(['pairs'], 'w1', LEASE);
        expect(taken).toMatchObject({ id: later.id, state: 'running', worker: 'w1', attempts: 1 });
        expect(taken?.startedAt).not.toBeNull();
        expect(await queue.claim(['pairs'], 'w1', LEASE)).toBeUndefined();
        expect((await queue.claim(['atlas', 'pairs'], 'w1', LEASE))?.id).toBe(other.id);
        expect(await queue.claim([], 'w1', LEASE)).toBeUndefined();
      });
    });

    it('records progress and the result; a cancelled job tells its worker at the next heartbeat', async () => {
      await withQueue(async ({ queue }) => {
        const { job } = await queue.enqueue({ kind: 'poster-text' });
        await queue.claim(['poster-text'], 'w1', LEASE);
        expect(await queue.heartbeat(job.id, 'w1', LEASE, { done: 3, total: 10, message: 'reading' })).toBe(true);
        expect((await queue.get(job.id))?.progress).toEqual({ done: 3, total: 10, message: 'reading' });
        expect(await queue.heartbeat(job.id, 'w2', LEASE)).toBe(false);
        await queue.complete(job.id, 'w1', { read: 10 });
        expect(await queue.get(job.id)).toMatchObject({ state: 'done', result: { read: 10 }, error: null });
        expect((await queue.get(job.id))?.finishedAt).not.toBeNull();
        expect(await queue.cancel(job.id)).toBe(false);

        const { job: next } = await queue.enqueue({ kind: 'poster-text' });
        expect(next.id).not.toBe(job.id);
        await queue.claim(['poster-text'], 'w1', LEASE);
        expect(await queue.cancel(next.id)).toBe(true);
        expect(await queue.heartbeat(next.id, 'w1', LEASE)).toBe(false);
        await queue.complete(next.id, 'w1', { late: true });
        expect(await queue.get(next.id)).toMatchObject({ state: 'cancelled', result: null });
      });
    });

    it('retries a failed try after its delay, fails it for good when tries run out, and runs it again on retry', async () => {
      await withQueue(async ({ queue }) => {
        const { job } = await queue.enqueue({ kind: 'genres-train', maxAttempts: 2 });
        await queue.claim(['genres-train'], 'w1', LEASE);
        await queue.fail(job.id, 'w1', 'out of memory', 60_000);
        expect(await queue.get(job.id)).toMatchObject({ state: 'waiting', attempts: 1, error: 'out of memory' });
        expect(await queue.claim(['genres-train'], 'w1', LEASE)).toBeUndefined();
        const { job: soon } = await queue.enqueue({ kind: 'genres-train', key: 'soon', maxAttempts: 2 });
        await queue.claim(['genres-train'], 'w1', LEASE);
        await queue.fail(soon.id, 'w1', 'first', 0);
        expect((await queue.claim(['genres-train'], 'w1', LEASE))?.id).toBe(soon.id);
        await queue.fail(soon.id, 'w1', 'second', 0);
        expect(await queue.get(soon.id)).toMatchObject({ state: 'failed', attempts: 2, error: 'second' });
        expect(await queue.claim(['genres-train'], 'w1', LEASE)).toBeUndefined();
        expect(await queue.retry(job.id)).toBeUndefined();
        expect(await queue.retry(soon.id)).toMatchObject({ state: 'waiting', attempts: 0, error: null });
        expect((await queue.claim(['genres-train'], 'w2', LEASE))?.id).toBe(soon.id);
      });
    });

    it("hands a job whose worker stopped renewing its lease to another worker, and ignores the lost worker's writes", async () => {
      await withQueue(async ({ queue }) => {
        const { job } = await queue.enqueue({ kind: 'poster-text' });
        await queue.claim(['poster-text'], 'host:1', 100);
        expect(await queue.claim(['poster-text'], 'host:2', LEASE)).toBeUndefined();
        await sleep(250);
        const again = await queue.claim(['poster-text'], 'host:2', LEASE);
        expect(again).toMatchObject({ id: job.id, worker: 'host:2', attempts: 2 });
        expect(again?.error).toContain('host:1');
        expect(await queue.heartbeat(job.id, 'host:1', LEASE)).toBe(false);
        await queue.complete(job.id, 'host:1', { stale: true });
        expect((await queue.get(job.id))?.state).toBe('running');
        const { job: single } = await queue.enqueue({ kind: 'once', maxAttempts: 1 });
        await queue.claim(['once'], 'host:1', 50);
        await sleep(200);
        expect(await queue.claim(['once'], 'host:2', LEASE)).toBeUndefined();
        expect((await queue.get(single.id))?.state).toBe('failed');
      });
    });

    it('takes a job back from a stopping worker without counting the try', async () => {
      await withQueue(async ({ queue }) => {
        const { job } = await queue.enqueue({ kind: 'poster-text' });
        await queue.claim(['poster-text'], 'w1', LEASE);
        await queue.release(job.id, 'w2');
        expect((await queue.get(job.id))?.state).toBe('running');
        await queue.release(job.id, 'w1');
        expect(await queue.get(job.id)).toMatchObject({ state: 'waiting', attempts: 0, worker: null });
        expect(await queue.claim(['poster-text'], 'w2', LEASE)).toMatchObject({ id: job.id, attempts: 1 });
      });
    });

    it('keeps jobs across connections, and never hands one job to two workers', async () => {
      await withQueue(async ({ queue, reopen }) => {
        const ids = [];
        for (let i = 0; i < 12; i++) ids.push((await queue.enqueue({ kind: 'tiles', key: `k${i}` })).job.id);
        const other = await reopen();
        expect((await other.list({ kind: 'tiles' })).map((j) => j.id)).toEqual([...ids].reverse());
        const taken = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? queue : other).claim(['tiles'], `w${i % 2}`, LEASE)));
        expect(await queue.list({ kind: 'tiles', state: 'running' })).toHaveLength(taken.filter((j) => j !== undefined).length);
        const got = taken.filter((j) => j !== undefined).map((j) => j.id);
        expect(got.sort()).toEqual([...ids].sort());
        expect((await queue.counts()).find((c) => c.kind === 'tiles')?.counts).toEqual({ waiting: 0, running: 12, done: 0, failed: 0, cancelled: 0 });
        expect(await queue.list({ limit: 3 })).toHaveLength(3);
      });
    });
  });
}
