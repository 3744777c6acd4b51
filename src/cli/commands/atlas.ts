/** `marquee atlas`: the collection as a 2-D map */
import { Command, Option } from '@commander-js/extra-typings';
import { dbOption, number } from '../options.js';

export function atlasCommand() {
  const atlas = new Command('atlas').description('the collection as a 2-D map');
  atlas
    .command('build')
    .description('projections (PCA, UMAP, t-SNE), grid layout, clusters and texture atlases; new posters are placed incrementally')
    .addOption(dbOption())
    .addOption(new Option('--channel <name>', 'which vectors to map').choices(['content', 'color', 'layout', 'text']).default('content'))
    .option('--model <id>', 'image model of the content atlas (default: the library\'s first)')
    .option('--prompts <file>', 'with a dual-encoder (CLIP-style) model in the library: label clusters with the best of these prompts, one per line (default: a built-in list of poster motifs)')
    .option('--rebuild', 'recompute everything instead of placing new posters into the frozen layout')
    .option('--k <n>', 'number of clusters (default: chosen by silhouette, 6-16)', number('k', 2, 100, true))
    .option('--seed <n>', 'random seed', number('seed', 0, 2 ** 31, true), 42)
    .option('--no-tsne', 'skip the t-SNE projection')
    .option('--json', 'print the atlas summary as JSON')
    .action(async (opts) => {
      const { runAtlasBuild } = await import('../atlas-command.js');
      process.exitCode = await runAtlasBuild(opts);
    });
  return atlas;
}
