/** `marquee stills`: film stills: a movie's look, evaluation, kinds of shot */
import { Command } from '@commander-js/extra-typings';
import { dbOption, number } from '../options.js';

export function stillsCommand() {
  const stills = new Command('stills').description('film stills: a movie\'s look, evaluation, kinds of shot');
  stills
    .command('look')
    .description('a movie\'s look: palette (named colours), HSL statistics, colour barcode')
    .argument('<movie-id>', 'movie id')
    .addOption(dbOption())
    .option('--barcode <file.png>', 'write the colour barcode (one column per still, in film order)')
    .option('--json', 'print the look as JSON')
    .action(async (id: string, opts) => {
      const { runStillsLookCommand } = await import('../stills-command.js');
      process.exitCode = await runStillsLookCommand(id, opts);
    });
  stills
    .command('eval')
    .description('leave-one-out which-movie accuracy over all stills, own frames within ±window left out')
    .addOption(dbOption())
    .option('--window <n>', 'frames on each side of the query left out', number('window', 0, 1000, true), 2)
    .option('--json', 'print the evaluation as JSON')
    .action(async (opts) => {
      const { runStillsEvalCommand } = await import('../stills-command.js');
      process.exitCode = await runStillsEvalCommand(opts);
    });
  stills
    .command('clusters')
    .description('kinds of shot across movies (clusters of stills), labelled, with grid cells')
    .addOption(dbOption())
    .option('--k <n>', 'number of clusters (default: by silhouette, 4-12)', number('k', 2, 100, true))
    .option('--seed <n>', 'random seed', number('seed', 0, 2 ** 31, true), 42)
    .option('--json', 'print clusters and every still\'s cluster and grid cell')
    .action(async (opts) => {
      const { runStillsClustersCommand } = await import('../stills-command.js');
      process.exitCode = await runStillsClustersCommand(opts);
    });
  stills
    .command('atlas')
    .description('the map of every still: PCA plane, grid, clusters, hues and 16:9 thumbnail sheets; new stills are placed incrementally')
    .addOption(dbOption())
    .option('--rebuild', 'lay out every still again (default: place new and changed stills into the map there is; past a tenth of them new, or another image model, it is laid out again)')
    .option('--k <n>', 'number of clusters (default: by silhouette, 5-12); implies --rebuild', number('k', 2, 100, true))
    .option('--seed <n>', 'random seed (default 42); implies --rebuild', number('seed', 0, 2 ** 31, true))
    .option('--json', 'print the build (grid, clusters, seconds per stage) as JSON')
    .action(async (opts) => {
      const { runStillsAtlasCommand } = await import('../stills-command.js');
      process.exitCode = await runStillsAtlasCommand(opts);
    });
  stills
    .command('prepare')
    .description('store the which-movie match (each still\'s compact row and hub term): on PostgreSQL with pgvector, which-movie then ranks in the database')
    .addOption(dbOption())
    .option('--json', 'print the build as JSON')
    .action(async (opts) => {
      const { runStillsPrepareCommand } = await import('../stills-command.js');
      process.exitCode = await runStillsPrepareCommand(opts);
    });
  return stills;
}
