/**
 * Long maintenance work started over HTTP (genre re-training, atlas rebuild) runs as a child
 * process of the `marquee` CLI: minutes of CPU-bound work never stall the server's event loop,
 * a crash cannot take the server down, and the work is exactly what the CLI does. One job per
 * kind at a time; jobs are kept in memory (the last 50) and killed when the server stops.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpError } from './errors.js';

export type JobKind = 'genres-train' | 'atlas-build';
export type JobState = 'running' | 'done' | 'failed';

export interface Job {
  id: string;
  kind: JobKind;
  state: JobState;
  startedAt: string;
  finishedAt: string | null;
  exitCode: number | null;
  /** The command's JSON output when it succeeded. */
  result: unknown;
  /** The end of its error output when it failed. */
  error: string | null;
  /** Its latest progress line while it runs (e.g. "genres poster cross-validation folds 3/5 (60%) · … · ETA 40s"). */
  progress: string | null;
}

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../cli/main.js');
const KEEP = 50;
const TAIL = 4000;

const ARGS: Record<JobKind, string[]> = {
  'genres-train': ['genres', 'train', '--json'],
  'atlas-build': ['atlas', 'build', '--rebuild', '--json'],
};

export class JobRunner {
  private readonly jobs = new Map<string, Job>();
  private readonly children = new Map<string, ChildProcess>();

  constructor(
    private readonly dbPath: string,
    private readonly onFinished: (job: Job) => void,
  ) {}

  start(kind: JobKind): Job {
    const running = [...this.jobs.values()].find((j) => j.kind === kind && j.state === 'running');
    if (running) throw new HttpError(409, 'job_running', `a ${kind} job is already running (${running.id})`);
    const job: Job = { id: randomUUID(), kind, state: 'running', startedAt: new Date().toISOString(), finishedAt: null, exitCode: null, result: null, error: null, progress: null };
    // The child's stderr is a pipe, so it prints plain progress lines; every 2 s keeps the status fresh.
    const child = spawn(process.execPath, [CLI, ...ARGS[kind], '--db', this.dbPath], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MARQUEE_PROGRESS_SECONDS: '2' } });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err = (err + d).slice(-TAIL);
      const lines = err.split('\n').filter((l) => l.trim());
      job.progress = lines.at(-1) ?? job.progress;
    });
    const finish = (code: number | null, reason?: string): void => {
      if (job.state !== 'running') return;
      this.children.delete(job.id);
      job.finishedAt = new Date().toISOString();
      job.exitCode = code;
      job.state = code === 0 ? 'done' : 'failed';
      if (code === 0) {
        try {
          job.result = JSON.parse(out);
        } catch {
          job.result = out.slice(-TAIL);
        }
      } else job.error = reason ?? (err.trim() || `exited with code ${code}`);
      this.onFinished(job);
    };
    child.on('error', (e) => finish(null, e.message));
    child.on('close', (code, signal) => finish(code, signal ? `killed by ${signal}` : undefined));
    this.children.set(job.id, child);
    this.jobs.set(job.id, job);
    while (this.jobs.size > KEEP) this.jobs.delete(this.jobs.keys().next().value!);
    return job;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** The newest job of a kind, running or not. */
  latest(kind: JobKind): Job | undefined {
    return [...this.jobs.values()].reverse().find((j) => j.kind === kind);
  }

  list(): Job[] {
    return [...this.jobs.values()].reverse();
  }

  stopAll(): void {
    for (const c of this.children.values()) c.kill('SIGTERM');
  }
}
