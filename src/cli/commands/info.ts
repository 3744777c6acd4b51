/** `marquee info`: show what the library holds */
import { Command } from '@commander-js/extra-typings';
import { dbOption } from '../options.js';

export function infoCommand() {
  return new Command('info')
    .description('show what the library holds')
    .addOption(dbOption())
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const { runInfoCommand } = await import('../info-command.js');
      process.exitCode = await runInfoCommand(opts);
    });
}
