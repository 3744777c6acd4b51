#!/usr/bin/env node
/**
 * The `marquee` command line. Only commander is loaded up front: each command's action imports
 * its module (models, onnxruntime, sharp, stores, server...) when it runs. Importing them all
 * here made `--version` and `--help` cost 6-11x a bare `node -e 0`; lazily, about 1.8x
 * (hyperfine medians, 2 cores; `npm run bench -- cli` measures it).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { MarqueeError } from '../util/errors.js';
import { EXIT_BUSY } from '../jobs/cli-job.js';

function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

function number(name: string, min: number, max: number, integer = false) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n)))
      throw new InvalidArgumentError(`${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
    return n;
  };
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** Every command works on one library file. */
const dbOption = () => new Option('--db <file|url>', 'library: a SQLite file, or postgres://user@host:port/db (default: $MARQUEE_DB or ./marquee.db)');

// Output piped into a reader that stops early (`| head`): stop quietly, as Unix tools do.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

// Usage errors (unknown option, bad value, missing argument) exit 2 like every other bad input,
// not commander's 1: exitOverride makes commander throw, and the catch below sets the code.
const program = new Command()
  .name('marquee')
  .description('Visual search engine for movie posters: index a catalog, search by image, text, both, or a blend.')
  .version(packageVersion(), '-V, --version', 'print the Marquee version')
  .showHelpAfterError()
  .exitOverride();

program
  .command('index')
  .description('index a catalog folder (movies.csv, movies.jsonl, or just images) and/or a stills folder into the library')
  .argument('[catalog-dir]', 'catalog folder')
  .option('--stills <dir>', 'stills folder: movies.csv (slug,title,year) + <slug>/NNN.jpg, or stills.csv (file,movie_id[,timestamp])')
  .option('--video <file|dir>', 'a film (or a folder of them): shots, cutting rhythm and colour over time, each shot\'s keyframe indexed as a still (needs ffmpeg)')
  .option('--movie <id>', 'with --video of one file: the movie it is (default: the file name)')
  .addOption(dbOption())
  .option('--prune', 'remove movies of this catalog that are no longer listed')
  .option('--json', 'print JSON-lines progress and a JSON summary on stdout')
  .option('--model <id|manifest.json>', 'image model, repeatable: the library\'s image models, the first the default (built in: mobilenet-v2-1.4, inception-v3; or a manifest); default: the library\'s own, for a new library mobilenet-v2-1.4 or $MARQUEE_IMAGE_MODEL', collect)
  .option('--drop-model <id>', 'delete the vectors of this image model from the library (repeatable)', collect)
  .option('--no-text', 'skip synopsis (text) embeddings')
  .option('--faces', 'also detect faces and their descriptors on posters and stills (slow: about 4 images/s on 2 cores)')
  .option('--no-ocr', 'skip reading the printed text of posters (OCR pass; `serve --read-text` can do it later)')
  .option('--background', 'index the posters, synopses and stills here, and leave the rest to the library\'s job queue for `marquee serve` or `marquee worker`: the genre tiles, the atlas, the printed text (unless --no-ocr), the faces (with --faces) and each --video film')
  .option('--batch-size <n>', 'posters per model batch and commit', number('batch-size', 1, 256, true), 16)
  .option('--workers <n>', 'PostgreSQL libraries: queue the catalog and index it with n local worker processes (0: only workers started elsewhere with "marquee worker")', number('workers', 0, 256, true))
  .action(async (dir: string | undefined, opts) => {
    if (!dir && !opts.stills && !opts.video) throw new Error('give a catalog folder, --stills <dir>, --video <file|dir>, or several');
    const { runIndexCommand } = await import('./index-command.js');
    process.exitCode = await runIndexCommand(dir, opts);
  });

program
  .command('search')
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
    const { runSearchCommand } = await import('./search-command.js');
    process.exitCode = await runSearchCommand(opts);
  });

program
  .command('pairs')
  .description('the most similar pairs of posters per channel, near-duplicates flagged')
  .addOption(dbOption())
  .option('--k <n>', 'pairs per channel', number('k', 1, 100000, true), 200)
  .addOption(new Option('--channel <name>', 'channel').choices(['content', 'color', 'layout', 'all']).default('content'))
  .option('--model <id>', 'image model of the content channel (default: the library\'s first)')
  .option('--json', 'print {"pairs":[{"a","b","score","channel","model","duplicate"}]}')
  .option('--csv', 'print CSV: rank,channel,model,score,a,a_title,a_year,b,b_title,b_year,duplicate')
  .action(async (opts) => {
    const { runPairsCommand } = await import('./analysis-commands.js');
    process.exitCode = await runPairsCommand(opts);
  });

program
  .command('dupes')
  .description('groups of near-duplicate posters (re-encodes, resizes, crops, recolourings of one artwork)')
  .addOption(dbOption())
  .option('--threshold <t>', 'aligned-correlation threshold', number('threshold', 0, 1), 0.9)
  .option('--json', 'print {"groups":[[id,...],...]}')
  .action(async (opts) => {
    const { runDupesCommand } = await import('./analysis-commands.js');
    process.exitCode = await runDupesCommand(opts);
  });

program
  .command('analysis')
  .description('stored analyses (what servers serve and background jobs compute)')
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
    const { runAnalysisCompute } = await import('./analysis-commands.js');
    process.exitCode = await runAnalysisCompute(kind, opts);
  });

program
  .command('explain')
  .description('heatmap over poster A of the regions that make it similar to B (occlusion sensitivity)')
  .argument('<a>', 'movie id or image file')
  .argument('<b>', 'movie id or image file')
  .addOption(dbOption())
  .option('--out <file>', 'PNG to write', 'explain.png')
  .option('--json', 'print the score, timing and heat grid as JSON')
  .action(async (a: string, b: string, opts) => {
    const { runExplainCommand } = await import('./analysis-commands.js');
    process.exitCode = await runExplainCommand(a, b, opts);
  });

const genres = program.command('genres').description('predict a poster\'s genres (multi-label), train and evaluate the models');
genres
  .command('train')
  .description('cross-validate prior, kNN, logistic regression and their blend; keep and store the best per feature set')
  .addOption(dbOption())
  .option('--folds <k>', 'cross-validation folds', number('folds', 2, 20, true), 5)
  .option('--seed <n>', 'random seed (folds, shuffling)', number('seed', 0, 2 ** 31, true), 42)
  .option('--json', 'print a JSON summary')
  .action(async (opts) => {
    const { runGenresTrain } = await import('./genres-command.js');
    process.exitCode = await runGenresTrain(opts);
  });
genres
  .command('tiles')
  .description('embed the three square tiles (genre features) of every main poster whose tiles are missing or stale, with the library\'s default model (resumes where it stopped; what the poster-tiles job runs)')
  .addOption(dbOption())
  .option('--json', 'print {"todo","embedded","failed","interrupted","seconds","problems"}')
  .action(async (opts) => {
    const { runGenresTiles } = await import('./tiles-command.js');
    process.exitCode = await runGenresTiles(opts);
  });
genres
  .command('eval')
  .description('k-fold cross-validation (folds split by movie) of every method, with metrics')
  .addOption(dbOption())
  .option('--folds <k>', 'cross-validation folds', number('folds', 2, 20, true), 5)
  .option('--seed <n>', 'random seed', number('seed', 0, 2 ** 31, true), 42)
  .option('--held-out', 'also set 20% of the films aside, train as "genres train" does on the rest, and score the posters of the films it never saw')
  .option('--json', 'print {"evaluations":[...]}')
  .action(async (opts) => {
    const { runGenresEval } = await import('./genres-command.js');
    process.exitCode = await runGenresEval(opts);
  });
genres
  .command('predict')
  .description('genre probabilities of a poster image (with --overview: poster + synopsis model)')
  .addOption(dbOption())
  .option('--image <file>', 'poster image')
  .option('--overview <text>', 'synopsis')
  .option('--batch <queries.jsonl>', 'one {"qid","image","overview"} per line ("-" for stdin)')
  .option('--json', 'print {"genres":[{"genre","p"}]} for all genres, most probable first')
  .action(async (opts) => {
    const { runGenresPredict } = await import('./genres-command.js');
    process.exitCode = await runGenresPredict(opts);
  });

program
  .command('looks')
  .description('movies whose stills look like this movie\'s (sets and sequences of stills, palette, HSL)')
  .argument('<movie-id>', 'movie id')
  .addOption(dbOption())
  .option('--k <n>', 'number of movies', number('k', 1, 1000, true), 20)
  .option('--json', 'print {"movies":[{"id","title","score","parts"}]}')
  .action(async (id: string, opts) => {
    const { runLooksCommand } = await import('./stills-command.js');
    process.exitCode = await runLooksCommand(id, opts);
  });

program
  .command('which-movie')
  .description('which indexed movie a film still most likely comes from')
  .addOption(dbOption())
  .option('--image <still>', 'the still')
  .option('--batch <queries.jsonl>', 'one {"qid","image"} per line ("-" for stdin), one {"qid","movies"} line out each')
  .option('--k <n>', 'number of movies', number('k', 1, 1000, true), 5)
  .option('--json', 'print {"movies":[{"id","title","score"}]}')
  .action(async (opts) => {
    const { runWhichMovieCommand } = await import('./stills-command.js');
    process.exitCode = await runWhichMovieCommand(opts);
  });

program
  .command('trends')
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
    const { runTrendsCommand } = await import('./trends-command.js');
    process.exitCode = await runTrendsCommand(opts);
  });

program
  .command('borrowings')
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
    const { runBorrowingsCommand } = await import('./analysis-commands.js');
    process.exitCode = await runBorrowingsCommand(opts);
  });

program
  .command('poster-vs-film')
  .description('how a poster\'s colours compare with its film\'s look (stills or an indexed video): palette distance, lightness, chroma, hue; without an id, the films whose poster misrepresents them most')
  .argument('[movie-id]', 'one film')
  .addOption(dbOption())
  .option('--least', 'the films whose poster represents them best first')
  .option('--k <n>', 'how many films', number('k', 1, 10000, true), 20)
  .option('--json', 'print the comparison(s) as JSON')
  .action(async (id: string | undefined, opts) => {
    const { runPosterVsFilmCommand } = await import('./analysis-commands.js');
    process.exitCode = await runPosterVsFilmCommand(id, opts);
  });

program
  .command('posters')
  .description('every poster of a film (main and further: posters.csv), grouped into designs: near-duplicates are variants of one design')
  .argument('<movie-id>', 'movie id')
  .addOption(dbOption())
  .option('--json', 'print {"id","title","year","designs","posters":[{"rank","kind","country","year","width","height","design"}]}')
  .action(async (id: string, opts) => {
    const { runPostersCommand } = await import('./analysis-commands.js');
    process.exitCode = await runPostersCommand(id, opts);
  });

program
  .command('shots')
  .description('a film\'s shots (start, end, transition), shot lengths, cutting rhythm and colour over time: of a movie whose video was indexed, or of a video file (analysed, not indexed)')
  .argument('<movie-or-video>', 'movie id, or a video file')
  .addOption(dbOption())
  .option('--json', 'print {"shots":[{"start","end","transition","keyframe","color"}],"asl",…}')
  .addOption(new Option('--format <format>', 'print the shots for an editor or a spreadsheet: csv (one row per shot), edl (CMX 3600) or otio (OpenTimelineIO JSON)').choices(['csv', 'edl', 'otio']))
  .action(async (target: string, opts) => {
    const { runShotsCommand } = await import('./shots-command.js');
    process.exitCode = await runShotsCommand(target, opts);
  });

const stills = program.command('stills').description('film stills: a movie\'s look, evaluation, kinds of shot');
stills
  .command('look')
  .description('a movie\'s look: palette (named colours), HSL statistics, colour barcode')
  .argument('<movie-id>', 'movie id')
  .addOption(dbOption())
  .option('--barcode <file.png>', 'write the colour barcode (one column per still, in film order)')
  .option('--json', 'print the look as JSON')
  .action(async (id: string, opts) => {
    const { runStillsLookCommand } = await import('./stills-command.js');
    process.exitCode = await runStillsLookCommand(id, opts);
  });
stills
  .command('eval')
  .description('leave-one-out which-movie accuracy over all stills, own frames within ±window left out')
  .addOption(dbOption())
  .option('--window <n>', 'frames on each side of the query left out', number('window', 0, 1000, true), 2)
  .option('--json', 'print the evaluation as JSON')
  .action(async (opts) => {
    const { runStillsEvalCommand } = await import('./stills-command.js');
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
    const { runStillsClustersCommand } = await import('./stills-command.js');
    process.exitCode = await runStillsClustersCommand(opts);
  });

const atlas = program.command('atlas').description('the collection as a 2-D map');
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
    const { runAtlasBuild } = await import('./atlas-command.js');
    process.exitCode = await runAtlasBuild(opts);
  });

program
  .command('serve')
  .description('serve the HTTP API over the library')
  .addOption(dbOption())
  .option('--port <n>', 'port', number('port', 0, 65535, true), 8080)
  .option('--host <host>', 'interface to listen on', '127.0.0.1')
  .option('--read-text', 'read the printed text of posters not read yet in the background while serving (progress: GET /api/text/status)')
  .option('--train-genres', 'train the genre model in the background when there is none usable, and again when --read-text finishes (progress: GET /api/genres/status)')
  .action(async (opts) => {
    const { runServeCommand } = await import('./serve-command.js');
    process.exitCode = await runServeCommand(opts);
  });

program
  .command('identify')
  .description('which catalog film a poster shows (its printed title and text, and the image), or "not in the catalog"')
  .addOption(dbOption())
  .option('--image <file>', 'the poster')
  .option('--k <n>', 'candidates to list', number('k', 1, 100, true), 5)
  .option('--json', 'print {"match":{id,title,year,confidence,by}|null,"candidates":[...],"lines":[...]}')
  .action(async (opts) => {
    const { runIdentifyCommand } = await import('./identify-command.js');
    process.exitCode = await runIdentifyCommand(opts);
  });

program
  .command('info')
  .description('show what the library holds')
  .addOption(dbOption())
  .option('--json', 'print JSON')
  .action(async (opts) => {
    const { runInfoCommand } = await import('./info-command.js');
    process.exitCode = await runInfoCommand(opts);
  });

program
  .command('faces')
  .description('faces on posters and stills (the faces pass of "marquee index --faces")')
  .command('scan')
  .description('detect the faces of every poster, then every still, not yet scanned by this face model (resumes where it stopped; what the poster-faces job runs)')
  .addOption(dbOption())
  .option('--json', 'print {"scanned","faces","failed","stills":{"scanned","faces","failed"},"seconds","interrupted","problems"}')
  .action(async (opts) => {
    const { runFacesScan } = await import('./faces-command.js');
    process.exitCode = await runFacesScan(opts);
  });

program
  .command('worker')
  .description('run the library\'s background jobs (poster text, genre training, atlas; see "marquee jobs") and, on PostgreSQL libraries, the index batches queued by "marquee index --workers", on this or any machine that sees the poster files; runs until Ctrl-C')
  .addOption(dbOption())
  .option('--threads <n>', 'onnxruntime threads for the image model (1 per worker process is fastest on a shared machine)', number('threads', 1, 256, true), 1)
  .option('--library <id>', 'refuse to work unless the library has this id (printed by the coordinating index run)')
  .option('--json', 'print a JSON line per batch')
  .action(async (opts) => {
    const { runWorkerCommand } = await import('./worker-command.js');
    process.exitCode = await runWorkerCommand(opts);
  });

const jobs = program.command('jobs').description('the library\'s background jobs (list, start, cancel, retry, pause, resume); run by `marquee serve` and `marquee worker`');
jobs
  .command('list', { isDefault: true })
  .description('counts per kind and the newest jobs with progress and failure reasons (the default)')
  .addOption(dbOption())
  .option('--kind <kind>', 'only jobs of this kind')
  .option('--limit <n>', 'jobs to list', number('limit', 1, 1000, true), 20)
  .option('--json', 'print {"kinds":[...],"jobs":[...]}')
  .action(async (opts) => {
    const { runJobsList } = await import('./jobs-command.js');
    process.exitCode = await runJobsList(opts);
  });
for (const [action, what, argument] of [
  ['start', 'enqueue a job of a kind (genres-train, atlas-build, poster-faces, poster-tiles, poster-text, poster-small-print); a worker or a server runs it', '<kind>'],
  ['cancel', 'cancel a waiting or running job', '<id>'],
  ['retry', 'run a failed or cancelled job again', '<id>'],
  ['pause', 'start no new job of a kind until resumed', '<kind>'],
  ['resume', 'let the waiting jobs of a kind start again', '<kind>'],
] as const) {
  jobs
    .command(action)
    .description(what)
    .argument(argument)
    .addOption(dbOption())
    .option('--json', 'print JSON')
    .action(async (target: string, opts) => {
      const { runJobAction } = await import('./jobs-command.js');
      process.exitCode = await runJobAction(action, target, opts);
    });
}

program
  .command('migrate')
  .description('copy a library between engines (SQLite file <-> postgres:// URL), verified by row counts and a vector checksum; the target must be empty')
  .argument('<from>', 'source library: a file or a postgres:// URL')
  .argument('<to>', 'target library: a file or a postgres:// URL (created if missing, must be empty)')
  .option('--json', 'print a JSON summary')
  .action(async (from: string, to: string, opts) => {
    const { runMigrateCommand } = await import('./migrate-command.js');
    process.exitCode = await runMigrateCommand(from, to, opts);
  });

program.parseAsync(process.argv).then(exitWhenIdle, (err: unknown) => {
  if (err instanceof CommanderError) {
    // Commander has printed its message (or the help) already.
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    // 75 (EX_TEMPFAIL): the library is busy (another index run holds its lock); a job retries later.
    process.exitCode = err instanceof MarqueeError && err.kind === 'busy' ? EXIT_BUSY : 2;
  }
  exitWhenIdle();
});

/**
 * A finished command exits with its code even if something it started (a worker pool, a
 * socket) still holds the event loop: the grace period lets output flush and closes finish.
 * `serve` and `worker` only return when they are told to stop, so this never cuts them short.
 */
function exitWhenIdle(): void {
  setTimeout(() => {
    process.stderr.write('warning: exiting with handles still open\n');
    process.exit();
  }, 3000).unref();
}
