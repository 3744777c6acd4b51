/**
 * `npm start`: index the demo catalog's posters, synopses (and stills), then serve the app — each
 * a `marquee` run in a child process, one after another. The rest (the genre tiles, the atlas,
 * the stills map, the posters' printed text, then genre training) is left to the library's job queue, which the
 * server runs in the background: the app answers about 3 minutes sooner than when the tiles and
 * the atlas ran before it (docs/getting-started.md has the figures). A signal (Ctrl-C, SIGTERM) goes to the step
 * that is running and no further step starts: chained with `&&` in npm's shell, a SIGTERM ended the
 * shell and left `serve` answering on its port (issue 27).
 * MARQUEE_CATALOG and MARQUEE_STILLS point elsewhere than ../shared.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';

const main = join(import.meta.dirname, 'main.js');
const catalog = process.env.MARQUEE_CATALOG ?? '../shared/catalog';
const stills = process.env.MARQUEE_STILLS ?? '../shared/stills';

const steps: string[][] = [
  ['index', catalog, '--background', ...(existsSync(stills) ? ['--stills', stills] : [])],
  ['serve', '--train-genres', ...process.argv.slice(2)],
];

let running: ChildProcess | undefined;
let stoppedBy: NodeJS.Signals | undefined;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
  process.on(signal, () => {
    stoppedBy = signal;
    running?.kill(signal);
  });

const run = (args: string[]): Promise<number> =>
  new Promise((resolve, reject) => {
    running = spawn(process.execPath, [main, ...args], { stdio: 'inherit' });
    running.once('error', reject);
    running.once('exit', (code, signal) => resolve(code ?? (signal ? 128 + constants.signals[signal] : 1)));
  });

for (const step of steps) {
  if (stoppedBy) break;
  const code = await run(step);
  if (code !== 0 || stoppedBy) {
    process.exitCode = code || 130;
    break;
  }
}
