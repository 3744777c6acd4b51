/**
 * The relevance gate: the text query sets (src/bench/relevance.ts) on a library of about 1,000
 * catalog films (every film a written query names, and every fifth other film as distractors),
 * indexed without posters so it takes about a minute (synopses and the engine's word indexes are
 * all a text query needs). A set fails when its R@1 or R@10 falls below the floor recorded in
 * bench/queries/gate-floors.json by more than twice its standard error (its noise band). A change
 * to ranking that lowers a floor on purpose re-records it and says why in its commit.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate, querySets, QUERY_DIR, type SetMetrics } from '../../dist/bench/relevance.js';
import { SearchEngine } from '../../dist/search/engine.js';
import { openStore } from '../../dist/store/open-store.js';
import type { Store } from '../../dist/store/store.js';
import { catalogRows, makeCatalog, runCli, tempDir } from '../helpers.js';

const floors = JSON.parse(readFileSync(join(QUERY_DIR, 'gate-floors.json'), 'utf8')) as Record<string, { r1: number; r10: number }>;
const named = new Set(
  ['described.jsonl', 'printed.jsonl'].flatMap((f) =>
    readFileSync(join(QUERY_DIR, f), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id),
  ),
);

describe('relevance gate (text query sets)', () => {
  let store: Store;
  let engine: SearchEngine;
  let sets: Record<string, SetMetrics>;

  beforeAll(async () => {
    const rows = catalogRows()
      .filter((r, i) => named.has(r.id!) || i % 5 === 0)
      .map((r) => ({ ...r, poster: '' }));
    const db = join(tempDir(), 'gate.db');
    const r = runCli(['index', makeCatalog(rows), '--no-ocr', '--db', db, '--json']);
    // Every poster is "missing" by design; the synopses are what this library is for.
    expect(r.stdout).toMatch(/"textsEmbedded":\s*[1-9]/);
    store = await openStore(db, { create: false });
    engine = await SearchEngine.fromLibrary(store);
    const queries = (await querySets(store)).filter((q) => q.set !== 'printed');
    const result = await evaluate(engine, queries);
    sets = {};
    for (const q of queries) {
      if (sets[q.set]) continue;
      // Both halves together: more queries, a narrower band.
      const dev = result.sets[q.set]!.dev!, rep = result.sets[q.set]!.report!;
      const n = dev.n + rep.n;
      const r1 = (dev.r1 * dev.n + rep.r1 * rep.n) / n, r10 = (dev.r10 * dev.n + rep.r10 * rep.n) / n;
      sets[q.set] = { n, r1, r10, mrr: (dev.mrr * dev.n + rep.mrr * rep.n) / n, se1: Math.sqrt((r1 * (1 - r1)) / n), se10: Math.sqrt((r10 * (1 - r10)) / n) };
    }
    process.stderr.write(`relevance gate: ${JSON.stringify(sets)}\n`);
  });

  afterAll(async () => {
    await engine?.close();
    await store?.close();
  });

  for (const set of Object.keys(floors)) {
    it(`${set}: R@1 and R@10 hold their floors within the noise band`, () => {
      const m = sets[set];
      expect(m, `set ${set} was not run`).toBeDefined();
      const floor = floors[set]!;
      // A band of at least one query's worth, so a set at R@10 = 1.0 (standard error 0) may still lose one.
      const band = (se: number) => Math.max(2 * se, 1 / m!.n);
      expect(m!.r1, `${set} R@1 ${m!.r1.toFixed(3)} < floor ${floor.r1} - ${band(m!.se1).toFixed(3)}`).toBeGreaterThanOrEqual(floor.r1 - band(m!.se1));
      expect(m!.r10, `${set} R@10 ${m!.r10.toFixed(3)} < floor ${floor.r10} - ${band(m!.se10).toFixed(3)}`).toBeGreaterThanOrEqual(floor.r10 - band(m!.se10));
    });
  }
});
