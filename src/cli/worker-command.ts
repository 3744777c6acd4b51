/** `marquee worker --db postgres://…`: take index batches from the library's queue until stopped (Ctrl-C / SIGTERM). */
import { openIndexQueue } from '../store/open-store.js';
import { startWorker } from '../ingest/worker.js';
import { openExistingLibrary } from './open-library.js';

export async function runWorkerCommand(opts: { db?: string; threads: number; library?: string; json?: boolean }): Promise<number> {
  const library = await openExistingLibrary(opts.db);
  try {
    const queue = await openIndexQueue(library);
    let worker: { stop: () => Promise<void> };
    try {
      worker = await startWorker(library, queue, {
        threads: opts.threads,
        libraryId: opts.library,
        onBatch: (job, counts, seconds) => {
          const line = { type: 'batch', run: job.runId, batch: job.batch, ...counts, seconds: Math.round(seconds * 100) / 100 };
          if (opts.json) process.stdout.write(`${JSON.stringify(line)}\n`);
          else process.stderr.write(`run ${job.runId} batch ${job.batch}: ${counts.indexed} indexed, ${counts.unchanged} unchanged, ${counts.failed} failed in ${seconds.toFixed(1)} s\n`);
        },
      });
    } catch (err) {
      await queue.stop();
      throw err;
    }
    if (!opts.json) process.stderr.write(`worker ${process.pid} taking index batches from ${library.location} (Ctrl-C to stop)\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await worker.stop();
    return 0;
  } finally {
    await library.close();
  }
}
