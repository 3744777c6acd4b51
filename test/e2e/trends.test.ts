/**
 * Trends on a generated library with a planted drift: 20 real demo posters, each made into six
 * films, one per decade from the 1950s to the 2000s, darkened more the later they are (sharp's
 * brightness × 1.0 in the 1950s down to × 0.35 in the 2000s): the same posters in every decade,
 * so what changes between decades is the planted drift. The test measures each generated poster's mean CIELAB
 * lightness itself (its own sRGB → Lab, every pixel of a 64 × 96 resize) and checks that
 * `marquee trends` shows the drift with intervals covering those planted values, and that period
 * and genre filters give what the test recomputes from its own numbers. Also the API's JSON and CSV.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../dist/server/app.js';
import { openStore } from '../../dist/store/open-store.js';
import { defaultImageModel, refOf } from '../../dist/store/library-models.js';
import { catalogRows, launchChromium, makeCatalog, POSTERS, runCli, tempDir, type CatalogRow } from '../helpers.js';

const DECADES = [1950, 1960, 1970, 1980, 1990, 2000];
const DARKEN = [1, 0.87, 0.74, 0.61, 0.48, 0.35];
const PER_DECADE = 20;
const source = catalogRows().filter((r, i) => i % 23 === 4).slice(0, PER_DECADE);
const db = join(tempDir(), 'lib.db');

interface Planted {
  id: string;
  year: number;
  genres: string[];
  lightness: number;
}
const planted: Planted[] = [];

/** The test's own mean CIELAB L* of an image (D65, sRGB companding), over a 64 × 96 resize. */
async function meanLightness(bytes: Buffer): Promise<number> {
  const { data } = await sharp(bytes).resize(64, 96, { fit: 'fill' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const linear = (c: number): number => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  let sum = 0;
  for (let i = 0; i < data.length; i += 3) {
    const y = 0.2126729 * linear(data[i]! / 255) + 0.7151522 * linear(data[i + 1]! / 255) + 0.072175 * linear(data[i + 2]! / 255);
    sum += y > 216 / 24389 ? 116 * Math.cbrt(y) - 16 : (24389 / 27) * y;
  }
  return sum / (data.length / 3);
}

interface TrendJson {
  measure: string;
  periods: { period: string; start: number; n: number; mean: number; low: number; high: number; small: boolean }[];
}

const trends = (args: string[]): TrendJson => {
  const r = runCli(['trends', '--db', db, '--json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n')[0]!) as TrendJson;
};

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

beforeAll(async () => {
  const dir = tempDir();
  const rows: CatalogRow[] = [];
  mkdirSync(join(dir, 'darkened'));
  for (const [d, decade] of DECADES.entries())
    for (const [i, r] of source.entries()) {
      const id = `${r.id}-${decade}`;
      const year = decade + (i % 10);
      const bytes = await sharp(readFileSync(join(POSTERS, `${r.id}.jpg`))).modulate({ brightness: DARKEN[d]! }).jpeg({ quality: 92 }).toBuffer();
      writeFileSync(join(dir, 'darkened', `${id}.jpg`), bytes);
      rows.push({ ...r, id, year: String(year), poster: `darkened/${id}.jpg` });
      planted.push({ id, year, genres: r.genres!.split('|'), lightness: await meanLightness(bytes) });
    }
  makeCatalog(rows, dir);
  const r = runCli(['index', dir, '--db', db, '--no-ocr', '--no-text', '--json']);
  expect(r.code, r.stderr).toBe(0);
}, 900_000);

describe('trends with a planted drift', () => {
  it('shows the planted darkening by decade, with intervals covering the planted values', () => {
    const t = trends(['--measure', 'brightness', '--by', 'decade']);
    expect(t.periods.map((p) => p.period)).toEqual(DECADES.map((d) => `${d}s`));
    for (const [i, p] of t.periods.entries()) {
      const truth = mean(planted.filter((x) => Math.floor(x.year / 10) * 10 === DECADES[i]).map((x) => x.lightness));
      expect(p.n).toBe(PER_DECADE);
      expect(p.small).toBe(false);
      expect(p.low, `${p.period}: planted ${truth.toFixed(1)}`).toBeLessThanOrEqual(truth);
      expect(p.high, `${p.period}: planted ${truth.toFixed(1)}`).toBeGreaterThanOrEqual(truth);
      expect(p.low).toBeLessThan(p.mean);
      expect(p.high).toBeGreaterThan(p.mean);
    }
    // The drift: every decade darker than the one before, and the ends far apart.
    for (let i = 1; i < t.periods.length; i++) expect(t.periods[i]!.mean).toBeLessThan(t.periods[i - 1]!.mean);
    expect(t.periods[0]!.low).toBeGreaterThan(t.periods.at(-1)!.high);
  });

  it('by year and by genre, gives what the test recomputes from its own lightness values; small periods are marked, not dropped', () => {
    const byYear = trends(['--measure', 'brightness', '--by', 'year']);
    expect(byYear.periods.length).toBe(DECADES.length * 10);
    for (const p of byYear.periods) {
      const own = planted.filter((x) => x.year === p.start);
      expect(p.n).toBe(own.length);
      expect(p.small).toBe(true);
      expect(Math.abs(p.mean - mean(own.map((x) => x.lightness)))).toBeLessThan(3.5);
    }
    const genre = [...new Set(planted.flatMap((x) => x.genres))].map((g) => ({ g, n: planted.filter((x) => x.genres.includes(g)).length })).sort((a, b) => b.n - a.n)[0]!.g;
    const all = trends(['--measure', 'brightness', '--by', 'decade']);
    const filtered = trends(['--measure', 'brightness', '--by', 'decade', '--genre', genre]);
    let differs = 0;
    for (const p of filtered.periods) {
      const own = planted.filter((x) => Math.floor(x.year / 10) * 10 === p.start && x.genres.includes(genre));
      expect(p.n).toBe(own.length);
      expect(Math.abs(p.mean - mean(own.map((x) => x.lightness)))).toBeLessThan(2.5);
      if (Math.abs(p.mean - all.periods.find((q) => q.start === p.start)!.mean) > 0.01) differs++;
    }
    expect(differs).toBeGreaterThan(0);
    const share = trends(['--measure', `genre:${genre}`, '--by', 'decade']);
    for (const p of share.periods) {
      const inDecade = planted.filter((x) => Math.floor(x.year / 10) * 10 === p.start);
      expect(p.mean).toBeCloseTo(inDecade.filter((x) => x.genres.includes(genre)).length / inDecade.length, 6);
    }
    expect(runCli(['trends', '--db', db, '--measure', 'brightness', '--genre', 'No Such Genre']).stderr).toMatch(/unknown genre "No Such Genre": the library's genres are /);
    expect(runCli(['trends', '--db', db, '--measure', 'loudness']).stderr).toMatch(/unknown measure "loudness": the measures are /);
    // A near miss is suggested, every measure is listed, and the CLI user is pointed to --list.
    const near = runCli(['trends', '--db', db, '--measure', 'brightnes']).stderr;
    expect(near).toMatch(/unknown measure "brightnes" \(did you mean "brightness"\?\)/);
    expect(near).toMatch(/text-area.*title-position/s);
    expect(near).toMatch(/marquee trends --list/);
  });

  it('exports every chart as CSV with the same numbers', () => {
    const r = runCli(['trends', '--db', db, '--measure', 'brightness', '--measure', 'hue:blue', '--by', 'decade', '--csv']);
    expect(r.code, r.stderr).toBe(0);
    const rows = parse(r.stdout, { columns: true }) as Record<string, string>[];
    expect(rows.length).toBe(2 * DECADES.length);
    const json = trends(['--measure', 'brightness', '--by', 'decade']);
    for (const p of json.periods) {
      const row = rows.find((x) => x.measure === 'brightness' && x.period === p.period)!;
      expect(Number(row.mean)).toBeCloseTo(p.mean, 5);
      expect(Number(row.low)).toBeCloseTo(p.low, 5);
      expect(Number(row.n)).toBe(p.n);
    }
  });

  it('answers over HTTP (JSON, CSV, bad requests) and charts a trend in the browser, linkable by URL', async () => {
    const library = await openStore(db, { create: false });
    const app = await buildServer({ library });
    try {
      const cli = trends(['--measure', 'brightness', '--by', 'decade', '--genre', planted[0]!.genres[0]!]);
      const res = await app.inject({ method: 'GET', url: `/api/trends?measure=brightness&by=decade&genre=${encodeURIComponent(planted[0]!.genres[0]!)}` });
      expect(res.statusCode).toBe(200);
      expect((res.json() as TrendJson).periods).toEqual(cli.periods);
      // The table is a stored analysis, computed by a job, not on the request.
      expect((await library.analyses.get('trends@1'))?.result).toMatchObject({ posters: expect.any(Array), values: expect.any(Object) });
      const csv = await app.inject({ method: 'GET', url: '/api/trends/csv?measure=brightness&measure=symmetry&by=year' });
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toMatch(/text\/csv/);
      expect((parse(csv.body, { columns: true }) as unknown[]).length).toBe(2 * DECADES.length * 10);
      expect((await app.inject({ method: 'GET', url: '/api/trends?measure=loudness' })).statusCode).toBe(400);
      expect((await app.inject({ method: 'GET', url: '/api/trends?measure=brightness&by=century' })).statusCode).toBe(400);
      const measures = (await app.inject({ method: 'GET', url: '/api/trends/measures' })).json() as { measures: { name: string; posters: number }[] };
      expect(measures.measures.find((m) => m.name === 'brightness')!.posters).toBe(planted.length);
      expect(measures.measures.find((m) => m.name === 'faces')!.posters).toBe(0);

      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        await page.goto(`${base}/trends?measure=brightness&by=decade`);
        await page.locator('.trend-chart canvas').first().waitFor({ timeout: 60_000 });
        const rows = page.locator('.trend-table tbody tr');
        expect(await rows.count()).toBe(DECADES.length);
        expect(await page.locator('.trend-chart .u-legend').textContent()).toContain('95 % low');
        await page.locator('.typical-period img.average').first().waitFor({ timeout: 60_000 });
        expect(await page.locator('.typical-period').count()).toBe(DECADES.length);
        // Switching to years: every period has 2 posters, all marked as few.
        await page.selectOption('select[name=by]', 'year');
        await page.locator('.trend-table tbody tr[data-period="1951"]').waitFor({ timeout: 60_000 });
        expect(await page.locator('.trend-table tbody tr.small').count()).toBe(DECADES.length * 10);
        expect(new URL(page.url()).searchParams.get('by')).toBe('year');
        expect(await page.locator('a.csv').getAttribute('href')).toMatch(/\/api\/trends\/csv\?measure=brightness&by=year/);
      } finally {
        await browser.close();
      }
    } finally {
      await app.close();
      await library.close();
    }
  });

  it('finds each decade\'s typical poster (its medoid, recomputed here) and an average image that darkens with the drift', async () => {
    const r = runCli(['trends', '--typical', '--db', db, '--json', '--by', 'decade', '--out', join(tempDir(), 'averages')]);
    expect(r.code, r.stderr).toBe(0);
    const typical = JSON.parse(r.stdout) as { periods: { period: string; start: number; n: number; medoids: { id: string; centrality: number }[] }[] };
    expect(typical.periods.map((p) => p.n)).toEqual(DECADES.map(() => PER_DECADE));
    const library = await openStore(db, { create: false });
    const app = await buildServer({ library });
    try {
      const model = (await defaultImageModel(library))!;
      const content = await library.vectors.load(model.channel, refOf(model));
      expect(content.length).toBe(planted.length);
      const ids = new Map((await library.movies.titleRows()).map((t) => [t.key, t.id]));
      const unit = content.map((e) => {
        const norm = Math.sqrt(e.vector.reduce((s, x) => s + x * x, 0));
        return { id: ids.get(e.key)!, v: Float64Array.from(e.vector, (x) => x / norm) };
      });
      for (const p of typical.periods) {
        const members = unit.filter((u) => planted.find((x) => x.id === u.id)!.year - (planted.find((x) => x.id === u.id)!.year % 10) === p.start);
        const sums = members.map((a) => members.reduce((s, b) => s + a.v.reduce((t, x, i) => t + x * b.v[i]!, 0), 0));
        expect(p.medoids[0]!.id).toBe(members[sums.indexOf(Math.max(...sums))]!.id);
      }
      const luma = async (period: string) => {
        const res = await app.inject({ method: 'GET', url: `/api/trends/average?by=decade&period=${period}` });
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toBe('image/jpeg');
        return (await sharp(res.rawPayload).greyscale().stats()).channels[0]!.mean;
      };
      const [first, last] = [await luma('1950s'), await luma('2000s')];
      expect(last).toBeLessThan(first * 0.6);
      expect((await app.inject({ method: 'GET', url: '/api/trends/average?by=decade&period=1890s' })).statusCode).toBe(400);
      // The API serves the stored result of a job: the same periods as the CLI computes, each with its average image.
      const api = (await app.inject({ method: 'GET', url: '/api/trends/typical?by=decade' })).json() as { periods: ({ average: boolean } & (typeof typical.periods)[number])[] };
      expect(api.periods.map(({ average: _average, ...p }) => p)).toEqual(typical.periods);
      expect(api.periods.every((p) => p.average)).toBe(true);
      expect((await app.inject({ method: 'GET', url: '/api/trends/typical?genre=no-such-genre' })).statusCode).toBe(400);
    } finally {
      await app.close();
      await library.close();
    }
  });
});
