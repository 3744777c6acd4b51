import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { JobQueue } from './job-queue.js';
import { JOB_YIELDED, JobWorkers, WORKER_ID, type JobHandler } from './workers.js';

const open: { store: SqliteStore; dir: string }[] = [];
afterEach(async () => {
  for (const { store, dir } of open.splice(0)) {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

async function queue(): Promise<JobQueue> {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-workers-'));
  const store = await SqliteStore.open(join(dir, 'lib.db'), { create: true });
  open.push({ store, dir });
  return store.jobs;
}

async function until<T>(what: () => Promise<T | undefined | false>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await what();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const finished = (q: JobQueue, id: string) => until(async () => ((await q.get(id))?.state === 'waiting' || (await q.get(id))?.state === 'running' ? undefined : q.get(id)));

describe('JobWorkers', () => {
  it('runs a job to its result, with its progress recorded while it runs', async () => {
    const q = await queue();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const handler: JobHandler = {
      kind: 'count',
      cpus: 1,
      run: async (ctx) => {
        ctx.progress({ done: 1, total: 2, message: 'half' });
        await gate;
        return { counted: (ctx.job.payload as { n: number }).n };
      },
    };
    // A long lease: its heartbeat comes after 15 s, so the progress seen is the one written when reported.
    const workers = new JobWorkers(q, [handler], { pollMs: 20, leaseMs: 60_000 });
    const { job } = await q.enqueue({ kind: 'count', payload: { n: 7 } });
    await workers.start();
    await until(async () => (await q.get(job.id))?.progress?.message === 'half', 2000);
    release();
    expect(await finished(q, job.id)).toMatchObject({ state: 'done', result: { counted: 7 }, attempts: 1 });
    await workers.stop();
  });

  it('keeps to the CPU budget and to one job of a kind at a time', async () => {
    const q = await queue();
    let now = 0;
    let most = 0;
    const busy = (kind: string): JobHandler => ({
      kind,
      cpus: 1,
      run: async () => {
        most = Math.max(most, ++now);
        await new Promise((r) => setTimeout(r, 60));
        now--;
      },
    });
    const workers = new JobWorkers(q, [busy('a'), busy('b')], { pollMs: 10, cpuBudget: 1, leaseMs: 1000 });
    const jobs = [];
    for (const [kind, key] of [['a', '1'], ['a', '2'], ['b', '1'], ['b', '2']] as const) jobs.push((await q.enqueue({ kind, key })).job);
    await workers.start();
    for (const j of jobs) expect((await finished(q, j.id)).state).toBe('done');
    expect(most).toBe(1);
    await workers.stop();
  });

  it('retries a failing job with its reason, and stops a cancelled one at its next heartbeat', async () => {
    const q = await queue();
    const seen: string[] = [];
    const handlers: JobHandler[] = [
      { kind: 'broken', cpus: 1, run: async () => Promise.reject(new Error('cannot open model file')) },
      {
        kind: 'long',
        cpus: 0,
        run: (ctx) =>
          new Promise((resolve) => {
            ctx.signal.addEventListener('abort', () => resolve('stopped'));
          }),
      },
    ];
    const workers = new JobWorkers(q, handlers, { pollMs: 20, leaseMs: 200, onFinished: (job, outcome) => seen.push(`${job.kind} ${outcome}`) });
    const { job: broken } = await q.enqueue({ kind: 'broken', maxAttempts: 2 });
    const { job: long } = await q.enqueue({ kind: 'long' });
    await workers.start();
    await until(async () => (await q.get(broken.id))?.attempts === 1 && (await q.get(broken.id))?.state === 'waiting');
    expect(await q.get(broken.id)).toMatchObject({ error: 'cannot open model file' });
    await until(async () => (await q.get(long.id))?.state === 'running');
    expect(await q.cancel(long.id)).toBe(true);
    await until(async () => seen.includes('long cancelled'));
    expect((await q.get(long.id))?.state).toBe('cancelled');
    await workers.stop();
  });

  it('gives its running jobs back when it stops, and a new worker takes back the jobs of a dead process of this host', async () => {
    const q = await queue();
    let aborted = 0;
    const handler: JobHandler = {
      kind: 'read',
      cpus: 1,
      run: (ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => (aborted++, reject(new Error('stopped'))))),
    };
    const workers = new JobWorkers(q, [handler], { pollMs: 20, leaseMs: 60_000 });
    const { job } = await q.enqueue({ kind: 'read' });
    await workers.start();
    await until(async () => (await q.get(job.id))?.state === 'running');
    await workers.stop();
    expect(aborted).toBe(1);
    expect(await q.get(job.id)).toMatchObject({ state: 'waiting', attempts: 0, worker: null });

    // A process of another container with this host name (same name, another place) holds it: it waits for its lease.
    const place = WORKER_ID.slice(0, WORKER_ID.lastIndexOf(':'));
    expect(place.startsWith(hostname())).toBe(true);
    const elsewhere = `${hostname()}/another-boot/4026531836:4194303`;
    await q.claim(['read'], elsewhere, 3_600_000);
    const waiting = new JobWorkers(q, [{ kind: 'read', cpus: 1, run: async () => 'taken' }], { pollMs: 20, leaseMs: 60_000 });
    await waiting.start();
    await new Promise((r) => setTimeout(r, 200));
    expect(await q.get(job.id)).toMatchObject({ state: 'running', worker: elsewhere });
    await waiting.stop();
    await q.release(job.id, elsewhere);

    // A process of this place that died holding it (pid far beyond any live one), with an hour of lease left.
    const dead = `${place}:4194303`;
    expect(dead).not.toBe(WORKER_ID);
    await q.claim(['read'], dead, 3_600_000);
    const next = new JobWorkers(q, [{ kind: 'read', cpus: 1, run: async () => 'resumed' }], { pollMs: 20, leaseMs: 60_000 });
    await next.start();
    expect(await finished(q, job.id)).toMatchObject({ state: 'done', result: 'resumed' });
    await next.stop();
  });

  it('makes a long job give way to a more urgent one when the budget is full, then resumes it', async () => {
    const q = await queue();
    const order: string[] = [];
    const long: JobHandler = {
      kind: 'read',
      cpus: 1,
      run: async (ctx) => {
        order.push('read starts');
        for (let i = 0; i < 200; i++) {
          if (ctx.yieldSignal.aborted) return order.push('read yields') && JOB_YIELDED;
          await new Promise((r) => setTimeout(r, 20));
        }
        order.push('read done');
        return 'all read';
      },
    };
    const urgent: JobHandler = { kind: 'pairs', cpus: 1, run: async () => void order.push('pairs') };
    const workers = new JobWorkers(q, [long, urgent], { pollMs: 20, leaseMs: 200, cpuBudget: 1 });
    const { job: reading } = await q.enqueue({ kind: 'read', priority: 0 });
    await workers.start();
    await until(async () => order.includes('read starts'));
    const { job: pairs } = await q.enqueue({ kind: 'pairs', priority: 10 });
    expect((await finished(q, pairs.id)).state).toBe('done');
    expect(await finished(q, reading.id)).toMatchObject({ state: 'done', result: 'all read', attempts: 1 });
    expect(order).toEqual(['read starts', 'read yields', 'pairs', 'read starts', 'read done']);
    await workers.stop();
  });

  it('does not make a job give way to one that could not start anyway (its kind already runs as often as it may)', async () => {
    const q = await queue();
    const order: string[] = [];
    let releaseFirst: () => void = () => undefined;
    const first = new Promise<void>((r) => (releaseFirst = r));
    const long: JobHandler = {
      kind: 'read',
      cpus: 1,
      run: async (ctx) => {
        order.push('read starts');
        for (let i = 0; i < 40; i++) {
          if (ctx.yieldSignal.aborted) return order.push('read yields') && JOB_YIELDED;
          await new Promise((r) => setTimeout(r, 20));
        }
        order.push('read done');
        return 'all read';
      },
    };
    // Two cores: an analysis runs beside the reading, and a second analysis waits for the first (concurrency 1).
    const urgent: JobHandler = { kind: 'pairs', cpus: 1, run: async (ctx) => (ctx.job.key === 'first' ? first : undefined) };
    const workers = new JobWorkers(q, [long, urgent], { pollMs: 20, leaseMs: 200, cpuBudget: 2 });
    await q.enqueue({ kind: 'pairs', key: 'first', priority: 10 });
    const { job: reading } = await q.enqueue({ kind: 'read', priority: 0 });
    await workers.start();
    await until(async () => order.includes('read starts'));
    const { job: second } = await q.enqueue({ kind: 'pairs', key: 'second', priority: 10 });
    expect(await finished(q, reading.id)).toMatchObject({ state: 'done', result: 'all read', attempts: 1 });
    expect(order).toEqual(['read starts', 'read done']);
    releaseFirst();
    expect((await finished(q, second.id)).state).toBe('done');
    await workers.stop();
  });

  it('makes a running job of a paused kind stop at a resumable point; it resumes when the kind does', async () => {
    const q = await queue();
    let runs = 0;
    const long: JobHandler = {
      kind: 'read',
      cpus: 1,
      run: async (ctx) => {
        runs++;
        for (let i = 0; i < 50; i++) {
          if (ctx.yieldSignal.aborted) return JOB_YIELDED;
          await new Promise((r) => setTimeout(r, 20));
        }
        return 'finished';
      },
    };
    const workers = new JobWorkers(q, [long], { pollMs: 20, leaseMs: 200 });
    const { job } = await q.enqueue({ kind: 'read' });
    await workers.start();
    await until(async () => (await q.get(job.id))?.state === 'running');
    await q.pause('read');
    await until(async () => (await q.get(job.id))?.state === 'waiting');
    await new Promise((r) => setTimeout(r, 200));
    expect((await q.get(job.id))?.state).toBe('waiting');
    await q.resume('read');
    expect(await finished(q, job.id)).toMatchObject({ state: 'done', result: 'finished' });
    expect(runs).toBe(2);
    await workers.stop();
  });
});
