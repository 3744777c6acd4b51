/** `marquee explain`: heatmap over poster A of the regions that make it similar to B (occlusion sensitivity) */
import { Command } from '@commander-js/extra-typings';
import { dbOption } from '../options.js';

export function explainCommand() {
  return new Command('explain')
    .description('heatmap over poster A of the regions that make it similar to B (occlusion sensitivity)')
    .argument('<a>', 'movie id or image file')
    .argument('<b>', 'movie id or image file')
    .addOption(dbOption())
    .option('--out <file>', 'PNG to write', 'explain.png')
    .option('--json', 'print the score, timing and heat grid as JSON')
    .action(async (a: string, b: string, opts) => {
      const { runExplainCommand } = await import('../analysis-commands.js');
      process.exitCode = await runExplainCommand(a, b, opts);
    });
}
