/** `marquee pairs`: the most similar pairs of posters per channel, near-duplicates flagged */
import { Command, Option } from '@commander-js/extra-typings';
import { dbOption, number } from '../options.js';

export function pairsCommand() {
  return new Command('pairs')
    .description('the most similar pairs of posters per channel, near-duplicates flagged')
    .addOption(dbOption())
    .option('--k <n>', 'pairs per channel', number('k', 1, 100000, true), 200)
    .addOption(new Option('--channel <name>', 'channel').choices(['content', 'color', 'layout', 'all']).default('content'))
    .option('--model <id>', 'image model of the content channel (default: the library\'s first)')
    .option('--json', 'print {"pairs":[{"a","b","score","channel","model","duplicate"}]}')
    .option('--csv', 'print CSV: rank,channel,model,score,a,a_title,a_year,b,b_title,b_year,duplicate')
    .action(async (opts) => {
      const { runPairsCommand } = await import('../analysis-commands.js');
      process.exitCode = await runPairsCommand(opts);
    });
}
