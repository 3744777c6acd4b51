/**
 * `marquee worker`: runs the library's background jobs (poster text, genre training, atlas, …)
 * under this machine's CPU budget and, on a PostgreSQL library, takes the index batches of
 * coordinated runs too; until stopped (Ctrl-C / SIGTERM), when its running jobs go back to the
 * queue for the next worker.
 */
import { openIndexQueue } from '../store/open-store.js';
import { startWorker, WorkerError } from '../ingest/worker.js';
import { libraryJobHandlers } from '../ingest/library-jobs.js';
import { defaultCpuBudget, JobWorkers } from '../jobs/workers.js';
import type { IndexJob, IndexQueue } from '../ingest/index-queue.js';
import { openExistingLibrary } from './open-library.js';

export async function runWorkerCommand(opts: { db?: string; threads: number; library?: string; json?: boolean }): Promise<number> {
  const library = await openExistingLibrary(opts.db);
  const say = (line: Record<string, unknown>, text: string): void => {
    if (opts.json) process.stdout.write(`${JSON.stringify(line)}\n`);
    else process.stderr.write(`${text}\n`);
  };
  if (opts.library) {
    const id = await library.library.getMeta('library_id');
    if (id !== opts.library) {
      await library.close();
      throw new WorkerError(`library ${library.location} is library ${id ?? '(not indexed yet)'}, not ${opts.library}: this worker is pointed at a different library`);
    }
  }
  let queue: IndexQueue | undefined;
  let indexWorker: { stop: () => Promise<void> } | undefined;
  const cpuBudget = defaultCpuBudget();
  const jobs = new JobWorkers(library.jobs, libraryJobHandlers(library, cpuBudget), {
    cpuBudget,
    onFinished: (job, outcome) => say({ type: 'job', id: job.id, kind: job.kind, outcome, error: job.error }, `job ${job.id} (${job.kind}): ${outcome}${outcome === 'failed' && job.error ? `: ${job.error}` : ''}`),
  });
  try {
    if (library.engine === 'postgres') {
      queue = await openIndexQueue<IndexJob>(library);
      indexWorker = await startWorker(library, queue, {
        threads: opts.threads,
        libraryId: opts.library,
        onBatch: (job, counts, seconds) =>
          say(
            { type: 'batch', run: job.runId, batch: job.batch, ...counts, seconds: Math.round(seconds * 100) / 100 },
            `run ${job.runId} batch ${job.batch}: ${counts.indexed} indexed, ${counts.unchanged} unchanged, ${counts.failed} failed in ${seconds.toFixed(1)} s`,
          ),
      });
    }
    await jobs.start();
    if (!opts.json) process.stderr.write(`worker ${process.pid} taking ${indexWorker ? 'index batches and ' : ''}jobs (${jobs.kinds().join(', ')}; ${cpuBudget} core${cpuBudget === 1 ? '' : 's'}) from ${library.location} (Ctrl-C to stop)\n`);
    // The job poll does not hold the process up (a server's socket does): this waits for the signal.
    const alive = setInterval(() => undefined, 1 << 30);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    clearInterval(alive);
    return 0;
  } finally {
    await jobs.stop();
    await indexWorker?.stop();
    if (!indexWorker) await queue?.stop();
    await library.close();
  }
}
