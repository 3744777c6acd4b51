/** `marquee borrowings`: posters unusually like an earlier film's poster on one channel, directed earlier → later, ranked by a z-score against pairs from the same decades and genres */
import { Command, Option } from '@commander-js/extra-typings';
import { dbOption, number } from '../options.js';

export function borrowingsCommand() {
  return new Command('borrowings')
    .description('posters unusually like an earlier film\'s poster on one channel, directed earlier → later, ranked by a z-score against pairs from the same decades and genres')
    .addOption(dbOption())
    .addOption(new Option('--channel <channel>', 'what is borrowed').choices(['layout', 'color', 'content', 'typography']).default('layout'))
    .option('--k <n>', 'how many', number('k', 1, 1000, true), 20)
    .option('--from <movie-id>', 'only this film\'s poster: the later posters that look like it')
    .option('--earlier', 'with --from: the earlier posters it looks like instead')
    .option('--copies', 'also pairs that are one artwork (a reissue under another title, a catalog error): flagged "same artwork"')
    .option('--json', 'print {"channel","borrowings":[{"from","to","similarity","z","reference"}]}')
    .option('--csv', 'print CSV: rank,channel,z,similarity,from,from_title,from_year,from_poster,to,…,same_artwork')
    .action(async (opts) => {
      const { runBorrowingsCommand } = await import('../analysis-commands.js');
      process.exitCode = await runBorrowingsCommand(opts);
    });
}
