/** `marquee looks`: movies whose stills look like this movie's (sets and sequences of stills, palette, HSL) */
import { Command } from '@commander-js/extra-typings';
import { dbOption, number } from '../options.js';

export function looksCommand() {
  return new Command('looks')
    .description('movies whose stills look like this movie\'s (sets and sequences of stills, palette, HSL)')
    .argument('<movie-id>', 'movie id')
    .addOption(dbOption())
    .option('--k <n>', 'number of movies', number('k', 1, 1000, true), 20)
    .option('--json', 'print {"movies":[{"id","title","score","parts"}]}')
    .action(async (id: string, opts) => {
      const { runLooksCommand } = await import('../stills-command.js');
      process.exitCode = await runLooksCommand(id, opts);
    });
}
