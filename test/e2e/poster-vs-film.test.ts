/**
 * Poster vs film on the real stills (9 films × 80 frames): each film gets a poster — one film a
 * contact sheet of 20 of its own frames (its poster shows the film as it is), one film the colour negative of one of its
 * frames (a poster that shows nothing of the film's colours), the rest unrelated demo posters.
 * The ranking must put the first least and the second most misrepresenting, with the sign of the
 * lightness difference the test expects from its own measurement, and the movie page shows the
 * poster beside the film's barcode.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../dist/server/app.js';
import { openStore } from '../../dist/store/open-store.js';
import { catalogRows, launchChromium, makeCatalog, ROOT, runCli, tempDir, type CatalogRow } from '../helpers.js';

const STILLS = resolve(ROOT, '../shared/stills');
const films = parse(readFileSync(join(STILLS, 'movies.csv')), { columns: true }) as { slug: string; title: string; year: string }[];
const faithful = films.find((f) => f.slug === 'frozen')!;
const negative = films.find((f) => f.slug === 'gravity')!;
const db = join(tempDir(), 'lib.db');

interface Comparison {
  id: string;
  paletteDistance: number;
  lightnessDifference: number;
  poster: { lightness: number };
  film: { lightness: number; stills: number };
}

const meanLuma = async (bytes: Buffer): Promise<number> => {
  const { channels } = await sharp(bytes).greyscale().stats();
  return channels[0]!.mean;
};

let negativeBrighter: boolean;

beforeAll(async () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'own'));
  const unrelated = catalogRows().filter((_, i) => i % 97 === 11);
  const rows: CatalogRow[] = films.map((f, i) => ({ id: f.slug, title: f.title, year: f.year, genres: '', poster: `posters/${unrelated[i]!.id}.jpg` }));
  // 20 frames spread over the film, 4 across, 5 down, each 160 × 90.
  const tiles = await Promise.all(Array.from({ length: 20 }, async (_, i) => ({
    input: await sharp(join(STILLS, faithful.slug, `${String(2 + i * 4).padStart(3, '0')}.jpg`)).resize(160, 90, { fit: 'fill' }).toBuffer(),
    left: (i % 4) * 160,
    top: Math.floor(i / 4) * 90,
  })));
  writeFileSync(join(dir, 'own', 'faithful.jpg'), await sharp({ create: { width: 640, height: 450, channels: 3, background: '#000' } }).composite(tiles).jpeg({ quality: 92 }).toBuffer());
  const frame = readFileSync(join(STILLS, negative.slug, '040.jpg'));
  const negated = await sharp(frame).negate({ alpha: false }).jpeg({ quality: 92 }).toBuffer();
  writeFileSync(join(dir, 'own', 'negative.jpg'), negated);
  negativeBrighter = (await meanLuma(negated)) > (await meanLuma(frame));
  for (const r of rows) {
    if (r.id === faithful.slug) r.poster = 'own/faithful.jpg';
    if (r.id === negative.slug) r.poster = 'own/negative.jpg';
  }
  makeCatalog(rows, dir);
  const r = runCli(['index', dir, '--stills', STILLS, '--db', db, '--no-ocr', '--no-text', '--json']);
  expect(r.code, r.stderr).toBe(0);
}, 900_000);

describe('poster vs film', () => {
  it('ranks the film whose poster is a contact sheet of its frames least, and the negative most misrepresenting', () => {
    const most = JSON.parse(runCli(['poster-vs-film', '--db', db, '--json', '--k', '20']).stdout) as { films: Comparison[] };
    expect(most.films.length).toBe(films.length);
    expect(most.films[0]!.id).toBe(negative.slug);
    expect(most.films.at(-1)!.id).toBe(faithful.slug);
    const distances = most.films.map((c) => c.paletteDistance);
    expect(distances).toEqual([...distances].sort((a, b) => b - a));
    const least = JSON.parse(runCli(['poster-vs-film', '--db', db, '--json', '--least', '--k', '3']).stdout) as { films: Comparison[] };
    expect(least.films[0]!.id).toBe(faithful.slug);
    const one = JSON.parse(runCli(['poster-vs-film', negative.slug, '--db', db, '--json']).stdout) as Comparison;
    expect(one.film.stills).toBe(80);
    expect(one.lightnessDifference > 0).toBe(negativeBrighter);
    expect(one.lightnessDifference).toBeCloseTo(one.poster.lightness - one.film.lightness, 1);
    const none = runCli(['poster-vs-film', 'no-such-film', '--db', db]);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toMatch(/no movie with id "no-such-film"/);
  });

  it('marquee info reports the stills and the catalog films they joined', () => {
    const info = JSON.parse(runCli(['info', '--db', db, '--json']).stdout) as { stills: { films: number; stills: number; withPoster: { id: string }[] } };
    expect(info.stills.films).toBe(films.length);
    expect(info.stills.stills).toBe(films.length * 80);
    expect(info.stills.withPoster.map((m) => m.id).sort()).toEqual(films.map((f) => f.slug).sort());
    expect(runCli(['info', '--db', db]).stdout).toContain(`stills  ${films.length * 80} of ${films.length} films: ${films.length} joined to a catalog film with a poster`);
  });

  it('shows the poster beside the film\'s barcode on the movie page, and the ranking page', async () => {
    const library = await openStore(db, { create: false });
    const app = await buildServer({ library });
    try {
      expect((await app.inject({ method: 'GET', url: `/api/movies/${faithful.slug}/poster-vs-film` })).statusCode).toBe(200);
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        await page.goto(`${base}/movie/${negative.slug}`);
        await page.locator('section.poster-vs-film img.pvf-barcode').waitFor({ timeout: 120_000 });
        // Both images finished (loaded or broken) before they are judged: the barcode can appear while the poster is still loading.
        await page.waitForFunction(() => [...document.querySelectorAll('section.poster-vs-film img')].every((i) => (i as HTMLImageElement).complete), null, { timeout: 60_000 });
        const loaded = await page.locator('section.poster-vs-film img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0));
        expect(loaded).toEqual([true, true]);
        expect(await page.locator('section.poster-vs-film .palette').count()).toBe(2);
        await page.goto(`${base}/poster-vs-film`);
        await page.locator('.pvf-list li').first().waitFor({ timeout: 60_000 });
        expect(await page.locator('.pvf-list li').first().getAttribute('data-id')).toBe(negative.slug);
      } finally {
        await browser.close();
      }
    } finally {
      await app.close();
      await library.close();
    }
  });
});
