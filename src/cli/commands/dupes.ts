/** `marquee dupes`: groups of near-duplicate posters (re-encodes, resizes, crops, recolourings of one artwork) */
import { Command } from '@commander-js/extra-typings';
import { dbOption, number } from '../options.js';

export function dupesCommand() {
  return new Command('dupes')
    .description('groups of near-duplicate posters (re-encodes, resizes, crops, recolourings of one artwork)')
    .addOption(dbOption())
    .option('--threshold <t>', 'aligned-correlation threshold', number('threshold', 0, 1), 0.9)
    .option('--json', 'print {"groups":[[id,...],...]}')
    .action(async (opts) => {
      const { runDupesCommand } = await import('../analysis-commands.js');
      process.exitCode = await runDupesCommand(opts);
    });
}
