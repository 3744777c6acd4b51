/** `npm run bench`: measures index throughput, query latency, ANN and fusion quality; prints JSON. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { benchAnn } from './ann.js';
import { benchFusion } from './fusion-eval.js';
import { benchIndex } from './index-throughput.js';
import { benchQueries } from './query-latency.js';

const catalog = resolve(process.env.MARQUEE_CATALOG ?? '../shared/catalog');
const only = new Set(process.argv.slice(2));
const want = (name: string) => only.size === 0 || only.has(name);
const dir = mkdtempSync(join(tmpdir(), 'marquee-bench-'));
const db = join(dir, 'bench.db');
const out: Record<string, unknown> = { catalog, startedAt: new Date().toISOString() };
try {
  if (want('index') || want('query') || want('fusion')) {
    process.stderr.write('bench: indexing the catalog...\n');
    out.index = await benchIndex(catalog, db);
  }
  if (want('query')) {
    process.stderr.write('bench: query latency...\n');
    out.query = await benchQueries(catalog, db);
  }
  if (want('fusion')) {
    process.stderr.write('bench: fusion quality...\n');
    out.fusion = await benchFusion(db);
  }
  if (want('ann')) {
    process.stderr.write('bench: ANN on 100k synthetic vectors...\n');
    out.ann = await benchAnn(Number(process.env.MARQUEE_BENCH_ANN_N ?? 100_000));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
