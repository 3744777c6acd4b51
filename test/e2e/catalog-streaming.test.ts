/**
 * A 100,000-row catalog is streamed: the reader runs in a child process whose V8 heap is capped
 * below the size of the file, so loading the rows at once would fail; its peak heap is measured.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { stringify } from 'csv-stringify';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers.js';

const ROWS = 100_000;
const HEAP_CAP_MB = 40;
const dir = tempDir();

beforeAll(async () => {
  const out = createWriteStream(join(dir, 'movies.csv'));
  const csv = stringify({ header: true, columns: ['id', 'title', 'year', 'genres', 'overview', 'poster'] });
  csv.pipe(out);
  const words = ['night', 'city', 'river', 'stranger', 'war', 'letter', 'summer', 'ghost', 'train', 'island', 'mother', 'thief'];
  for (let i = 0; i < ROWS; i++) {
    const overview = Array.from({ length: 80 }, (_, j) => words[(i * 7 + j * 5) % words.length]).join(' ') + (i % 1000 === 0 ? ' "quoted",\nnew line' : '');
    if (!csv.write([`m${i}`, `Movie ${i} — été`, 1900 + (i % 120), 'Drama|Comedy', overview, `posters/m${i}.jpg`])) await once(csv, 'drain');
  }
  csv.end();
  await once(out, 'finish');
});

describe('100k-row catalog', () => {
  it(`streams every row with the heap capped at ${HEAP_CAP_MB} MB`, () => {
    const bytes = statSync(join(dir, 'movies.csv')).size;
    expect(bytes).toBeGreaterThan(HEAP_CAP_MB * 1024 * 1024); // as JS strings it would need about twice this
    const script = `
      import { readCatalog } from ${JSON.stringify(join(ROOT, 'dist/catalog/read-catalog.js'))};
      let rows = 0, errors = 0, peak = 0, last;
      for await (const e of readCatalog(${JSON.stringify(dir)})) {
        if (e.error) errors++; else rows++;
        last = e;
        if (rows % 2000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
      }
      console.log(JSON.stringify({ rows, errors, peakHeapMB: peak / 1048576, last: last.record }));`;
    const r = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_CAP_MB}`, '--input-type=module', '-e', script], { encoding: 'utf8', maxBuffer: 1 << 20 });
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { rows: number; errors: number; peakHeapMB: number; last: { id: string; title: string; year: number } };
    expect(result.rows).toBe(ROWS);
    expect(result.errors).toBe(0);
    expect(result.last).toMatchObject({ id: `m${ROWS - 1}`, title: `Movie ${ROWS - 1} — été`, year: 1900 + ((ROWS - 1) % 120) });
    expect(result.peakHeapMB).toBeLessThan(HEAP_CAP_MB);
    console.log(`100k rows, ${(bytes / 1048576).toFixed(1)} MB file: peak heap ${result.peakHeapMB.toFixed(1)} MB`);
  });
});
