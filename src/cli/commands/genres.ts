/** `marquee genres`: predict a poster's genres (multi-label), train and evaluate the models */
import { Command } from '@commander-js/extra-typings';
import { dbOption, number } from '../options.js';

export function genresCommand() {
  const genres = new Command('genres').description('predict a poster\'s genres (multi-label), train and evaluate the models');
  genres
    .command('train')
    .description('cross-validate prior, kNN, logistic regression and their blend; keep and store the best per feature set')
    .addOption(dbOption())
    .option('--folds <k>', 'cross-validation folds', number('folds', 2, 20, true), 5)
    .option('--seed <n>', 'random seed (folds, shuffling)', number('seed', 0, 2 ** 31, true), 42)
    .option('--json', 'print a JSON summary')
    .action(async (opts) => {
      const { runGenresTrain } = await import('../genres-command.js');
      process.exitCode = await runGenresTrain(opts);
    });
  genres
    .command('tiles')
    .description('embed the three square tiles (genre features) of every main poster whose tiles are missing or stale, with the library\'s default model (resumes where it stopped; what the poster-tiles job runs)')
    .addOption(dbOption())
    .option('--json', 'print {"todo","embedded","failed","interrupted","seconds","problems"}')
    .action(async (opts) => {
      const { runGenresTiles } = await import('../tiles-command.js');
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
      const { runGenresEval } = await import('../genres-command.js');
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
      const { runGenresPredict } = await import('../genres-command.js');
      process.exitCode = await runGenresPredict(opts);
    });
  return genres;
}
