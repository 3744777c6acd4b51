/**
 * `npm run bench -- cli`: CLI cold start. `marquee --version` and `--help` against a bare
 * `node -e 0`, 20 runs each, interleaved so machine noise hits all three alike; reports p50 ms and
 * the ratios. Target (issue 26): within 3x of bare node (6-11x when main.ts imported every
 * command module up front; it now imports them lazily: about 1.3-1.8x).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { percentile, round } from './stats.js';

export function benchCliStart(runs = 20): Record<string, unknown> {
  const cli = join(import.meta.dirname, '../cli/main.js');
  const commands: Record<string, string[]> = { node: ['-e', '0'], version: [cli, '--version'], help: [cli, '--help'] };
  const times: Record<string, number[]> = { node: [], version: [], help: [] };
  for (let i = -1; i < runs; i++) {
    for (const [name, args] of Object.entries(commands)) {
      const started = performance.now();
      const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
      const ms = performance.now() - started;
      if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${r.status ?? r.signal}`);
      if (i >= 0) times[name]!.push(ms); // the first round warms the file cache
    }
  }
  const p50 = (name: string) => percentile(times[name]!, 50);
  return {
    runs,
    nodeP50Ms: round(p50('node'), 1),
    versionP50Ms: round(p50('version'), 1),
    helpP50Ms: round(p50('help'), 1),
    versionRatio: round(p50('version') / p50('node')),
    helpRatio: round(p50('help') / p50('node')),
    targetRatio: 3,
  };
}
