/** `marquee trends`: how poster design changed: a measure's mean per year or decade with a 95 % bootstrap interval, from stored features (no image is decoded) */
import { Command, Option } from '@commander-js/extra-typings';
import { collect, dbOption } from '../options.js';

export function trendsCommand() {
  return new Command('trends')
    .description('how poster design changed: a measure\'s mean per year or decade with a 95 % bootstrap interval, from stored features (no image is decoded)')
    .addOption(dbOption())
    .addOption(new Option('--by <unit>', 'period').choices(['year', 'decade']).default('decade'))
    .option('--measure <name>', 'brightness, saturation, warmth, hue:<red|orange|yellow|green|cyan|blue|purple|neutral>, palette-size, symmetry, faces, face-count, text-area, title-position, genre:<genre> (repeatable; --list shows all)', collect)
    .option('--genre <genre>', 'only posters of films of this genre')
    .option('--country <code>', 'only posters of this country (the poster\'s own, else its film\'s)')
    .option('--main-only', 'only each film\'s main poster (default: every poster)')
    .option('--list', 'list the measures and how many posters have each')
    .option('--json', 'print {"measure","periods":[{"period","n","mean","low","high","small"}],…} per measure, one line each')
    .option('--csv', 'print CSV: measure,by,genre,country,period,start,n,mean,low,high,small')
    .option('--typical', 'instead of a measure: the most typical posters of each period (medoids on the content model)')
    .option('--out <dir>', 'with --typical: write each period\'s average poster image (average-<period>.jpg) here')
    .action(async (opts) => {
      const { runTrendsCommand } = await import('../trends-command.js');
      process.exitCode = await runTrendsCommand(opts);
    });
}
