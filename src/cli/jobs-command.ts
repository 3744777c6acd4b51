/** `marquee jobs`: the library's job queue from the command line (list, start, cancel, retry, pause, resume). */
import { JOB_STATES, type Job } from '../jobs/job-queue.js';
import { JOB_KINDS, JOB_PRIORITY, POSTER_TEXT_JOB, SMALL_PRINT_JOB, STARTABLE_JOBS } from '../ingest/library-jobs.js';
import { MarqueeError } from '../util/errors.js';
import { openExistingLibrary } from './open-library.js';

function line(job: Job): string {
  const p = job.progress;
  const progress = p ? (p.total > 0 ? ` ${p.done}/${p.total}` : '') + (p.message ? ` · ${p.message}` : '') : '';
  const when = job.finishedAt ?? job.startedAt ?? job.createdAt;
  const error = job.error && job.state !== 'done' ? `\n      ${job.error.split('\n').at(-1)}` : '';
  return `${job.id.padStart(6)}  ${job.kind.padEnd(14)} ${job.state.padEnd(9)} try ${job.attempts}/${job.maxAttempts}  ${when}${progress}${error}`;
}

export async function runJobsList(opts: { db?: string; kind?: string; limit: number; json?: boolean }): Promise<number> {
  const library = await openExistingLibrary(opts.db);
  try {
    const [kinds, jobs] = await Promise.all([library.jobs.counts(), library.jobs.list({ kind: opts.kind, limit: opts.limit })]);
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ kinds, jobs })}\n`);
      return 0;
    }
    if (kinds.length === 0) process.stdout.write('no jobs yet\n');
    for (const k of kinds) process.stdout.write(`${k.kind.padEnd(14)} ${k.paused ? 'PAUSED ' : ''}${JOB_STATES.map((s) => `${s} ${k.counts[s]}`).join(', ')}\n`);
    if (jobs.length) process.stdout.write(`\n${jobs.map(line).join('\n')}\n`);
    return 0;
  } finally {
    await library.close();
  }
}

export async function runJobAction(action: 'start' | 'cancel' | 'retry' | 'pause' | 'resume', target: string, opts: { db?: string; json?: boolean }): Promise<number> {
  const library = await openExistingLibrary(opts.db);
  try {
    const q = library.jobs;
    const print = (job: Job | undefined, text: string): void => void process.stdout.write(opts.json ? `${JSON.stringify(job ?? { kind: target, action })}\n` : `${text}\n`);
    // An analysis job needs its request (pairs of which channel…): servers enqueue those.
    const kinds = action === 'start' ? [...STARTABLE_JOBS, POSTER_TEXT_JOB, SMALL_PRINT_JOB] : JOB_KINDS;
    if ((action === 'start' || action === 'pause' || action === 'resume') && !kinds.includes(target)) throw new MarqueeError('unknown_job', `no job kind "${target}" to ${action} (kinds: ${kinds.join(', ')})`);
    switch (action) {
      case 'start': {
        const { job, created } = await q.enqueue({ kind: target, priority: JOB_PRIORITY[target] ?? 0 });
        print(job, created ? `job ${job.id} (${target}) waits for a worker or a server (marquee worker, marquee serve)` : `a ${target} job is already ${job.state}: ${job.id}`);
        return created ? 0 : 1;
      }
      case 'cancel': {
        const job = await q.get(target);
        if (!job) throw new MarqueeError('unknown_job', `no job ${target}`);
        const cancelled = await q.cancel(target);
        print(await q.get(target), cancelled ? `job ${target} cancelled` : `job ${target} is ${job.state}: nothing to cancel`);
        return cancelled ? 0 : 1;
      }
      case 'retry': {
        const job = await q.get(target);
        if (!job) throw new MarqueeError('unknown_job', `no job ${target}`);
        const again = await q.retry(target);
        print(again ?? job, again ? `job ${target} waits to run again` : `job ${target} is ${job.state}: only failed or cancelled jobs run again`);
        return again ? 0 : 1;
      }
      case 'pause':
      case 'resume':
        await q[action](target);
        print(undefined, action === 'pause' ? `${target}: no new job starts until "marquee jobs resume ${target}"` : `${target}: waiting jobs start again`);
        return 0;
    }
  } finally {
    await library.close();
  }
}
