/** `marquee jobs`: the library's background jobs (list, start, cancel, retry, pause, resume); run by `marquee serve` and `marquee worker` */
import { Command } from '@commander-js/extra-typings';
import { dbOption, number } from '../options.js';

export function jobsCommand() {
  const jobs = new Command('jobs').description('the library\'s background jobs (list, start, cancel, retry, pause, resume); run by `marquee serve` and `marquee worker`');
  jobs
    .command('list', { isDefault: true })
    .description('counts per kind and the newest jobs with progress and failure reasons (the default)')
    .addOption(dbOption())
    .option('--kind <kind>', 'only jobs of this kind')
    .option('--limit <n>', 'jobs to list', number('limit', 1, 1000, true), 20)
    .option('--json', 'print {"kinds":[...],"jobs":[...]}')
    .action(async (opts) => {
      const { runJobsList } = await import('../jobs-command.js');
      process.exitCode = await runJobsList(opts);
    });
  for (const [action, what, argument] of [
    ['start', 'enqueue a job of a kind (genres-train, atlas-build, stills-atlas, stills-match, poster-faces, poster-tiles, poster-text, poster-small-print); a worker or a server runs it', '<kind>'],
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
        const { runJobAction } = await import('../jobs-command.js');
        process.exitCode = await runJobAction(action, target, opts);
      });
  }
  return jobs;
}
