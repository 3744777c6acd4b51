/** `marquee poster-vs-film`: how a poster's colours compare with its film's look (stills or an indexed video): palette distance, lightness, chroma, hue; without an id, the films whose poster misrepresents them most */
import { Command } from '@commander-js/extra-typings';
import { dbOption, number } from '../options.js';

export function posterVsFilmCommand() {
  return new Command('poster-vs-film')
    .description('how a poster\'s colours compare with its film\'s look (stills or an indexed video): palette distance, lightness, chroma, hue; without an id, the films whose poster misrepresents them most')
    .argument('[movie-id]', 'one film')
    .addOption(dbOption())
    .option('--least', 'the films whose poster represents them best first')
    .option('--k <n>', 'how many films', number('k', 1, 10000, true), 20)
    .option('--json', 'print the comparison(s) as JSON')
    .action(async (id: string | undefined, opts) => {
      const { runPosterVsFilmCommand } = await import('../analysis-commands.js');
      process.exitCode = await runPosterVsFilmCommand(id, opts);
    });
}
