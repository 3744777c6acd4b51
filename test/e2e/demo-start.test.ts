/**
 * `npm start` (dist/cli/demo-start.js) on a small catalog: it indexes the posters and serves at
 * once, and the server's jobs embed the genre tiles and build the atlas behind it; SIGTERM stops
 * the server too and the command ends (chained with && in npm's shell, serve went on answering
 * after the shell was gone).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { makeCatalog, ROOT, spreadRows, tempDir } from '../helpers.js';

/** Processes whose environment holds `marker` (every descendant inherits the launcher's), from /proc. */
function processesWith(marker: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`).includes(marker);
      } catch {
        return false; // gone, or not ours to read
      }
    })
    .map(Number);
}

it('indexes, serves, builds the tiles and the atlas in the background, and stops every step and worker within 5 s of SIGTERM', async () => {
  const home = tempDir();
  const catalog = makeCatalog(spreadRows(12, 301));
  const child = spawn(process.execPath, [join(ROOT, 'dist/cli/demo-start.js'), '--port', '0'], {
    cwd: home,
    env: { ...process.env, MARQUEE_CATALOG: catalog, MARQUEE_STILLS: join(home, 'no-stills'), MARQUEE_DB: join(home, 'demo.db') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /Marquee is running: open (\S+)\/ in a browser/.exec(out);
      if (m) {
        clearInterval(timer);
        resolve(m[1]!);
      }
    }, 100);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`demo start ended (${code}) before serving: ${err.slice(-2000)}`));
    });
  });
  const health = await fetch(`${address}/api/health`);
  expect(health.status).toBe(200);
  expect((await health.json()) as { posters: number }).toMatchObject({ posters: 12 });
  // The atlas page waits for the job that builds it, then shows it.
  const end = Date.now() + 120_000;
  let atlas = await fetch(`${address}/api/atlas`);
  while (atlas.status !== 200 && Date.now() < end) {
    expect(((await atlas.json()) as { error: { code: string } }).error.code).toBe('atlas_building');
    await new Promise((r) => setTimeout(r, 500));
    atlas = await fetch(`${address}/api/atlas`);
  }
  expect(((await atlas.json()) as { points: unknown[] }).points).toHaveLength(12);
  const states = async (): Promise<string[]> =>
    ((await (await fetch(`${address}/api/jobs`)).json()) as { jobs: { kind: string; state: string }[] }).jobs
      .filter((j) => j.kind === 'poster-tiles' || j.kind === 'atlas-build')
      .map((j) => `${j.kind}:${j.state}`)
      .sort();
  // The atlas job ends a moment after its child process stored the atlas (and with more cores for jobs the tiles may run beside it).
  while ((await states()).some((s) => !s.endsWith(':done')) && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
  expect(await states()).toEqual(['atlas-build:done', 'poster-tiles:done']);
  // Background work is running (poster text, genre training): the stop must not wait for it.
  const marker = `MARQUEE_DB=${join(home, 'demo.db')}`;
  expect(processesWith(marker).length).toBeGreaterThan(0);
  const t0 = Date.now();
  child.kill('SIGTERM');
  expect(await exited).not.toBe(0);
  expect(Date.now() - t0).toBeLessThan(5000);
  await new Promise((r) => setTimeout(r, 300));
  expect(processesWith(marker)).toEqual([]);
  // Nothing answers on the port any more.
  await expect(fetch(`${address}/api/health`)).rejects.toThrow();
}, 240_000);
