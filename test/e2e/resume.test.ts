/** Killing the indexer (SIGKILL) mid-run loses nothing committed; the next run finishes the job. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../dist/store/open-store.js';
import { seededRandom } from '../../dist/util/random.js';
import { ENGINES, freshLibrary, type TestLibrary } from '../engines.js';
import { CLI, jsonLines, makeCatalog, runCli, spreadRows, tempDir } from '../helpers.js';

function killAfterFirstCommit(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args]);
    let out = '';
    let committed = 0;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const progress = jsonLines(out.slice(0, out.lastIndexOf('\n') + 1)).filter((l) => l.type === 'progress');
      const last = progress.at(-1);
      if (last && (last.done as number) > 0 && committed === 0) {
        committed = last.done as number;
        child.kill('SIGKILL');
      }
    });
    child.on('close', (_code, signal) => (signal === 'SIGKILL' ? resolve(committed) : reject(new Error(`indexer ended before it was killed: ${out}`))));
  });
}

/** Starts an index run and kills it with SIGKILL after `ms`; resolves whether it was killed (false: it finished first). */
function killAfter(args: string[], ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      resolve(signal === 'SIGKILL');
    });
  });
}

type Row = Record<string, unknown>;

/** Everything a consistent library must satisfy, whatever instant the indexer died at. */
function assertConsistent(db: string): { movies: number; posters: number } {
  const lib = new Database(db, { readonly: true });
  try {
    expect((lib.prepare('PRAGMA integrity_check').get() as Row).integrity_check).toBe('ok');
    expect((lib.prepare('PRAGMA foreign_key_check').all() as Row[]).length).toBe(0);
    expect(lib.prepare('SELECT COUNT(*) AS n FROM (SELECT id FROM movies GROUP BY id HAVING COUNT(*) > 1)').get()).toEqual({ n: 0 });
    // A poster is either fully processed (its four image channels and palette, all from its bytes) or absent.
    const partial = lib
      .prepare(
        `SELECT p.movie_key FROM posters p WHERE
           (SELECT COUNT(*) FROM vectors v WHERE v.subject_key = p.key AND v.channel IN ('content','color','layout','signature') AND v.source_hash = p.content_hash) != 4
           OR NOT EXISTS (SELECT 1 FROM palettes c WHERE c.poster_key = p.key AND c.source_hash = p.content_hash)`,
      )
      .all();
    expect(partial).toEqual([]);
    expect(lib.prepare("SELECT COUNT(*) AS n FROM vectors v LEFT JOIN posters p ON p.key = v.subject_key WHERE v.channel != 'text' AND p.key IS NULL").get()).toEqual({ n: 0 });
    expect(lib.prepare('SELECT COUNT(*) AS n FROM vectors WHERE length(data) != dim * 4').get()).toEqual({ n: 0 });
    return { movies: (lib.prepare('SELECT COUNT(*) AS n FROM movies').get() as { n: number }).n, posters: (lib.prepare('SELECT COUNT(*) AS n FROM posters').get() as { n: number }).n };
  } finally {
    lib.close();
  }
}

function contentVectors(db: string): Map<string, Buffer> {
  const lib = new Database(db, { readonly: true });
  const rows = lib.prepare("SELECT m.id, v.data FROM vectors v JOIN movies m ON m.key = v.subject_key WHERE v.channel IN ('content', 'text') ORDER BY m.id, v.channel").all() as { id: string; data: Buffer }[];
  lib.close();
  return new Map(rows.map((r, i) => [`${r.id}#${i}`, r.data]));
}

describe('interrupted indexing', () => {
  it('survives repeated kill -9 at random instants: consistent after each, complete and equal to a clean run after resuming', async () => {
    const rows = spreadRows(160, 17);
    const dir = makeCatalog(rows);
    const db = join(tempDir(), 'lib.db');
    const args = ['index', dir, '--no-ocr', '--db', db, '--json', '--batch-size', '8'];
    const random = seededRandom(20261121);
    let kills = 0;
    let last = { movies: 0, posters: 0 };
    for (let i = 0; i < 5; i++) {
      const ms = 400 + Math.floor(random() * 2200);
      const killed = await killAfter(args, ms);
      const now = assertConsistent(db);
      console.log(`run ${i + 1}: ${killed ? `killed after ${ms} ms` : 'finished'}, ${now.posters}/${rows.length} posters committed, consistent`);
      expect(now.posters).toBeGreaterThanOrEqual(last.posters); // committed work is never lost
      last = now;
      if (!killed) break;
      kills++;
    }
    expect(kills).toBeGreaterThanOrEqual(3);
    const r = runCli(['index', dir, '--no-ocr', '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(assertConsistent(db)).toEqual({ movies: rows.length, posters: rows.length });
    const clean = join(tempDir(), 'clean.db');
    expect(runCli(['index', dir, '--no-ocr', '--db', clean, '--json']).code).toBe(0);
    const [a, b] = [contentVectors(db), contentVectors(clean)];
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [k, v] of a) {
      const x = new Float32Array(v.buffer, v.byteOffset, v.length / 4);
      const y = new Float32Array(b.get(k)!.buffer, b.get(k)!.byteOffset, b.get(k)!.length / 4);
      let dot = 0;
      for (let j = 0; j < x.length; j++) dot += x[j]! * y[j]!;
      expect(dot, k).toBeGreaterThan(0.9999);
    }
  });
});

describe.each(ENGINES)('interrupted indexing on %s', (engine) => {
  let library: TestLibrary;
  beforeEach(async () => {
    library = await freshLibrary(engine);
  });
  afterEach(async () => {
    await library.drop();
  });

  const counts = async (db: string): Promise<{ movies: number; posters: number; content: number; problems: string[] }> => {
    const store = await openStore(db, { create: false });
    try {
      const s = await store.library.stats();
      return { movies: s.movies, posters: s.posters, content: s.vectors.find((v) => v.channel === 'content')?.count ?? 0, problems: await store.checkIntegrity() };
    } finally {
      await store.close();
    }
  };

  it('resumes after kill -9 without losing or duplicating anything', async () => {
    const rows = spreadRows(120, 9);
    const dir = makeCatalog(rows);
    const db = library.db;
    const committed = await killAfterFirstCommit(['index', dir, '--no-ocr', '--db', db, '--json', '--batch-size', '8']);
    expect(committed).toBeGreaterThan(0);

    const killed = await counts(db);
    expect(killed.problems).toEqual([]);
    expect(killed.posters).toBeGreaterThanOrEqual(committed);
    expect(killed.posters).toBeLessThan(rows.length);
    expect(killed.content).toBe(killed.posters); // a poster is committed with its vectors or not at all

    const r = runCli(['index', dir, '--no-ocr', '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const summary = jsonLines(r.stdout).at(-1)!;
    expect(summary.unchanged).toBe(killed.posters);
    expect(summary.indexed).toBe(rows.length - killed.posters);
    expect(await counts(db)).toEqual({ movies: rows.length, posters: rows.length, content: rows.length, problems: [] });
  });

  it('refuses a second indexer on the same library while readers keep working', async () => {
    const rows = spreadRows(120, 13);
    const dir = makeCatalog(rows);
    const db = library.db;
    const child = spawn(process.execPath, [CLI, 'index', dir, '--no-ocr', '--db', db, '--json', '--batch-size', '8']);
    let out = '';
    const firstCommit = new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => ((out += d.toString()), /"type":"progress"/.test(out) && resolve())));
    const finished = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await firstCommit;
    const second = runCli(['index', dir, '--no-ocr', '--db', db]);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toMatch(engine === 'sqlite' ? new RegExp(`is being indexed by process ${child.pid}`) : /is being indexed by another process/);
    const reader = runCli(['search', '--db', db, '--text', 'a love story', '--k', '3', '--json']);
    expect(reader.code, reader.stderr).toBe(0);
    expect((JSON.parse(reader.stdout) as { results: unknown[] }).results.length).toBeGreaterThan(0);
    expect(await finished).toBe(0);
    expect(runCli(['index', dir, '--no-ocr', '--db', db, '--json']).code).toBe(0); // the lock was released
  });
});
