/** `marquee analysis`: stored analyses (what servers serve and background jobs compute) */
import { Command, InvalidArgumentError, Option } from '@commander-js/extra-typings';

import { dbOption } from '../options.js';

export function analysisCommand() {
  const analysis = new Command('analysis')
    .description('stored analyses (what servers serve and background jobs compute)');
  analysis
    .command('compute')
    .description('compute the closest pairs of a channel, the duplicate groups, the borrowings of a channel, the trends table, the kinds of shot among the stills or the typical posters of each period, and store them in the library')
    .argument('<kind>', 'pairs, dupes, borrowings, trends, stills-clusters or typical')
    .addOption(dbOption())
    .addOption(new Option('--channel <name>', 'channel (pairs: content, color, layout; borrowings: also typography)').choices(['content', 'color', 'layout', 'typography']))
    .option('--model <id>', 'image model of the content channel (default: the library\'s first)')
    .option('--copies', 'borrowings: also pairs that are one artwork')
    .addOption(new Option('--by <unit>', 'typical: periods of a decade or a year').choices(['decade', 'year']).default('decade'))
    .option('--genre <name>', 'typical: only films of this genre')
    .option('--country <code>', 'typical: only posters of this country (ISO code)')
    .option('--main-only', 'typical: only each film\'s main poster')
    .option('--json', 'print {"key","count","what","seconds"}')
    .action(async (kind: string, opts) => {
      if (kind !== 'pairs' && kind !== 'dupes' && kind !== 'borrowings' && kind !== 'trends' && kind !== 'stills-clusters' && kind !== 'typical')
        throw new InvalidArgumentError(`kind must be pairs, dupes, borrowings, trends, stills-clusters or typical, not "${kind}"`);
      if (kind === 'pairs' && opts.channel === 'typography') throw new InvalidArgumentError('pairs have no typography channel');
      const { runAnalysisCompute } = await import('../analysis-commands.js');
      process.exitCode = await runAnalysisCompute(kind, opts);
    });
  return analysis;
}
