/**
 * Every command's first-failure paths (unknown model, unreadable or missing library, bad
 * arguments, unknown movie, bad image) under a short timeout: each must print an error and
 * exit 2 at once. `index --model no-such-model` used to print its error and then hang forever
 * (the text model's worker pool, started alongside, was never closed).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, makeCatalog, runCli, spreadRows, tempDir } from '../helpers.js';

const dir = tempDir();
const lib = join(dir, 'lib.db');
const missing = join(dir, 'missing.db');
const garbage = join(dir, 'garbage.db');
const notImage = join(dir, 'not-an-image.jpg');
const rows = spreadRows(12, 7);
const catalog = makeCatalog(rows);

beforeAll(() => {
  writeFileSync(garbage, 'this is not a database\n'.repeat(100));
  writeFileSync(notImage, 'plain text, not a JPEG');
  const r = runCli(['index', catalog, '--db', lib, '--no-ocr']);
  expect(r.code, r.stderr).toBe(0);
}, 300_000);

/** A generous bound for a command that only has to fail: starting Node and opening a library takes about a second. */
const TIMEOUT_MS = 20_000;

function fail(args: string[]): { code: number | null; stderr: string; ms: number; timedOut: boolean } {
  const started = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: TIMEOUT_MS, killSignal: 'SIGKILL' });
  return { code: r.status, stderr: r.stderr, ms: performance.now() - started, timedOut: r.signal === 'SIGKILL' };
}

const cases: [string, () => string[], RegExp][] = [
  ['index: unknown model', () => ['index', catalog, '--db', join(dir, 'never-created.db'), '--model', 'no-such-model'], /unknown image model "no-such-model"/],
  ['index: unknown model, text model skipped', () => ['index', catalog, '--db', join(dir, 'never-created.db'), '--model', 'no-such-model', '--no-text'], /unknown image model/],
  ['index: stills with an unknown model', () => ['index', '--stills', catalog, '--db', join(dir, 'never-created.db'), '--model', 'nope'], /unknown image model "nope"/],
  ['index: not a library', () => ['index', catalog, '--db', garbage, '--no-ocr'], /not a Marquee library/],
  ['index: catalog missing', () => ['index', join(dir, 'no-catalog'), '--db', join(dir, 'never-created.db')], /is not a folder/],
  ['index: nothing to index', () => ['index', '--db', lib], /give a catalog folder/],
  ['index: bad batch size', () => ['index', catalog, '--db', lib, '--batch-size', '0'], /batch-size must be/],
  ['search: missing library', () => ['search', '--db', missing, '--text', 'x'], /does not exist/],
  ['search: not a library', () => ['search', '--db', garbage, '--text', 'x'], /not a Marquee library/],
  ['search: nothing to search by', () => ['search', '--db', lib], /nothing to search by/],
  ['search: k out of range', () => ['search', '--db', lib, '--id', '1', '--k', '0'], /k must be an integer/],
  ['search: unknown option', () => ['search', '--db', lib, '--colour', 'red'], /unknown option/],
  ['search: unknown movie', () => ['search', '--db', lib, '--id', 'no-such-id'], /no movie with id "no-such-id"/],
  ['search: image missing', () => ['search', '--db', lib, '--image', join(dir, 'nope.jpg')], /does not exist/],
  ['search: not an image', () => ['search', '--db', lib, '--image', notImage], /not a readable image/],
  ['search: typo\'d genre', () => ['search', '--db', lib, '--text', 'love', '--genre', 'Comdy'], /unknown genre "Comdy" \(did you mean "Comedy"\?\)/],
  ['search: reversed years', () => ['search', '--db', lib, '--text', 'love', '--year', '1999-1980'], /start is after end/],
  ['search: unknown channel weight', () => ['search', '--db', lib, '--id', '1', '--weights', 'shape=1'], /unknown channel "shape"/],
  ['pairs: not a library', () => ['pairs', '--db', garbage], /not a Marquee library/],
  ['pairs: bad channel', () => ['pairs', '--db', lib, '--channel', 'smell'], /Allowed choices/],
  ['dupes: missing library', () => ['dupes', '--db', missing], /does not exist/],
  ['explain: unknown movie', () => ['explain', 'no-such-id', '1', '--db', lib], /neither an image file nor a movie id/],
  ['genres train: missing library', () => ['genres', 'train', '--db', missing], /does not exist/],
  ['genres eval: not a library', () => ['genres', 'eval', '--db', garbage], /not a Marquee library/],
  ['genres predict: no image', () => ['genres', 'predict', '--db', lib], /give --image/],
  ['genres predict: no model trained', () => ['genres', 'predict', '--db', lib, '--image', notImage], /no poster genre model/],
  ['looks: unknown movie', () => ['looks', 'no-such-id', '--db', lib], /no movie with id "no-such-id"/],
  ['which-movie: no image', () => ['which-movie', '--db', lib], /give either --image/],
  ['which-movie: no stills', () => ['which-movie', '--db', lib, '--image', notImage], /has no stills/],
  ['stills look: unknown movie', () => ['stills', 'look', 'no-such-id', '--db', lib], /no movie with id "no-such-id"/],
  ['stills look: a movie without stills', () => ['stills', 'look', rows[0]!.id!, '--db', lib], /has no stills/],
  ['stills eval: no stills', () => ['stills', 'eval', '--db', lib], /has no stills/],
  ['stills clusters: no stills', () => ['stills', 'clusters', '--db', lib], /has no stills/],
  ['atlas build: missing library', () => ['atlas', 'build', '--db', missing], /does not exist/],
  ['atlas build: bad channel', () => ['atlas', 'build', '--db', lib, '--channel', 'smell'], /Allowed choices/],
  ['serve: missing library', () => ['serve', '--db', missing, '--port', '0'], /does not exist/],
  ['serve: bad port', () => ['serve', '--db', lib, '--port', '99999'], /port must be/],
  ['identify: no image', () => ['identify', '--db', lib], /give the poster/],
  ['identify: not an image', () => ['identify', '--db', lib, '--image', notImage], /not a readable image/],
  ['info: not a library', () => ['info', '--db', garbage], /not a Marquee library/],
  ['worker: pointed at another library', () => ['worker', '--db', lib, '--library', 'not-this-library'], /pointed at a different library/],
  ['migrate: missing source', () => ['migrate', missing, join(dir, 'target.db')], /does not exist/],
  ['migrate: target not empty', () => ['migrate', lib, lib], /not empty/],
  ['an unknown command', () => ['bogus'], /unknown command 'bogus'/],
];

describe('every command fails at once, with its error and exit code 2', () => {
  it.each(cases)('%s', (_name, args, message) => {
    const r = fail(args());
    expect(r.timedOut, `still running after ${TIMEOUT_MS} ms; stderr: ${r.stderr}`).toBe(false);
    expect(r.stderr).toMatch(message);
    expect(r.code, r.stderr).toBe(2);
  });

  it('creates no library file when the arguments cannot work', () => {
    expect(existsSync(join(dir, 'never-created.db'))).toBe(false);
  });

  it('leaves the library it failed on usable (no stale index lock)', () => {
    expect(fail(['index', catalog, '--db', lib, '--model', 'no-such-model']).code).toBe(2);
    const r = runCli(['index', catalog, '--db', lib, '--no-ocr']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/unchanged 12/);
  }, 120_000);
});
