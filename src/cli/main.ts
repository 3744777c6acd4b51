#!/usr/bin/env node
/** The `marquee` command line: runs the command tree of program.ts and turns failures into exit codes. */
import { CommanderError } from '@commander-js/extra-typings';
import { buildProgram } from './program.js';
import { MarqueeError } from '../util/errors.js';
import { EXIT_BUSY } from '../jobs/cli-job.js';

// Output piped into a reader that stops early (`| head`): stop quietly, as Unix tools do.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const program = buildProgram();

program.parseAsync(process.argv).then(exitWhenIdle, (err: unknown) => {
  if (err instanceof CommanderError) {
    // Commander has printed its message (or the help) already.
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    // 75 (EX_TEMPFAIL): the library is busy (another index run holds its lock); a job retries later.
    process.exitCode = err instanceof MarqueeError && err.kind === 'busy' ? EXIT_BUSY : 2;
  }
  exitWhenIdle();
});

/**
 * A finished command exits with its code even if something it started (a worker pool, a
 * socket) still holds the event loop: the grace period lets output flush and closes finish.
 * `serve` and `worker` only return when they are told to stop, so this never cuts them short.
 */
function exitWhenIdle(): void {
  setTimeout(() => {
    process.stderr.write('warning: exiting with handles still open\n');
    process.exit();
  }, 3000).unref();
}
