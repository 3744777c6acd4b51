/**
 * A planted borrowing on real demo posters: a later film's poster is made from an earlier film's
 * layout with other colours (hue turned half way round, saturation up) and other text (a new title
 * band at the top, a credits block at the bottom). On the layout channel the pair must rank first
 * for both of its films (the earlier poster's later look-alikes, the later poster's earlier
 * sources) and in the library's list, directed earlier → later and not taken for one artwork;
 * the page shows it on the timeline and on the earlier film's page.
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../dist/server/app.js';
import { openStore } from '../../dist/store/open-store.js';
import { launchChromium, makeCatalog, POSTERS, runCli, spreadRows, tempDir, type CatalogRow } from '../helpers.js';

const rows = spreadRows(80, 13);
const earlier = rows.find((r) => Number(r.year) < 1975)!;
const later = rows.find((r) => Number(r.year) >= 1990 && r.id !== earlier.id)!;
const db = join(tempDir(), 'lib.db');

interface Side {
  id: string;
  year: number;
}
interface Found {
  from: Side;
  to: Side;
  z: number;
  similarity: number;
  sameArtwork: boolean;
}

const borrowings = (args: string[]): Found[] => {
  const r = runCli(['borrowings', '--db', db, '--json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { borrowings: Found[] }).borrowings;
};

/** The earlier poster's layout with other colours and other text. */
async function borrowFrom(file: string): Promise<Buffer> {
  const source = readFileSync(file);
  const { width = 300, height = 450 } = await sharp(source).metadata();
  const band = (text: string, h: number, size: number) =>
    Buffer.from(`<svg width="${width}" height="${h}"><rect width="100%" height="100%" fill="#101820"/><text x="50%" y="${Math.round(h * 0.68)}" font-family="sans-serif" font-size="${size}" font-weight="bold" fill="#f2aa4c" text-anchor="middle">${text}</text></svg>`);
  return sharp(source)
    .modulate({ hue: 180, saturation: 1.4 })
    .composite([
      { input: band('A NEW PICTURE', Math.round(height * 0.1), Math.round(width * 0.08)), top: 0, left: 0 },
      { input: band('STARRING NOBODY YOU KNOW · DIRECTED BY SOMEONE ELSE', Math.round(height * 0.06), Math.round(width * 0.03)), top: height - Math.round(height * 0.06), left: 0 },
    ])
    .jpeg({ quality: 90 })
    .toBuffer();
}

beforeAll(async () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'planted'));
  writeFileSync(join(dir, 'planted', `${later.id}.jpg`), await borrowFrom(join(POSTERS, `${earlier.id}.jpg`)));
  const catalogRowsWithPlant: CatalogRow[] = rows.map((r) => (r.id === later.id ? { ...r, poster: `planted/${r.id}.jpg` } : r));
  makeCatalog(catalogRowsWithPlant, dir);
  const r = runCli(['index', dir, '--db', db, '--no-ocr', '--no-text', '--json']);
  expect(r.code, r.stderr).toBe(0);
}, 900_000);

describe('borrowings', () => {
  it('ranks the planted borrowing first for both its films, directed earlier → later, and not as one artwork', () => {
    const fromEarlier = borrowings(['--channel', 'layout', '--from', earlier.id!, '--k', '5']);
    expect(fromEarlier[0]).toMatchObject({ from: { id: earlier.id, year: Number(earlier.year) }, to: { id: later.id, year: Number(later.year) }, sameArtwork: false });
    const intoLater = borrowings(['--channel', 'layout', '--from', later.id!, '--earlier', '--k', '5']);
    expect(intoLater[0]).toMatchObject({ from: { id: earlier.id }, to: { id: later.id } });
    // Earlier sources only, and later look-alikes only.
    expect(intoLater.every((b) => b.from.year < Number(later.year) && b.to.id === later.id)).toBe(true);
    expect(fromEarlier.every((b) => b.to.year > Number(earlier.year) && b.from.id === earlier.id)).toBe(true);
    const all = borrowings(['--channel', 'layout', '--k', '10']);
    console.log(`planted borrowing: z ${fromEarlier[0]!.z}, similarity ${fromEarlier[0]!.similarity}; library's next: z ${all[1]?.z}`);
    expect(all[0]).toMatchObject({ from: { id: earlier.id }, to: { id: later.id } });
    // Ranked by z, which is not the order of raw similarity.
    expect(all.map((b) => b.z)).toEqual([...all.map((b) => b.z)].sort((a, b) => b - a));
    expect(all.every((b) => b.from.year < b.to.year)).toBe(true);
  });

  it('shows it on the timeline and on the earlier film\'s page', async () => {
    const library = await openStore(db, { create: false });
    const app = await buildServer({ library });
    try {
      const api = (await app.inject({ method: 'GET', url: '/api/borrowings?channel=layout&k=5' })).json() as { borrowings: Found[] };
      expect(api.borrowings[0]).toMatchObject({ from: { id: earlier.id }, to: { id: later.id } });
      expect((await app.inject({ method: 'GET', url: '/api/borrowings?channel=smell' })).statusCode).toBe(400);
      expect((await app.inject({ method: 'GET', url: '/api/movies/no-such-film/borrowings' })).statusCode).toBe(404);
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        await page.goto(`${base}/borrowings?channel=layout`);
        await page.locator('.borrowings .borrowing').first().waitFor({ timeout: 120_000 });
        expect(await page.locator('svg.borrowing-timeline path.arc').count()).toBe(await page.locator('.borrowings .borrowing').count());
        const first = page.locator('.borrowings .borrowing').first();
        expect(await first.locator('a.borrowing-poster').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual([`/movie/${earlier.id}`, `/movie/${later.id}`]);
        await page.goto(`${base}/movie/${earlier.id}`);
        await page.locator('section.later-lookalikes .borrowing').first().waitFor({ timeout: 60_000 });
        expect(await page.locator('section.later-lookalikes .borrowing a.borrowing-poster').nth(1).getAttribute('href')).toBe(`/movie/${later.id}`);
      } finally {
        await browser.close();
      }
    } finally {
      await app.close();
      await library.close();
    }
  });
});
