/** `marquee worker`: run the library's background jobs (poster text, genre training, atlas; see "marquee jobs") and, on PostgreSQL libraries, the index batches queued by "marquee index --workers", on this or any machine that sees the poster files; runs until Ctrl-C */
import { Command } from '@commander-js/extra-typings';
import { dbOption, number } from '../options.js';

export function workerCommand() {
  return new Command('worker')
    .description('run the library\'s background jobs (poster text, genre training, atlas; see "marquee jobs") and, on PostgreSQL libraries, the index batches queued by "marquee index --workers", on this or any machine that sees the poster files; runs until Ctrl-C')
    .addOption(dbOption())
    .option('--threads <n>', 'onnxruntime threads for the image model (1 per worker process is fastest on a shared machine)', number('threads', 1, 256, true), 1)
    .option('--library <id>', 'refuse to work unless the library has this id (printed by the coordinating index run)')
    .option('--json', 'print a JSON line per batch')
    .action(async (opts) => {
      const { runWorkerCommand } = await import('../worker-command.js');
      process.exitCode = await runWorkerCommand(opts);
    });
}
