/**
 * Indexing spread over worker processes through the queue in PostgreSQL: two workers with one
 * onnxruntime thread each, one killed with SIGKILL mid-run; the run still completes and the
 * library equals a single-process run vector for vector.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../dist/store/open-store.js';
import type { Store } from '../../dist/store/store.js';
import { freshLibrary, type TestLibrary } from '../engines.js';
import { CLI, jsonLines, makeCatalog, runCli, spreadRows, tempDir } from '../helpers.js';

const rows = spreadRows(96, 23);

async function vectorsById(store: Store, channel: string): Promise<Map<string, Float32Array>> {
  const ref = JSON.parse((await store.library.getMeta(channel === 'text' ? 'text_model' : 'image_model'))!) as { id: string; version: string; dimension: number };
  const entries = await store.vectors.load(channel, ref);
  const movies = await store.movies.byKeys(entries.map((e) => e.key));
  return new Map(entries.map((e) => [movies.get(e.key)!.id, e.vector]));
}

const cosine = (a: Float32Array, b: Float32Array): number => {
  let d = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) (d += a[i]! * b[i]!), (na += a[i]! * a[i]!), (nb += b[i]! * b[i]!);
  return d / Math.sqrt(na * nb);
};

describe('indexing with workers (PostgreSQL queue)', () => {
  let library: TestLibrary;
  let other: TestLibrary;
  const dir = makeCatalog(rows);
  beforeAll(async () => {
    library = await freshLibrary('postgres');
    other = await freshLibrary('postgres');
  });
  afterAll(async () => {
    await library.drop();
    await other.drop();
  });

  it('completes when one of two workers is killed mid-run, equal to a single-process run', async () => {
    const child = spawn(process.execPath, [CLI, 'index', dir, '--no-ocr', '--db', library.db, '--workers', '2', '--json', '--batch-size', '8'], {
      env: { ...process.env, MARQUEE_JOB_EXPIRE_SECONDS: '8', MARQUEE_WORKER_THREADS: '1' },
    });
    let out = '';
    let err = '';
    let killed: number | undefined;
    let pids: number[] = [];
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const lines = jsonLines(out.slice(0, out.lastIndexOf('\n') + 1));
      const w = lines.find((l) => l.type === 'workers');
      if (w) pids = w.pids as number[];
      const progressed = lines.some((l) => l.type === 'progress' && (l.done as number) > 0 && (l.done as number) < rows.length);
      if (progressed && killed === undefined && pids.length === 2) {
        killed = pids[0]!;
        process.kill(killed, 'SIGKILL');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, err).toBe(0);
    expect(killed).toBeDefined();
    const summary = jsonLines(out).at(-1)!;
    expect(summary).toMatchObject({ type: 'summary', total: rows.length, failed: 0 });
    expect((summary.indexed as number) + (summary.unchanged as number)).toBe(rows.length);

    const single = join(tempDir(), 'single.db');
    expect(runCli(['index', dir, '--no-ocr', '--db', single, '--json']).code).toBe(0);
    const [a, b] = [await openStore(library.db, { create: false }), await openStore(single, { create: false })];
    try {
      expect(await a.checkIntegrity()).toEqual([]);
      const [sa, sb] = [await a.library.stats(), await b.library.stats()];
      expect(sa.movies).toBe(rows.length);
      expect(sa.posters).toBe(sb.posters);
      expect(sa.vectors.map((v) => [v.channel, v.count])).toEqual(sb.vectors.map((v) => [v.channel, v.count]));
      for (const channel of ['content', 'text']) {
        const [va, vb] = [await vectorsById(a, channel), await vectorsById(b, channel)];
        expect([...va.keys()].sort()).toEqual([...vb.keys()].sort());
        for (const [id, v] of va) expect(cosine(v, vb.get(id)!), `${channel} ${id}`).toBeGreaterThan(0.9999);
      }
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('refuses: workers on a SQLite library, a worker pointed at a different library', async () => {
    const sqlite = runCli(['index', dir, '--no-ocr', '--db', join(tempDir(), 'x.db'), '--workers', '2']);
    expect(sqlite.code).not.toBe(0);
    expect(sqlite.stderr).toMatch(/needs a PostgreSQL library/);
    const libraryId = await (async () => {
      const s = await openStore(library.db, { create: false });
      try {
        return (await s.library.getMeta('library_id'))!;
      } finally {
        await s.close();
      }
    })();
    expect(runCli(['index', makeCatalog(rows.slice(0, 3)), '--no-ocr', '--db', other.db, '--json']).code).toBe(0);
    const wrong = runCli(['worker', '--db', other.db, '--library', libraryId]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/pointed at a different library/);
  });
});
