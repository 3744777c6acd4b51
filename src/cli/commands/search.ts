/** `marquee search`: search the library by image, movie id, text, image+text, or a blend of two images */
import { Command, Option } from '@commander-js/extra-typings';
import { collect, dbOption, number } from '../options.js';

export function searchCommand() {
  return new Command('search')
    .description('search the library by image, movie id, text, image+text, or a blend of two images')
    .addOption(dbOption())
    .option('--image <file>', 'query poster image')
    .option('--image2 <file>', 'second image: find posters between --image and --image2')
    .option('--id <movie-id>', 'more like this movie (excluded from results)')
    .option('--text <text>', 'synopsis or free text')
    .option('--weight-image <w>', 'image weight against the text side (0..1): with --text, default 0.5; with --id alone, below 1 blends in the movie\'s own synopsis (default 1: posters only)', number('weight-image', 0, 1))
    .option('--mix <m>', 'blend position between --image (0) and --image2 (1)', number('mix', 0, 1), 0.5)
    .addOption(new Option('--blend <mode>', 'how to blend two images').choices(['embedding', 'pixel']).default('embedding'))
    .option('--model <id>', 'which of the library\'s image models the content channel uses (default: its first; see marquee info)')
    .option('--weights <list>', 'poster channel weights for image/id queries, e.g. content=0.6,color=0.3,layout=0.1,typography=0.3 (default content=0.7,color=0.15,layout=0.15,identity=0.5; also faces; channels not named get 0)')
    .option('--colors <hex-list>', 'palette query: posters containing these colours, e.g. "#0b3d4c,#e07a1f"')
    .option('--year <range>', 'year filter: 1995, 1980-1999, 1980- or -1999')
    .option('--genre <genre>', 'genre filter, repeatable (all must match)', collect)
    .option('--country <code>', 'country filter, repeatable (any may match)', collect)
    .option('--k <n>', 'number of results', number('k', 1, 1000, true), 10)
    .addOption(new Option('--per <unit>', 'one result per film (its best poster) or per poster (films with several posters)').choices(['film', 'poster']).default('film'))
    .option('--json', 'print {"results":[...]} as JSON')
    .option('--csv', 'print CSV: rank,id,title,year,match,score,score_<channel>…,genres,countries,poster,matched')
    .option('--batch <queries.jsonl>', 'run one query per JSON line ("-" for stdin), print one JSON line each')
    .action(async (opts) => {
      const { runSearchCommand } = await import('../search-command.js');
      process.exitCode = await runSearchCommand(opts);
    });
}
