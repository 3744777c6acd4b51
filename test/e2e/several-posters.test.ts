/**
 * Films with several posters (posters.csv, several paths in a row) on real demo posters: every
 * further poster is indexed with every channel, grouped with its film's near-duplicates into
 * designs, searched per poster and per film, identified as film + poster, kept incrementally,
 * dropped when no longer listed, and carried over by `marquee migrate`.
 *
 * Planted per film (12 films): a re-release (its own main poster cropped 5 % and hue-shifted: a
 * variant of the same design, 20 years later) and an international poster (another film's poster,
 * not in this catalog: a distinct design). One film lists a second poster in its row's `poster`
 * column; posters.csv also names a missing file and a film the catalog lacks.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SearchEngine } from '../../dist/search/engine.js';
import { openStore } from '../../dist/store/open-store.js';
import { freshLibrary, type TestLibrary } from '../engines.js';
import { buildServer } from '../../dist/server/app.js';
import { catalogRows, launchChromium, makeCatalog, POSTERS, runCli, spreadRows, tempDir, type CatalogRow } from '../helpers.js';

const rows = spreadRows(40, 7);
const inCatalog = new Set(rows.map((r) => r.id));
const outsiders = catalogRows().filter((r, i) => i % 37 === 5 && !inCatalog.has(r.id)).slice(0, 13);
const planted = rows.slice(0, 12);
const rowPosterFilm = rows[20]!;
const db = join(tempDir(), 'lib.db');
let catalog: string;
let listing: Record<string, string>[];

interface Result {
  id: string;
  poster?: { rank: number; kind: string | null; country: string | null; year: number | null };
}

const search = (args: string[], library = db): Result[] => {
  const r = runCli(['search', '--db', library, '--json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { results: Result[] }).results;
};

const index = (): Record<string, unknown> => {
  const r = runCli(['index', catalog, '--db', db, '--no-ocr', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
};

const writeListing = (): void => writeFileSync(join(catalog, 'posters.csv'), stringify(listing, { header: true, columns: ['movie_id', 'file', 'kind', 'country', 'year'] }));

beforeAll(async () => {
  const withRowPoster: CatalogRow[] = rows.map((r) => (r.id === rowPosterFilm.id ? { ...r, poster: `posters/${r.id}.jpg|more/${r.id}-row.jpg` } : r));
  catalog = makeCatalog(withRowPoster);
  mkdirSync(join(catalog, 'more'));
  listing = [];
  for (const [i, r] of planted.entries()) {
    const main = readFileSync(join(POSTERS, `${r.id}.jpg`));
    const { width = 0, height = 0 } = await sharp(main).metadata();
    const [dx, dy] = [Math.round(width * 0.05), Math.round(height * 0.05)];
    writeFileSync(join(catalog, 'more', `${r.id}-rerelease.jpg`), await sharp(main).extract({ left: dx, top: dy, width: width - 2 * dx, height: height - 2 * dy }).modulate({ hue: 30 }).jpeg({ quality: 85 }).toBuffer());
    writeFileSync(join(catalog, 'more', `${r.id}-intl.jpg`), readFileSync(join(POSTERS, `${outsiders[i]!.id}.jpg`)));
    listing.push({ movie_id: r.id!, file: `more/${r.id}-rerelease.jpg`, kind: 're-release', country: 'US', year: String(Number(r.year) + 20) });
    listing.push({ movie_id: r.id!, file: `more/${r.id}-intl.jpg`, kind: 'international', country: 'fr', year: r.year! });
  }
  writeFileSync(join(catalog, 'more', `${rowPosterFilm.id}-row.jpg`), readFileSync(join(POSTERS, `${outsiders[12]!.id}.jpg`)));
  listing.push({ movie_id: planted[0]!.id!, file: 'more/missing.jpg', kind: '', country: '', year: '' });
  listing.push({ movie_id: 'not-in-this-catalog', file: `more/${planted[1]!.id}-intl.jpg`, kind: '', country: '', year: '' });
  writeListing();
}, 120_000);

describe('several posters per film', () => {
  let summary: Record<string, unknown>;
  beforeAll(() => {
    summary = index();
  }, 600_000);

  it('indexes every further poster with every channel, and says which listed posters it cannot use', async () => {
    expect(summary.morePosters).toMatchObject({ listed: 2 * planted.length + 2, indexed: 2 * planted.length + 1, failed: 1, removed: 0 });
    const problems = summary.problems as { item: string; reason: string }[];
    expect(problems).toContainEqual(expect.objectContaining({ item: expect.stringMatching(/^posters\.csv:\d+$/), reason: 'poster file does not exist' }));
    expect(problems).toContainEqual(expect.objectContaining({ reason: expect.stringMatching(/no movie with id not-in-this-catalog/) }));
    const library = await openStore(db, { create: false });
    try {
      const film = await library.posters.ofMovie((await library.movies.keyOf(planted[3]!.id!))!);
      expect(film.map((p) => [p.rank, p.kind, p.country, p.year])).toEqual([
        [0, null, null, null],
        [1, 're-release', 'US', Number(planted[3]!.year) + 20],
        [2, 'international', 'FR', Number(planted[3]!.year)],
      ]);
      const main = await library.vectors.states(film[0]!.key);
      for (const p of film.slice(1)) {
        const states = await library.vectors.states(p.key);
        // Every image channel of the main poster (no tiles: genres read main posters), none of the film's synopsis.
        expect([...states.keys()].sort()).toEqual([...main.keys()].filter((c) => c !== 'text' && !c.startsWith('tile-')).sort());
        expect(states.get('content')!.sourceHash).toBe(p.contentHash);
      }
      expect((await library.posters.ofMovie((await library.movies.keyOf(rowPosterFilm.id!))!)).map((p) => p.path.split('/').slice(-2).join('/'))).toEqual([`posters/${rowPosterFilm.id}.jpg`, `more/${rowPosterFilm.id}-row.jpg`]);
    } finally {
      await library.close();
    }
  });

  it('groups a film\'s posters into designs: the re-release with the main poster, the international one apart, earliest first', () => {
    for (const r of planted.slice(0, 6)) {
      const out = runCli(['posters', r.id!, '--db', db, '--json']);
      expect(out.code, out.stderr).toBe(0);
      const film = JSON.parse(out.stdout) as { title: string; designs: number; posters: { rank: number; design: number }[] };
      expect(film.title).toBe(r.title);
      expect(film.designs, `film ${r.id}`).toBe(2);
      const design = new Map(film.posters.map((p) => [p.rank, p.design]));
      expect(design.get(0)).toBe(design.get(1));
      expect(design.get(2)).not.toBe(design.get(0));
      // The main poster (the film's year) comes before its re-release (20 years later).
      expect(film.posters.findIndex((p) => p.rank === 0)).toBeLessThan(film.posters.findIndex((p) => p.rank === 1));
    }
  });

  it('finds a further poster as itself per poster, and its film once per film', async () => {
    const library = await openStore(db, { create: false });
    const engine = await SearchEngine.fromLibrary(library);
    try {
      let ranked = 0;
      for (const r of planted) {
        const image = { bytes: readFileSync(join(catalog, 'more', `${r.id}-intl.jpg`)), source: `${r.id}-intl.jpg` };
        const perPoster = await engine.search({ image, per: 'poster', k: 10 });
        if (perPoster[0]?.id === r.id && perPoster[0].poster?.rank === 2) ranked++;
        const perFilm = await engine.search({ image, k: 10 });
        expect(perFilm[0]?.id).toBe(r.id);
        expect(new Set(perFilm.map((x) => x.id)).size).toBe(perFilm.length);
        expect(perFilm[0]!.poster).toMatchObject({ rank: 2, kind: 'international', country: 'FR' });
      }
      expect(ranked).toBe(planted.length);
    } finally {
      await engine.close();
      await library.close();
    }
  });

  it('per poster, a film found by its synopsis brings every poster; "more like this" leaves out all of the film\'s', () => {
    const film = planted[4]!;
    const byText = search(['--text', film.overview!, '--per', 'poster', '--k', '3']);
    expect(byText.map((x) => [x.id, x.poster?.rank])).toEqual([[film.id, 0], [film.id, 1], [film.id, 2]]);
    const like = search(['--id', film.id!, '--per', 'poster', '--k', '30']);
    expect(like.some((x) => x.id === film.id)).toBe(false);
    // Another planted film's re-release is a result of its own beside its main poster.
    expect(like.filter((x) => x.id === planted[5]!.id).length).toBeLessThanOrEqual(3);
    // A year filter keeps the further posters of the films it keeps.
    const filtered = search(['--image', join(catalog, 'more', `${planted[2]!.id}-rerelease.jpg`), '--per', 'poster', '--k', '5', '--year', `${planted[2]!.year}`]);
    expect(filtered[0]).toMatchObject({ id: planted[2]!.id, poster: { rank: 1 } });
  });

  it('identifies the film and the poster of an upload', () => {
    const r = runCli(['identify', '--image', join(catalog, 'more', `${planted[6]!.id}-rerelease.jpg`), '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { match } = JSON.parse(r.stdout) as { match: { id: string; poster?: { rank: number; kind: string } } | null };
    expect(match).toMatchObject({ id: planted[6]!.id, poster: { rank: 1, kind: 're-release' } });
  });

  it('shows a film\'s posters by design on its page, and per-poster results with the poster that matched', async () => {
    const library = await openStore(db, { create: false });
    const app = await buildServer({ library });
    const film = planted[9]!;
    try {
      const api = (await app.inject({ method: 'GET', url: `/api/movies/${film.id}/posters` })).json() as { designs: number; posters: { rank: number }[] };
      expect(api.designs).toBe(2);
      const thumb = await app.inject({ method: 'GET', url: `/api/movies/${film.id}/posters/2/thumbnail` });
      expect(thumb.statusCode).toBe(200);
      expect(thumb.headers['content-type']).toBe('image/jpeg');
      expect((await app.inject({ method: 'GET', url: `/api/movies/${film.id}/posters/7/thumbnail` })).statusCode).toBe(404);
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        await page.goto(`${base}/movie/${film.id}`);
        await page.locator('section.film-posters figure.film-poster').first().waitFor({ timeout: 60_000 });
        expect(await page.locator('section.film-posters .design').count()).toBe(2);
        expect(await page.locator('section.film-posters figure.film-poster').count()).toBe(3);
        expect(await page.locator('section.film-posters figure.film-poster img').evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0))).toBe(true);
        await page.goto(`${base}/?q=${encodeURIComponent(film.overview!)}&wt=1&per=poster`);
        await page.locator('.grid .card').first().waitFor({ timeout: 60_000 });
        const shown = await page.locator('.grid .card').evaluateAll((cards) => cards.slice(0, 3).map((c) => [c.getAttribute('data-id'), c.querySelector('img')!.getAttribute('data-poster')]));
        expect(shown).toEqual([[film.id, '0'], [film.id, '1'], [film.id, '2']]);
      } finally {
        await browser.close();
      }
    } finally {
      await app.close();
      await library.close();
    }
  });

  describe('kept up to date', () => {
    it('an unchanged catalog embeds nothing again; a poster no longer listed goes, with its vectors', async () => {
      const again = index();
      expect(again.morePosters).toMatchObject({ indexed: 0, unchanged: 2 * planted.length + 1, removed: 0 });
      const dropped = planted[7]!;
      listing = listing.filter((l) => l.file !== `more/${dropped.id}-intl.jpg`);
      writeListing();
      const after = index();
      expect(after.morePosters).toMatchObject({ indexed: 0, removed: 1 });
      const perPoster = search(['--image', join(catalog, 'more', `${dropped.id}-intl.jpg`), '--per', 'poster', '--k', '5']);
      expect(perPoster.some((x) => x.id === dropped.id && x.poster?.rank === 2)).toBe(false);
      const library = await openStore(db, { create: false });
      try {
        expect((await library.posters.ofMovie((await library.movies.keyOf(dropped.id!))!)).map((p) => p.rank)).toEqual([0, 1]);
        expect(await library.checkIntegrity()).toEqual([]);
      } finally {
        await library.close();
      }
    }, 600_000);
  });

  describe('migrate', () => {
    let pg: TestLibrary;
    beforeAll(async () => {
      pg = await freshLibrary('postgres');
    });
    afterAll(async () => {
      await pg.drop();
    });

    it('copies every poster to PostgreSQL, where per-poster search answers the same', () => {
      const r = runCli(['migrate', db, pg.db, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const copied = JSON.parse(r.stdout) as { tables: Record<string, number> };
      // Main posters, two further per planted film, the row's second poster, less the one dropped above.
      expect(copied.tables.posters).toBe(rows.length + 2 * planted.length + 1 - 1);
      for (const film of planted.slice(8, 11)) {
        const args = ['--image', join(catalog, 'more', `${film.id}-rerelease.jpg`), '--per', 'poster', '--k', '6'];
        const here = search(args).map((x) => [x.id, x.poster?.rank]);
        expect(search(args, pg.db).map((x) => [x.id, x.poster?.rank])).toEqual(here);
        expect(here[0]).toEqual([film.id, 1]);
      }
    }, 600_000);
  });
});
