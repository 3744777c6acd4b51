import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResult } from '../../dist/search/query.js';
import { DEMO_ROWS, demoLibraryOn } from '../demo-library.js';
import { ENGINES, type TestLibrary } from '../engines.js';
import { jsonLines, POSTERS, runCli, tempDir } from '../helpers.js';

const rows = DEMO_ROWS;
const byId = new Map(rows.map((r) => [r.id!, r]));
const poster = (id: string) => join(POSTERS, `${id}.jpg`);

type Result = SearchResult;
/** The library under test (a file or a postgres:// URL): each engine's block sets it before its tests run. */
let db = '';

function search(args: string[]): Result[] {
  const r = runCli(['search', '--db', db, '--json', ...args]);
  if (r.code !== 0) throw new Error(`search failed (${r.code}): ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { results: Result[] };
  expect(Object.keys(out)).toEqual(['results']);
  return out.results;
}

function expectSortedBest(results: Result[]): void {
  for (let i = 1; i < results.length; i++) expect(results[i - 1]!.score).toBeGreaterThanOrEqual(results[i]!.score);
}

const withOverview = rows.filter((r) => (r.overview ?? '').length > 120);

describe.each(ENGINES)('search on %s', (engine) => {
  let library: TestLibrary;

  beforeAll(async () => {
    library = await demoLibraryOn(engine);
    db = library.db;
  });

  afterAll(async () => {
    await library.drop();
  });

  it('by image: a catalog poster finds itself first, JSON contract holds', () => {
    const id = rows[7]!.id!;
    const results = search(['--image', poster(id), '--k', '5']);
    expect(results).toHaveLength(5);
    expect(results[0]!.id).toBe(id);
    expect(results[0]!.scores.content).toBeGreaterThan(0.999);
    // The poster channels, and identity when the poster's printed title names a film.
    expect(Object.keys(results[0]!.scores).filter((c) => c !== 'identity').sort()).toEqual(['color', 'content', 'layout']);
    expectSortedBest(results);
    for (const r of results) {
      expect(typeof r.id).toBe('string');
      expect(typeof r.title).toBe('string');
      expect(r.year === null || Number.isInteger(r.year)).toBe(true);
      expect(Number.isFinite(r.score)).toBe(true);
      expect(r.title).toBe(byId.get(r.id)!.title);
    }
  });

  it('by id: more like this excludes the movie itself and matches the image query order', () => {
    const id = rows[20]!.id!;
    const results = search(['--id', id, '--k', '10']);
    expect(results.map((r) => r.id)).not.toContain(id);
    expect(results).toHaveLength(10);
    // The same poster channels and weights (identity, from the upload's printed text, is image-only).
    const viaImage = search(['--image', poster(id), '--k', '11', '--weights', 'content=0.7,color=0.15,layout=0.15']).map((r) => r.id).filter((x) => x !== id);
    expect(results.map((r) => r.id)).toEqual(viaImage.slice(0, 10));
  });

  it('by id with its own synopsis: weight-image below 1 blends the story in; the match measure follows the ranking', () => {
    const id = withOverview[3]!.id!;
    const looks = search(['--id', id, '--k', '10']);
    const story = search(['--id', id, '--weight-image', '0.5', '--k', '10']);
    expect(story.map((r) => r.id)).not.toContain(id);
    expect(story[0]!.scores.text).toBeDefined();
    expect(looks[0]!.scores.text).toBeUndefined();
    expect(story.map((r) => r.id)).not.toEqual(looks.map((r) => r.id));
    for (const list of [looks, story]) {
      for (let i = 1; i < list.length; i++) expect(list[i - 1]!.match!).toBeGreaterThanOrEqual(list[i]!.match!);
      for (const r of list) expect(r.match).toBeGreaterThanOrEqual(0), expect(r.match).toBeLessThanOrEqual(1);
    }
  });

  it('typography on a poster not read yet: skipped beside other channels, an error alone', () => {
    const id = rows[20]!.id!;
    expect(search(['--id', id, '--weights', 'content=0.7,typography=0.3', '--k', '5'])).toHaveLength(5);
    const alone = runCli(['search', '--db', db, '--id', id, '--weights', 'typography=1']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/has not been read yet/);
  });

  it('by text: a movie\'s own synopsis finds it first for most movies', () => {
    const sample = withOverview.slice(0, 12);
    let hits = 0;
    for (const r of sample) if (search(['--text', r.overview!, '--k', '1'])[0]!.id === r.id) hits++;
    expect(hits / sample.length).toBeGreaterThanOrEqual(0.9);
  });

  it('by text: free text ranks matching genres above the collection rate', () => {
    const results = search(['--text', 'a terrifying haunted house, ghosts and a killer stalking teenagers at night', '--k', '10']);
    const horrorRate = rows.filter((r) => r.genres!.includes('Horror')).length / rows.length;
    const hitRate = results.filter((r) => r.genres.includes('Horror') || r.genres.includes('Thriller')).length / results.length;
    expect(hitRate).toBeGreaterThan(2 * horrorRate);
  });

  it('by image + text: weights move the ranking between the two channels', () => {
    const a = withOverview[1]!;
    const b = withOverview[2]!;
    const imageOnly = search(['--image', poster(a.id!), '--text', b.overview!, '--weight-image', '1', '--k', '3']);
    expect(imageOnly[0]!.id).toBe(a.id);
    const textOnly = search(['--image', poster(a.id!), '--text', b.overview!, '--weight-image', '0', '--k', '3']);
    expect(textOnly[0]!.id).toBe(b.id);
    const both = search(['--image', poster(a.id!), '--text', a.overview!, '--k', '5']);
    expect(both[0]!.id).toBe(a.id);
    expect(Object.keys(both[0]!.scores).filter((c) => c !== 'identity').sort()).toEqual(['color', 'content', 'layout', 'text']);
    expectSortedBest(both);
  });

  it('blend: embedding interpolation and pixel blend both give results between the two designs', () => {
    const a = rows[30]!.id!;
    const b = rows[90]!.id!;
    for (const mode of ['embedding', 'pixel']) {
      const results = search(['--image', poster(a), '--image2', poster(b), '--blend', mode, '--k', '10']);
      expect(results).toHaveLength(10);
      expect(results.map((r) => r.id)).not.toContain(a);
      expect(results.map((r) => r.id)).not.toContain(b);
      expectSortedBest(results);
    }
    // mix 0 is the first design: its neighbours come first.
    const nearA = search(['--id', a, '--k', '3']).map((r) => r.id);
    const mix0 = search(['--image', poster(a), '--image2', poster(b), '--mix', '0', '--k', '3']).map((r) => r.id);
    expect(mix0).toEqual(nearA);
  });

  it('filters: year range, genres (all) and countries (any) are respected', () => {
    const results = search(['--text', 'love story', '--year', '1990-1995', '--genre', 'Drama', '--genre', 'Romance', '--k', '50']);
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      expect(r.year).toBeGreaterThanOrEqual(1990);
      expect(r.year).toBeLessThanOrEqual(1995);
      expect(r.genres).toEqual(expect.arrayContaining(['Drama', 'Romance']));
    }
    // Text-only queries can only return movies that have a synopsis to match.
    const hasSynopsis = (r: (typeof rows)[number]) => !!((r.overview ?? '').trim() || (r.tagline ?? '').trim());
    const expectedCount = rows.filter((r) => hasSynopsis(r) && Number(r.year) >= 1990 && Number(r.year) <= 1995 && r.genres!.includes('Drama') && r.genres!.includes('Romance')).length;
    expect(results.length).toBe(Math.min(50, expectedCount));
    const gb = search(['--id', rows[3]!.id!, '--country', 'GB', '--country', 'FR', '--k', '100']);
    const expectedGb = rows.filter((r) => r.id !== rows[3]!.id && /(^|\|)(GB|FR)(\||$)/.test(r.countries ?? ''));
    expect(gb.map((r) => r.id).sort()).toEqual(expectedGb.map((r) => r.id).sort());
  });

  it('batch: one line per query in order, qid echoed, a bad query gets an error line', () => {
    const dir = tempDir();
    const file = join(dir, 'q.jsonl');
    const lines = [
      { qid: 'img', image: poster(rows[5]!.id!), k: 2 },
      { qid: 'missing', image: join(dir, 'nope.jpg') },
      { qid: 'txt', text: withOverview[4]!.overview, k: 1 },
      'this is not json',
      { qid: 'filtered', id: rows[6]!.id, genre: ['Comedy'], 'weight-image': 1, k: 3 },
    ];
    writeFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'));
    const r = runCli(['search', '--db', db, '--batch', file]);
    expect(r.code).toBe(0);
    const out = jsonLines(r.stdout);
    expect(out).toHaveLength(5);
    expect(out[0]!.qid).toBe('img');
    expect((out[0]!.results as Result[])[0]!.id).toBe(rows[5]!.id);
    expect(out[1]).toMatchObject({ qid: 'missing', error: expect.stringMatching(/nope\.jpg: file does not exist/) });
    expect((out[2]!.results as Result[])[0]!.id).toBe(withOverview[4]!.id);
    expect(out[3]).toMatchObject({ error: expect.stringMatching(/line 4: invalid JSON/) });
    for (const x of out[4]!.results as Result[]) expect(x.genres).toContain('Comedy');
  });

  it('errors go to stderr with a non-zero exit', () => {
    const cases: [string[], RegExp][] = [
      [['--id', 'no-such-movie'], /no movie with id "no-such-movie"/],
      [['--image', '/nonexistent/x.jpg'], /x\.jpg: file does not exist/],
      [['--text', 'x', '--k', '0'], /k must be/],
      [['--year', '1999-1980', '--text', 'x'], /start is after end/],
      [[], /nothing to search by/],
      [['--text', 'x', '--weights', 'content=1'], /weights apply to image or movie-id queries/],
      [['--id', rows[0]!.id!, '--weights', 'content=0.5,shape=0.5'], /unknown channel "shape"/],
      [['--image', join(import.meta.dirname, '..', 'helpers.ts')], /helpers\.ts: not a readable image/],
    ];
    for (const [args, message] of cases) {
      const r = runCli(['search', '--db', db, ...args]);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
    }
    const noLib = runCli(['search', '--db', join(tempDir(), 'none.db'), '--text', 'x']);
    expect(noLib.code).not.toBe(0);
    expect(noLib.stderr).toMatch(/does not exist: run "marquee index/);
  });

  it('prints a readable table when not asked for JSON', () => {
    const r = runCli(['search', '--db', db, '--id', rows[9]!.id!, '--k', '3']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/score.*id.*year.*title/);
  });
});
