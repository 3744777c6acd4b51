/** `marquee serve`: serve the HTTP API over the library */
import { Command } from '@commander-js/extra-typings';
import { dbOption, number } from '../options.js';

export function serveCommand() {
  return new Command('serve')
    .description('serve the HTTP API over the library')
    .addOption(dbOption())
    .option('--port <n>', 'port', number('port', 0, 65535, true), 8080)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--read-text', 'read the printed text of posters not read yet in the background while serving (progress: GET /api/text/status)')
    .option('--train-genres', 'train the genre model in the background when there is none usable, and again when --read-text finishes (progress: GET /api/genres/status)')
    .action(async (opts) => {
      const { runServeCommand } = await import('../serve-command.js');
      process.exitCode = await runServeCommand(opts);
    });
}
