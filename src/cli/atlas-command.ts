import { buildAtlas } from '../atlas/build.js';
import { readPrompts } from '../atlas/prompts.js';
import { openExistingLibrary } from './open-library.js';
import { stageProgress } from './progress.js';

export async function runAtlasBuild(opts: { db?: string; channel: string; model?: string; prompts?: string; rebuild?: boolean; k?: number; seed: number; tsne: boolean; json?: boolean }): Promise<number> {
  const prompts = opts.prompts ? readPrompts(opts.prompts) : undefined;
  const library = await openExistingLibrary(opts.db);
  try {
    const started = performance.now();
    const steps = stageProgress({ tty: process.stderr.isTTY === true }, 'atlas');
    const meta = await buildAtlas(library, {
      channel: opts.channel,
      model: opts.model,
      prompts,
      rebuild: opts.rebuild,
      k: opts.k,
      seed: opts.seed,
      tsne: opts.tsne,
      onStage: (stage) => !opts.json && steps.stage(stage),
      onStep: (_stage, done, total) => !opts.json && steps.step(done, total),
    });
    steps.stop();
    const seconds = (performance.now() - started) / 1000;
    if (opts.json) process.stdout.write(`${JSON.stringify({ ...meta, totalSeconds: Math.round(seconds * 100) / 100 })}\n`);
    else {
      process.stdout.write(`atlas of ${meta.points} posters (${meta.channel}${meta.model ? ` by ${meta.model}` : ''}) in ${seconds.toFixed(1)} s; grid ${meta.grid.cols}x${meta.grid.rows}; ${meta.k} clusters; ${meta.incremental} placed incrementally\n`);
      for (const c of meta.clusters) process.stdout.write(`  ${String(c.id).padStart(2)} ${String(c.size).padStart(5)}  ${c.label}  ${c.palette.join(' ')}${c.shows ? `  shows: ${c.shows.prompt} (${c.shows.p})` : ''}\n`);
    }
    return 0;
  } finally {
    await library.close();
  }
}
