/**
 * Printed text end to end, on real demo posters: the OCR pass of `marquee index` (killed with
 * SIGKILL and resumed), printed-text search finding a tagline, the identity channel and
 * `marquee identify` naming the film of a degraded copy, and the HTTP routes.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../dist/server/app.js';
import { openStore } from '../../dist/store/open-store.js';
import type { Store } from '../../dist/store/store.js';
import { catalogRows, CLI, jsonLines, makeCatalog, POSTERS, runCli, tempDir } from '../helpers.js';

// The first 14 demo movies: GoldenEye (10) says "No limits. No fears. No substitutes.", Sudden Death (9) has its title in big letters.
const rows = catalogRows().slice(0, 14);
const catalog = makeCatalog(rows);
const db = join(tempDir(), 'lib.db');

/** Runs `index --json` and kills it with SIGKILL once the OCR pass has stored `after` readings. */
function killDuringOcr(after: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'index', catalog, '--db', db, '--json', '--no-text']);
    let out = '';
    let seen = 0;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const text = jsonLines(out.slice(0, out.lastIndexOf('\n') + 1)).filter((l) => l.type === 'progress' && l.phase === 'text');
      const done = (text.at(-1)?.done as number | undefined) ?? 0;
      if (done >= after && seen === 0) {
        seen = done;
        child.kill('SIGKILL');
      }
    });
    child.on('close', (_code, signal) => (signal === 'SIGKILL' ? resolve(seen) : reject(new Error(`index ended before it was killed: ${out.slice(-500)}`))));
  });
}

const info = (): { posterText: { read: number; failed: number; pending: number } } => JSON.parse(runCli(['info', '--db', db, '--json']).stdout) as never;

/** A degraded copy of a demo poster: blurred, shrunk to 150 px wide, recompressed at JPEG quality 20. */
async function degraded(id: string): Promise<string> {
  const file = join(tempDir(), `${id}-degraded.jpg`);
  writeFileSync(file, await sharp(readFileSync(join(POSTERS, `${id}.jpg`))).blur(1.2).resize(150).jpeg({ quality: 20 }).toBuffer());
  return file;
}

describe('printed text on posters', () => {
  beforeAll(async () => {
    const killedAfter = await killDuringOcr(3);
    const partial = info().posterText;
    // What the killed pass stored is kept (progress counts a reading after it is stored).
    expect(partial.read + partial.failed).toBeGreaterThanOrEqual(killedAfter);
    expect(partial.pending).toBeGreaterThan(0);
    const resumed = jsonLines(runCli(['index', catalog, '--db', db, '--json', '--no-text']).stdout).at(-1) as { ocr: { read: number; failed: number } };
    // The resumed pass reads only what was left.
    expect(resumed.ocr.read + resumed.ocr.failed).toBe(partial.pending);
    expect(info().posterText).toEqual({ read: rows.length, failed: 0, pending: 0, smallPrint: 0 });
  });

  it('an unchanged library is not read again', () => {
    const again = jsonLines(runCli(['index', catalog, '--db', db, '--json', '--no-text']).stdout).at(-1) as { ocr: { read: number } };
    expect(again.ocr.read).toBe(0);
  });

  it('finds a tagline printed on a poster, with the words it matched', () => {
    const r = runCli(['search', '--db', db, '--text', 'no limits no fears', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const results = (JSON.parse(r.stdout) as { results: { id: string; printed?: string[]; scores: Record<string, number | null> }[] }).results;
    expect(results[0]!.id).toBe('10');
    expect(results[0]!.printed!.join(' ').toLowerCase()).toContain('no limits');
    expect(results[0]!.scores.text).toBeGreaterThan(0);
  });

  it('finds posters whose text is laid out alike (typography weight)', () => {
    const r = runCli(['search', '--db', db, '--id', '9', '--weights', 'typography=1', '--k', '5', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const results = (JSON.parse(r.stdout) as { results: { id: string; scores: Record<string, number | null> }[] }).results;
    expect(results).toHaveLength(5);
    expect(results.map((x) => x.id)).not.toContain('9');
    const typo = results.map((x) => x.scores.typography!);
    expect(typo.every((s) => s >= -1 && s <= 1)).toBe(true);
    expect([...typo].sort((a, b) => b - a)).toEqual(typo);
  });

  it('the identity channel puts a degraded copy\'s film first, and identify names it', async () => {
    const copy = await degraded('9');
    const r = runCli(['search', '--db', db, '--image', copy, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const top = (JSON.parse(r.stdout) as { results: { id: string; identity?: { by: string } }[] }).results[0]!;
    expect(top.id).toBe('9');
    expect(top.identity?.by).toBeDefined();
    const id = JSON.parse(runCli(['identify', '--db', db, '--image', copy, '--json']).stdout) as { match: { id: string; confidence: number } | null; lines: { text: string }[] };
    expect(id.match?.id).toBe('9');
    expect(id.match!.confidence).toBeGreaterThanOrEqual(0.66);
    expect(id.lines.map((l) => l.text.toLowerCase()).join(' ')).toContain('sudden');
  });

  it('says "not in the catalog" for a poster of no catalog film', async () => {
    const other = join(tempDir(), 'other.jpg');
    // A poster of a film outside these 14 movies (row 40 of the demo catalog).
    writeFileSync(other, readFileSync(join(POSTERS, `${catalogRows()[40]!.id}.jpg`)));
    const id = JSON.parse(runCli(['identify', '--db', db, '--image', other, '--json']).stdout) as { match: unknown; candidates: unknown[] };
    expect(id.match).toBeNull();
    expect(id.candidates.length).toBeGreaterThan(0);
  });

  describe('over HTTP', () => {
    let app: FastifyInstance;
    let library: Store;
    let base = '';
    beforeAll(async () => {
      library = await openStore(db, { create: false });
      app = await buildServer({ library });
      base = await app.listen({ port: 0, host: '127.0.0.1' });
    });
    afterAll(async () => {
      await app.close();
      await library.close();
    });

    it('reports the OCR progress and a movie\'s lines with boxes', async () => {
      const status = (await (await fetch(`${base}/api/text/status`)).json()) as Record<string, unknown>;
      expect(status).toMatchObject({ read: rows.length, failed: 0, pending: 0, running: false });
      const text = (await (await fetch(`${base}/api/movies/10/text`)).json()) as { state: string; lines: { text: string; box: number[][] }[] };
      expect(text.state).toBe('read');
      expect(text.lines.some((l) => l.text.toLowerCase().replace(/\s/g, '') === 'goldeneye')).toBe(true);
      for (const l of text.lines) expect(l.box).toHaveLength(4);
      const page = (await (await fetch(`${base}/api/movies/10`)).json()) as { typography: { title: { text: string }; blocks: number } | null };
      expect(page.typography!.blocks).toBe(text.lines.length);
      expect(page.typography!.title.text.toLowerCase()).toContain('goldeneye');
      expect((await fetch(`${base}/api/movies/no-such-movie/text`)).status).toBe(404);
    });

    it('identifies an upload, and an image search says which film it is', async () => {
      const form = () => {
        const f = new FormData();
        f.append('image', new Blob([readFileSync(join(POSTERS, '10.jpg'))], { type: 'image/jpeg' }), 'goldeneye.jpg');
        return f;
      };
      const id = (await (await fetch(`${base}/api/identify`, { method: 'POST', body: form() })).json()) as { match: { id: string; by: string } };
      expect(id.match.id).toBe('10');
      const search = (await (await fetch(`${base}/api/search/image`, { method: 'POST', body: form() })).json()) as { results: { id: string }[]; identified: { id: string } | null };
      expect(search.results[0]!.id).toBe('10');
      expect(search.identified?.id).toBe('10');
      // Filters narrow the results, never the answer (GoldenEye is from 1995).
      const narrowed = form();
      narrowed.append('yearFrom', '2000');
      const filtered = (await (await fetch(`${base}/api/search/image`, { method: 'POST', body: narrowed })).json()) as typeof search;
      expect(filtered.results.map((r) => r.id)).not.toContain('10');
      expect(filtered.identified?.id).toBe('10');
      // Later: the image channels at once, nothing read; the identity is a second request.
      const first = form();
      first.append('identify', 'later');
      const quick = (await (await fetch(`${base}/api/search/image`, { method: 'POST', body: first })).json()) as typeof search & { identify: string };
      expect(quick).toMatchObject({ identified: null, identify: 'later' });
      expect(quick.results[0]!.id).toBe('10');
      const wrongMode = form();
      wrongMode.append('identify', 'soon');
      expect(((await (await fetch(`${base}/api/search/image`, { method: 'POST', body: wrongMode })).json()) as { error: { code: string } }).error.code).toBe('invalid_field');
      const bad = await fetch(`${base}/api/identify`, { method: 'POST', body: new FormData() });
      expect(bad.status).toBe(400);
    });
  });
});
