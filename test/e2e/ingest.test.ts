import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { catalogRows, jsonLines, makeCatalog, POSTERS, runCli, spreadRows, tempDir, type CatalogRow } from '../helpers.js';

function summaryOf(stdout: string): Record<string, unknown> {
  const last = jsonLines(stdout).at(-1)!;
  expect(last.type).toBe('summary');
  return last;
}

describe('index: real catalog rows, good and bad', () => {
  const good = spreadRows(24, 5);
  const dir = tempDir();
  const posterCopies = join(dir, 'own');
  mkdirSync(posterCopies);
  copyFileSync(join(POSTERS, `${good[0]!.id}.jpg`), join(posterCopies, 'changing.jpg'));
  writeFileSync(join(posterCopies, 'corrupt.jpg'), Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]));
  writeFileSync(join(posterCopies, 'empty.jpg'), Buffer.alloc(0));
  writeFileSync(join(posterCopies, 'page.jpg'), '<html><body>not an image</body></html>');
  const base = good[1]!;
  const bad: CatalogRow[] = [
    { ...base, id: '', title: 'No id' },
    { ...base, id: good[2]!.id, title: 'Duplicate id' },
    { ...base, id: 'x-missing', poster: 'posters/does-not-exist.jpg' },
    { ...base, id: 'x-corrupt', poster: 'own/corrupt.jpg' },
    { ...base, id: 'x-empty', poster: 'own/empty.jpg' },
    { ...base, id: 'x-html', poster: 'own/page.jpg' },
    { ...base, id: 'x-escape', poster: '../../etc/passwd' },
    { ...base, id: 'x-changing', poster: 'own/changing.jpg', title: 'Changing poster', mood: 'stormy' },
  ];
  makeCatalog([...good, ...bad], dir);
  const db = join(tempDir(), 'lib.db');

  it('indexes good rows, reports each bad one with its file and reason', () => {
    const r = runCli(['index', dir, '--no-ocr', '--db', db, '--json']);
    expect(r.code).toBe(0);
    const s = summaryOf(r.stdout);
    expect(s.indexed).toBe(good.length + 1); // + x-changing
    expect(s.skipped).toBe(2); // no id, duplicate id
    expect(s.failed).toBe(5); // missing, corrupt, empty, html, escape
    const problems = s.problems as { item: string; file: string | null; reason: string }[];
    const reasonFor = (needle: string) => problems.find((p) => (p.file ?? '').includes(needle) || p.reason.includes(needle))?.reason ?? '';
    expect(reasonFor('does-not-exist.jpg')).toMatch(/does not exist/);
    expect(reasonFor('corrupt.jpg')).toMatch(/image/);
    expect(reasonFor('empty.jpg')).toMatch(/empty/);
    expect(reasonFor('page.jpg')).toMatch(/not a readable image|unsupported/);
    expect(reasonFor('outside the catalog')).toMatch(/etc\/passwd/);
    expect(problems.some((p) => p.reason.startsWith('missing id'))).toBe(true);
    expect(problems.some((p) => p.reason.startsWith(`duplicate id ${good[2]!.id}`))).toBe(true);
    for (const p of problems) expect(p.item).toMatch(/^movies\.csv:\d+( \(id .+\))?$/);
  });

  it('stores metadata, extra columns, thumbnails and one vector per channel', () => {
    const lib = new Database(db, { readonly: true });
    const m = lib.prepare("SELECT * FROM movies WHERE id = 'x-changing'").get() as Record<string, string>;
    expect(JSON.parse(m.extra!)).toMatchObject({ mood: 'stormy', original_language: base.original_language });
    const expected = good[3]!;
    const g = lib.prepare('SELECT * FROM movies WHERE id = ?').get(expected.id) as Record<string, unknown>;
    expect(g.title).toBe(expected.title);
    expect(g.year).toBe(Number(expected.year));
    expect(JSON.parse(g.genres as string)).toEqual(expected.genres!.split('|'));
    const thumb = lib.prepare('SELECT p.thumbnail FROM posters p JOIN movies m ON m.key = p.movie_key WHERE m.id = ?').get(expected.id) as { thumbnail: Buffer };
    expect(thumb.thumbnail.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    const counts = Object.fromEntries(
      (lib.prepare('SELECT channel, dim, COUNT(*) AS n FROM vectors GROUP BY channel, dim').all() as { channel: string; dim: number; n: number }[]).map((r) => [`${r.channel}/${r.dim}`, r.n]),
    );
    // Every movie with a synopsis has a text vector (bad posters keep theirs), only good posters have image vectors.
    const storedIds = new Set((lib.prepare('SELECT id FROM movies').all() as { id: string }[]).map((r) => r.id));
    const withSynopsis = [...good, ...bad].filter((r) => storedIds.has(r.id) && ((r.overview ?? '').trim() || (r.tagline ?? '').trim()));
    const posters = good.length + 1;
    // The default model also embeds each poster's three tiles (genre features).
    expect(counts).toEqual({ 'content/1792': posters, 'tile-top/1792': posters, 'tile-middle/1792': posters, 'tile-bottom/1792': posters, 'color/320': posters, 'layout/192': posters, 'signature/1536': posters, 'text/512': new Set(withSynopsis.map((r) => r.id)).size });
    expect((lib.prepare('PRAGMA integrity_check').get() as Record<string, string>).integrity_check).toBe('ok');
    lib.close();
  });

  it('re-running skips unchanged posters and picks up a changed one', () => {
    const again = summaryOf(runCli(['index', dir, '--no-ocr', '--db', db, '--json']).stdout);
    expect(again.indexed).toBe(0);
    expect(again.unchanged).toBe(good.length + 1);
    expect(again.textsEmbedded).toBe(0);
    copyFileSync(join(POSTERS, `${good[5]!.id}.jpg`), join(posterCopies, 'changing.jpg'));
    const changed = summaryOf(runCli(['index', dir, '--no-ocr', '--db', db, '--json']).stdout);
    expect(changed.indexed).toBe(1);
    expect(changed.unchanged).toBe(good.length);
  });

  it('re-embeds when the stored vectors came from another model version, never mixing', () => {
    const lib = new Database(db);
    lib.prepare("UPDATE vectors SET model_version = 'old' WHERE channel = 'content' AND subject_key IN (SELECT key FROM movies LIMIT 3)").run();
    lib.close();
    const s = summaryOf(runCli(['index', dir, '--no-ocr', '--db', db, '--json']).stdout);
    expect(s.indexed).toBe(3);
    const check = new Database(db, { readonly: true });
    expect(check.prepare("SELECT COUNT(*) AS n FROM vectors WHERE model_version = 'old'").get()).toEqual({ n: 0 });
    check.close();
  });

  it('--prune removes movies no longer listed, and only with --prune', () => {
    const shorter = [...good.slice(0, 20), bad[7]!];
    const dir2 = makeCatalog(shorter);
    // Same library, different catalog folder: nothing of the first catalog is pruned.
    expect(summaryOf(runCli(['index', dir2, '--no-ocr', '--db', db, '--json', '--prune']).stdout).pruned).toBe(0);
    writeFileSync(join(dir, 'movies.csv'), stringify(shorter.map((r) => ({ ...r, poster: r.id === 'x-changing' ? 'own/changing.jpg' : r.poster })), { header: true }));
    const kept = summaryOf(runCli(['index', dir, '--no-ocr', '--db', db, '--json']).stdout);
    expect(kept.pruned).toBe(0);
    const pruned = summaryOf(runCli(['index', dir, '--no-ocr', '--db', db, '--json', '--prune']).stdout);
    expect(pruned.pruned).toBe(good.length + bad.length - 2 - 1 - 20); // minus 2 unusable rows, x-changing, the 20 kept
  });
});

describe('index: other catalog shapes', () => {
  it('indexes a plain folder of images with id = file name', () => {
    const dir = tempDir();
    const ids = spreadRows(5, 11).map((r) => r.id);
    for (const id of ids) copyFileSync(join(POSTERS, `${id}.jpg`), join(dir, `poster-${id}.jpg`));
    writeFileSync(join(dir, 'notes.txt'), 'not an image');
    const db = join(tempDir(), 'lib.db');
    const s = summaryOf(runCli(['index', dir, '--no-ocr', '--db', db, '--json']).stdout);
    expect(s.indexed).toBe(5);
    const lib = new Database(db, { readonly: true });
    expect((lib.prepare('SELECT id FROM movies ORDER BY id').all() as { id: string }[]).map((r) => r.id)).toEqual(ids.map((id) => `poster-${id}`).sort());
    lib.close();
  });

  it('reads movies.jsonl, reporting a malformed line', () => {
    const dir = makeCatalog([catalogRows()[0]!]);
    const rows = spreadRows(4, 3);
    writeFileSync(join(dir, 'movies.jsonl'), [...rows.map((r) => JSON.stringify({ ...r, genres: r.genres!.split('|') })), '{not json', ''].join('\n'));
    rmSync(join(dir, 'movies.csv'));
    const db = join(tempDir(), 'lib.db');
    const r = runCli(['index', dir, '--no-ocr', '--db', db, '--json']);
    const s = summaryOf(r.stdout);
    expect(s.indexed).toBe(4);
    expect(s.skipped).toBe(1);
    expect((s.problems as { item: string; reason: string }[])[0]).toMatchObject({ item: 'movies.jsonl:5' });
  });

  it('exits non-zero with a clear message when nothing can be indexed', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'movies.csv'), 'id,title,poster\n1,Nothing,posters/none.jpg\n');
    const r = runCli(['index', dir, '--no-ocr', '--db', join(tempDir(), 'lib.db')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nothing could be indexed/);
    expect(r.stderr).toMatch(/poster file does not exist/);
  });
});
