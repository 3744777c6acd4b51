/** `marquee which-movie`: which indexed movie a film still most likely comes from */
import { Command } from '@commander-js/extra-typings';
import { dbOption, number } from '../options.js';

export function whichMovieCommand() {
  return new Command('which-movie')
    .description('which indexed movie a film still most likely comes from')
    .addOption(dbOption())
    .option('--image <still>', 'the still')
    .option('--batch <queries.jsonl>', 'one {"qid","image"} per line ("-" for stdin), one {"qid","movies"} line out each')
    .option('--k <n>', 'number of movies', number('k', 1, 1000, true), 5)
    .option('--json', 'print {"movies":[{"id","title","score"}]}')
    .action(async (opts) => {
      const { runWhichMovieCommand } = await import('../stills-command.js');
      process.exitCode = await runWhichMovieCommand(opts);
    });
}
