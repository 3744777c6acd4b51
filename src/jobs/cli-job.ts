/**
 * A job that runs a `marquee` CLI command as a child process (genre training, atlas rebuild):
 * minutes of CPU-bound work never stall the serving process's event loop, a crash cannot take
 * the server down, and the work is exactly what the CLI does. The child prints plain progress
 * lines to stderr (a pipe), the last of which becomes the job's progress message; its JSON
 * output is the job's result. Abort kills it. A command that stops between items on SIGTERM and
 * resumes where it stopped (the tiles and faces passes: `resumable`) also gives way to a more
 * urgent job (ctx.yieldSignal): it is stopped the same way and goes back to the queue.
 */
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JOB_YIELDED, type JobContext } from './workers.js';

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../cli/main.js');
const TAIL = 4000;

/** The exit code of a command that found the library busy (another index run holds its lock): try again later. */
export const EXIT_BUSY = 75;

/** What runCliJob returns when the command exited with EXIT_BUSY and `busy: 'return'` was asked. */
export const CLI_JOB_BUSY = Symbol('library busy');

export function runCliJob(args: readonly string[], db: string, ctx: JobContext, opts: { resumable?: boolean; busy?: 'return' } = {}): Promise<unknown> {
  return new Promise((resolvePromise, reject) => {
    // Every 2 s keeps the progress fresh.
    // Its threads (models, ffmpeg) stay within the one core a CLI job counts against the budget (util/job-threads.ts).
    const env = { ...process.env, MARQUEE_PROGRESS_SECONDS: '2', MARQUEE_JOB_THREADS: '1' };
    const child = spawn(process.execPath, [CLI, ...args, '--db', db], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err = (err + d).slice(-TAIL);
      const line = err.split('\n').filter((l) => l.trim()).at(-1)?.trim();
      // "label 1200/3253 (37%) · 5.1/s · ETA 6m 40s": the counts become the job's progress.
      const counts = line ? /(\d+)\/(\d+)/.exec(line) : null;
      if (line) ctx.progress({ done: counts ? Number(counts[1]) : 0, total: counts ? Number(counts[2]) : 0, message: line });
    });
    const kill = (): void => void child.kill('SIGTERM');
    ctx.signal.addEventListener('abort', kill, { once: true });
    if (opts.resumable) ctx.yieldSignal.addEventListener('abort', kill, { once: true });
    child.on('error', (e) => reject(e));
    child.on('close', (code, signal) => {
      ctx.signal.removeEventListener('abort', kill);
      ctx.yieldSignal.removeEventListener('abort', kill);
      // Stopped to make way (not cancelled, not this process stopping): back to the queue, resumed later.
      // Only a child that stopped as asked (exit 130 after SIGTERM, or killed by it): a crash stays a failure.
      const stoppedAsAsked = code === 130 || signal === 'SIGTERM';
      if (stoppedAsAsked && opts.resumable && ctx.yieldSignal.aborted && !ctx.signal.aborted) return resolvePromise(JOB_YIELDED);
      if (code === EXIT_BUSY && opts.busy === 'return') return resolvePromise(CLI_JOB_BUSY);
      if (code === 0) {
        try {
          resolvePromise(JSON.parse(out));
        } catch {
          resolvePromise(out.slice(-TAIL));
        }
      } else reject(new Error(signal ? `killed by ${signal}` : err.trim() || `exited with code ${code}`));
    });
  });
}
