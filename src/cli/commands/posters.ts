/** `marquee posters`: every poster of a film (main and further: posters.csv), grouped into designs: near-duplicates are variants of one design */
import { Command } from '@commander-js/extra-typings';
import { dbOption } from '../options.js';

export function postersCommand() {
  return new Command('posters')
    .description('every poster of a film (main and further: posters.csv), grouped into designs: near-duplicates are variants of one design')
    .argument('<movie-id>', 'movie id')
    .addOption(dbOption())
    .option('--json', 'print {"id","title","year","designs","posters":[{"rank","kind","country","year","width","height","design"}]}')
    .action(async (id: string, opts) => {
      const { runPostersCommand } = await import('../analysis-commands.js');
      process.exitCode = await runPostersCommand(id, opts);
    });
}
