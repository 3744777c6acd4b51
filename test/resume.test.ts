/** Killing the indexer (SIGKILL) mid-run loses nothing committed; the next run finishes the job. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CLI, jsonLines, makeCatalog, runCli, spreadRows, tempDir } from './helpers.js';

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

describe('interrupted indexing', () => {
  it('resumes after kill -9 without losing or duplicating anything', async () => {
    const rows = spreadRows(120, 9);
    const dir = makeCatalog(rows);
    const db = join(tempDir(), 'lib.db');
    const committed = await killAfterFirstCommit(['index', dir, '--db', db, '--json', '--batch-size', '8']);
    expect(committed).toBeGreaterThan(0);

    const lib = new Database(db, { readonly: true });
    expect((lib.prepare('PRAGMA integrity_check').get() as Record<string, string>).integrity_check).toBe('ok');
    const stored = (lib.prepare('SELECT COUNT(*) AS n FROM posters').get() as { n: number }).n;
    lib.close();
    expect(stored).toBeGreaterThanOrEqual(committed);
    expect(stored).toBeLessThan(rows.length);

    const r = runCli(['index', dir, '--db', db, '--json']);
    expect(r.code).toBe(0);
    const summary = jsonLines(r.stdout).at(-1)!;
    expect(summary.unchanged).toBe(stored);
    expect(summary.indexed).toBe(rows.length - stored);

    const after = new Database(db, { readonly: true });
    expect(after.prepare('SELECT COUNT(*) AS n FROM movies').get()).toEqual({ n: rows.length });
    expect(after.prepare("SELECT COUNT(*) AS n FROM vectors WHERE channel = 'content'").get()).toEqual({ n: rows.length });
    expect(after.prepare('SELECT COUNT(*) AS n FROM (SELECT id FROM movies GROUP BY id HAVING COUNT(*) > 1)').get()).toEqual({ n: 0 });
    after.close();
  });

  it('refuses a second indexer on the same library while readers keep working', async () => {
    const rows = spreadRows(120, 13);
    const dir = makeCatalog(rows);
    const db = join(tempDir(), 'lib.db');
    const child = spawn(process.execPath, [CLI, 'index', dir, '--db', db, '--json', '--batch-size', '8']);
    let out = '';
    const firstCommit = new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => ((out += d.toString()), /"type":"progress"/.test(out) && resolve())));
    const finished = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await firstCommit;
    const second = runCli(['index', dir, '--db', db]);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toMatch(new RegExp(`is being indexed by process ${child.pid}`));
    const reader = runCli(['search', '--db', db, '--text', 'a love story', '--k', '3', '--json']);
    expect(reader.code, reader.stderr).toBe(0);
    expect((JSON.parse(reader.stdout) as { results: unknown[] }).results.length).toBeGreaterThan(0);
    expect(await finished).toBe(0);
    expect(runCli(['index', dir, '--db', db, '--json']).code).toBe(0); // the lock was released
  });
});
