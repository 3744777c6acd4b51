/**
 * Runs the library's jobs in this process: takes jobs of the kinds it has handlers for, at most
 * `concurrency` of a kind and within a CPU budget (by default every core but one, which stays free
 * for serving requests), renews each job's lease while it runs, records its progress, and marks it
 * done, failed (retried with backoff) or — when this process stops — gives it back to the queue
 * without counting the try, so the next start (or another machine's worker) resumes it.
 *
 * At start it also takes back jobs held by a dead process of this machine (kill -9, a crash):
 * waiting for their lease to run out would leave a restarted server idle for that long.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { retryDelayMs, type Job, type JobProgress, type JobQueue } from './job-queue.js';

export interface JobContext {
  job: Job;
  /** Aborted when the job is cancelled or this process stops: stop soon, at a point the job can resume from. */
  signal: AbortSignal;
  /**
   * Aborted when a job of higher priority waits and the budget has no room for it: a long job
   * that can stop at a resumable point (the OCR pass) returns early; it goes back to the queue
   * and continues after. Jobs that cannot stop midway ignore it.
   */
  yieldSignal: AbortSignal;
  progress(p: JobProgress): void;
}

/** The least time between two progress writes of a job (a heartbeat writes it too). */
const PROGRESS_WRITE_MS = 1000;

/** What a handler returns when it stopped early to make way (ctx.yieldSignal): the job goes back to the queue. */
export const JOB_YIELDED = Symbol('job yielded');

export interface JobHandler {
  kind: string;
  /** Cores the job keeps busy (counted against the budget; at least one job runs even when it asks for more). */
  cpus: number;
  /** Jobs of this kind at once in this process (default 1). */
  concurrency?: number;
  run(ctx: JobContext): Promise<unknown>;
}

export interface JobWorkerOptions {
  /** Cores jobs may use together (default: all but one, at least one; MARQUEE_JOB_CPUS). */
  cpuBudget?: number;
  pollMs?: number;
  /** How long a job stays this worker's without a heartbeat (MARQUEE_JOB_LEASE_SECONDS, default 30 s). */
  leaseMs?: number;
  /** Called when a job ends here (done, failed, cancelled or given back). */
  onFinished?: (job: Job, outcome: 'done' | 'failed' | 'cancelled' | 'released') => void;
}

/**
 * Where a process's pid means something: the host name, the kernel's boot id and the pid
 * namespace (Linux; elsewhere the host name alone). Two containers may share a host name and a
 * kernel, and two machines a host name and the initial pid namespace's number: only a process in
 * the very same place can tell from a pid that a holder is dead.
 */
function pidPlace(): string {
  const read = (f: () => string): string => {
    try {
      return f().trim();
    } catch {
      return '';
    }
  };
  const boot = read(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8'));
  const namespace = read(() => readlinkSync('/proc/self/ns/pid')).replace(/\D/g, '');
  return [hostname(), boot, namespace].filter(Boolean).join('/');
}

const PID_PLACE = pidPlace();

/** This process's name in the queue: its place and pid, so a restart in the same place can tell a dead holder. */
export const WORKER_ID = `${PID_PLACE}:${process.pid}`;

export function defaultCpuBudget(): number {
  const configured = Number(process.env.MARQUEE_JOB_CPUS);
  if (Number.isFinite(configured) && configured >= 1) return Math.floor(configured);
  return Math.max(1, availableParallelism() - 1);
}

function leaseFromEnv(): number {
  const seconds = Number(process.env.MARQUEE_JOB_LEASE_SECONDS);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 30_000;
}

/** Runs a write again after a moment when the database was briefly away (three tries). */
async function retried(write: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (attempt >= 3) throw err;
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
}

/** Whether a worker id names a process of this place (host, boot, pid namespace) that no longer exists. */
function deadHere(worker: string | null): boolean {
  if (!worker) return false;
  const at = worker.lastIndexOf(':');
  if (worker.slice(0, at) !== PID_PLACE) return false;
  const pid = Number(worker.slice(at + 1));
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

interface Running {
  job: Job;
  handler: JobHandler;
  abort: AbortController;
  yielding: AbortController;
  stopping: boolean;
  done: Promise<void>;
}

export class JobWorkers {
  readonly cpuBudget: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly running = new Map<string, Running>();
  private timer?: NodeJS.Timeout;
  private started = false;
  private stopped = false;
  private polling?: Promise<void>;

  constructor(
    private readonly queue: JobQueue,
    private readonly handlers: readonly JobHandler[],
    private readonly opts: JobWorkerOptions = {},
  ) {
    this.cpuBudget = opts.cpuBudget ?? defaultCpuBudget();
    this.pollMs = opts.pollMs ?? 500;
    this.leaseMs = opts.leaseMs ?? leaseFromEnv();
  }

  async start(): Promise<void> {
    this.started = true;
    for (const job of await this.queue.list({ state: 'running', limit: 1000 }))
      if (deadHere(job.worker)) await this.queue.release(job.id, job.worker!);
    if (this.stopped) return;
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref();
    await this.poll();
  }

  /** Takes what fits now (also called after a job is enqueued, so it starts without waiting for the poll). */
  poll(): Promise<void> {
    if (this.polling || this.stopped || !this.started) return this.polling ?? Promise.resolve();
    this.polling = this.take().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async take(): Promise<void> {
    try {
      for (;;) {
        const kinds = this.handlers.filter((h) => this.fits(h)).map((h) => h.kind);
        if (kinds.length === 0) return;
        const job = await this.queue.claim(kinds, WORKER_ID, this.leaseMs);
        if (!job) return;
        if (this.stopped) {
          await this.queue.release(job.id, WORKER_ID);
          return;
        }
        this.run(job, this.handlers.find((h) => h.kind === job.kind)!);
      }
    } catch {
      // The database is away for a moment: the next poll tries again.
    }
  }

  /** The kinds this process runs. */
  kinds(): string[] {
    return this.handlers.map((h) => h.kind);
  }

  /** Jobs running in this process. */
  active(): Job[] {
    return [...this.running.values()].map((r) => r.job);
  }

  /** Stops taking jobs, stops the running ones and gives them back to the queue. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    // A claim in flight gives its job back (take() sees `stopped`) before the store may close.
    await this.polling;
    for (const r of this.running.values()) {
      r.stopping = true;
      r.abort.abort();
    }
    await Promise.all([...this.running.values()].map((r) => r.done));
  }

  /** Whether a job of this kind may start now: its kind below its concurrency and room in the budget. */
  private fits(handler: JobHandler): boolean {
    return !this.kindFull(handler) && this.roomFor(handler.cpus, this.usedCpus());
  }

  private kindFull(handler: JobHandler): boolean {
    return [...this.running.values()].filter((r) => r.handler.kind === handler.kind).length >= (handler.concurrency ?? 1);
  }

  private usedCpus(): number {
    return [...this.running.values()].reduce((sum, r) => sum + r.handler.cpus, 0);
  }

  /** At least one job always runs, even one asking for more than the budget. */
  private roomFor(cpus: number, used: number): boolean {
    return used === 0 || used + cpus <= this.cpuBudget;
  }

  private run(job: Job, handler: JobHandler): void {
    const abort = new AbortController();
    const yielding = new AbortController();
    let progress: JobProgress | undefined;
    const entry: Running = { job, handler, abort, yielding, stopping: false, done: Promise.resolve() };
    const beat = setInterval(() => {
      void this.queue.heartbeat(job.id, WORKER_ID, this.leaseMs, progress).then(
        async (mine) => {
          if (!mine) return abort.abort();
          // Its kind was paused: stop at a resumable point (jobs that cannot, finish).
          if ((await this.queue.pausedKinds()).includes(job.kind)) return yielding.abort();
          // A more urgent job waits, cannot start beside this one, and could start without it: let this one make way.
          // (A job held back by its own kind's concurrency would not start either way: yielding would only restart this one.)
          const above = await this.queue.waitingAbove(this.kinds(), job.priority);
          const used = this.usedCpus();
          const blocked = above.some((kind) => {
            const h = this.handlers.find((x) => x.kind === kind)!;
            return !this.kindFull(h) && !this.roomFor(h.cpus, used) && this.roomFor(h.cpus, used - handler.cpus);
          });
          if (blocked) yielding.abort();
        },
        () => undefined,
      );
    }, Math.max(200, Math.floor(this.leaseMs / 4)));
    beat.unref();
    // Progress is written at once, then at most once a second (besides each heartbeat): a short job
    // shows how far it is before its first heartbeat (a quarter of the lease, 7.5 s by default).
    let progressWritten = 0;
    const report = (p: JobProgress): void => {
      progress = p;
      if (Date.now() - progressWritten < PROGRESS_WRITE_MS) return;
      progressWritten = Date.now();
      void this.queue.heartbeat(job.id, WORKER_ID, this.leaseMs, p).then((mine) => mine || abort.abort(), () => undefined);
    };
    const ctx: JobContext = { job, signal: abort.signal, yieldSignal: yielding.signal, progress: report };
    this.running.set(job.id, entry);
    entry.done = (async () => {
      // Only the handler's own failure fails the job: a database error while recording its end
      // leaves the job running under a lease that runs out (handed out again), never re-run work
      // that finished.
      let result: unknown;
      let threw: Error | undefined;
      try {
        result = await handler.run(ctx);
      } catch (err) {
        threw = err as Error;
      } finally {
        clearInterval(beat);
      }
      let outcome: 'done' | 'failed' | 'cancelled' | 'released';
      try {
        const cancelled = abort.signal.aborted && !entry.stopping;
        if (threw || result === JOB_YIELDED) {
          if (cancelled) outcome = 'cancelled';
          else if (threw && !entry.stopping) {
            await this.queue.fail(job.id, WORKER_ID, threw.message, retryDelayMs(job.attempts));
            outcome = 'failed';
          } else {
            // Stopped midway (this process stops, or it gave way): back to the queue, resumed later.
            await this.queue.release(job.id, WORKER_ID);
            outcome = 'released';
          }
        } else if (cancelled) outcome = 'cancelled';
        else {
          // Finished (also when this process began stopping meanwhile). The last progress first: a short job may end before its first heartbeat.
          if (progress) await this.queue.heartbeat(job.id, WORKER_ID, this.leaseMs, progress);
          await retried(() => this.queue.complete(job.id, WORKER_ID, result));
          outcome = 'done';
        }
      } catch {
        outcome = 'failed';
      } finally {
        this.running.delete(job.id);
      }
      const latest = (await this.queue.get(job.id).catch(() => undefined)) ?? job;
      this.opts.onFinished?.(latest, outcome);
      if (!this.stopped) void this.poll();
    })();
  }
}
