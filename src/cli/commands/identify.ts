/** `marquee identify`: which catalog film a poster shows (its printed title and text, and the image), or "not in the catalog" */
import { Command } from '@commander-js/extra-typings';
import { dbOption, number } from '../options.js';

export function identifyCommand() {
  return new Command('identify')
    .description('which catalog film a poster shows (its printed title and text, and the image), or "not in the catalog"')
    .addOption(dbOption())
    .option('--image <file>', 'the poster')
    .option('--k <n>', 'candidates to list', number('k', 1, 100, true), 5)
    .option('--json', 'print {"match":{id,title,year,confidence,by}|null,"candidates":[...],"lines":[...]}')
    .action(async (opts) => {
      const { runIdentifyCommand } = await import('../identify-command.js');
      process.exitCode = await runIdentifyCommand(opts);
    });
}
