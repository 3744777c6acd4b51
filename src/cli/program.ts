/**
 * The `marquee` command tree: one module per command under commands/ (its flags, typed by
 * @commander-js/extra-typings, so a handler's options are checked against them), added here in
 * the order `--help` lists them. Each action imports its handler (models, onnxruntime, sharp,
 * stores, server...) only when it runs: importing them all up front made `--version` and `--help`
 * cost 6-11× a bare `node -e 0`; lazily about 1.8× (`npm run bench -- cli`).
 */
import { readFileSync } from 'node:fs';
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { indexCommand } from './commands/index.js';
import { searchCommand } from './commands/search.js';
import { pairsCommand } from './commands/pairs.js';
import { dupesCommand } from './commands/dupes.js';
import { analysisCommand } from './commands/analysis.js';
import { explainCommand } from './commands/explain.js';
import { genresCommand } from './commands/genres.js';
import { looksCommand } from './commands/looks.js';
import { whichMovieCommand } from './commands/which-movie.js';
import { trendsCommand } from './commands/trends.js';
import { borrowingsCommand } from './commands/borrowings.js';
import { posterVsFilmCommand } from './commands/poster-vs-film.js';
import { postersCommand } from './commands/posters.js';
import { shotsCommand } from './commands/shots.js';
import { stillsCommand } from './commands/stills.js';
import { atlasCommand } from './commands/atlas.js';
import { serveCommand } from './commands/serve.js';
import { identifyCommand } from './commands/identify.js';
import { infoCommand } from './commands/info.js';
import { facesCommand } from './commands/faces.js';
import { workerCommand } from './commands/worker.js';
import { jobsCommand } from './commands/jobs.js';
import { migrateCommand } from './commands/migrate.js';

function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** Every command, as `marquee` runs it. */
export function buildProgram(): Command {
  const program = new Command()
    .name('marquee')
    .description('Visual search engine for movie posters: index a catalog, search by image, text, both, or a blend.')
    .version(packageVersion(), '-V, --version', 'print the Marquee version');
  for (const command of [indexCommand(), searchCommand(), pairsCommand(), dupesCommand(), analysisCommand(), explainCommand(), genresCommand(), looksCommand(), whichMovieCommand(), trendsCommand(), borrowingsCommand(), posterVsFilmCommand(), postersCommand(), shotsCommand(), stillsCommand(), atlasCommand(), serveCommand(), identifyCommand(), infoCommand(), facesCommand(), workerCommand(), jobsCommand(), migrateCommand()]) program.addCommand(command);
  settle(program);
  return program;
}

/**
 * Usage errors (unknown option, bad value, missing argument) show the help and throw instead of
 * exiting, so main.ts exits 2 like every other bad input, not commander's 1. Commands added with
 * addCommand do not inherit these settings, so every command of the tree gets them here.
 */
function settle(command: CommandUnknownOpts): void {
  command.showHelpAfterError().exitOverride();
  for (const sub of command.commands) settle(sub);
}
