/** End-to-end in Debian's Chromium (playwright-core): the web app on a real server and library. Screenshots go to test-artifacts/. */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessConfigFromEnv } from '../../dist/server/access.js';
import { buildServer } from '../../dist/server/app.js';
import { openStore } from '../../dist/store/open-store.js';
import type { Store } from '../../dist/store/store.js';
import { launchChromium, makeCatalog, POSTERS, ROOT, runCli, spreadRows, tempDir } from '../helpers.js';

/** The atlas page is ready once its stage stops being busy (the viewer drew the map). */
const ATLAS_READY = '.atlas-stage[aria-busy="false"]';
/** The atlas's zoom relative to the fitted map, as the page keeps it in the URL. */
const atlasZoom = (url: string): number => Number(new URL(url).searchParams.get('z') ?? 1);

/** Frame times while the wheel zooms in and out over the atlas for `ms` (requestAnimationFrame in the page). */
async function atlasFrameTimes(page: Page, ms: number): Promise<{ fps: number; p50: number; p95: number; frames: number }> {
  const b = (await (await page.$('.atlas-stage'))!.boundingBox())!;
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
  const measured = page.evaluate(
    (span) =>
      new Promise<{ fps: number; p50: number; p95: number; frames: number }>((resolve) => {
        const deltas: number[] = [];
        let last = performance.now();
        const start = last;
        const tick = (now: number) => {
          deltas.push(now - last);
          last = now;
          if (now - start < span) return void requestAnimationFrame(tick);
          const sorted = deltas.slice(2).sort((x, y) => x - y);
          resolve({ fps: 1000 / (sorted.reduce((x, y) => x + y, 0) / sorted.length), p50: sorted[Math.floor(sorted.length / 2)]!, p95: sorted[Math.floor(sorted.length * 0.95)]!, frames: sorted.length });
        };
        requestAnimationFrame(tick);
      }),
    ms,
  );
  const end = Date.now() + ms;
  for (let i = 0; Date.now() < end; i++) {
    await page.mouse.wheel(0, i % 20 < 10 ? -30 : 30);
    await page.waitForTimeout(16);
  }
  return measured;
}

const rows = spreadRows(120, 8);
const STILLS = join(ROOT, '../shared/stills');
const db = join(tempDir(), 'lib.db');
/** The same posters before any genre model was trained: the app must train one by itself. */
const untrainedDb = join(tempDir(), 'untrained.db');
const artifacts = join(ROOT, 'test-artifacts');
let app: FastifyInstance;
let library: Store;
let browser: Browser;
let page: Page;
let base = '';
const timings: Record<string, number> = {};

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  expect(runCli(['index', makeCatalog(rows), '--no-ocr', '--db', db]).code).toBe(0);
  expect(runCli(['migrate', db, untrainedDb]).code).toBe(0);
  expect(runCli(['genres', 'train', '--db', db, '--folds', '3']).code).toBe(0);
  expect(runCli(['atlas', 'build', '--db', db]).code).toBe(0);
  expect(runCli(['index', '--stills', STILLS, '--db', db]).code).toBe(0);
  library = await openStore(db, { create: true });
  app = await buildServer({ library });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});

afterAll(async () => {
  writeFileSync(join(artifacts, 'e2e-timings.json'), JSON.stringify(timings, null, 2));
  await browser?.close();
  await app?.close();
  library?.close();
});

const cardIds = () => page.$$eval('.grid .card', (cards) => cards.map((c) => (c as HTMLElement).dataset.id!));
const renderMs = async () => Number(await page.getAttribute('.results', 'data-render-ms'));

async function waitForResults(previous?: string): Promise<void> {
  await page.waitForFunction((prev) => {
    const el = document.querySelector('.results') as HTMLElement | null;
    return !!el?.dataset.renderMs && el.dataset.renderMs !== prev && !!el.querySelector('.card, .empty');
  }, previous);
}

describe('web app', () => {
  it('text search renders a results grid, and the URL reflects the query', async () => {
    await page.goto(`${base}/`);
    await page.fill('input[name=q]', 'a haunted house, ghosts and a family in terror');
    await page.press('input[name=q]', 'Enter');
    await waitForResults();
    expect((await cardIds()).length).toBeGreaterThan(0);
    expect(new URL(page.url()).searchParams.get('q')).toContain('haunted');
    // The blend's mix and mode belong to two-poster searches only.
    expect(['mix', 'blend'].filter((p) => new URL(page.url()).searchParams.has(p))).toEqual([]);
    // A second text query, models warm: the time the page measured from query to rendered results.
    const prev = await page.getAttribute('.results', 'data-render-ms');
    await page.fill('input[name=q]', 'two detectives chase a killer through a rainy city');
    await page.press('input[name=q]', 'Enter');
    await waitForResults(prev!);
    timings.textQueryToRenderMs = await renderMs();
    const alt = await page.getAttribute('.grid .card img', 'alt');
    expect(alt).toMatch(/\(\d{4}\)$/);
    await page.screenshot({ path: join(artifacts, 'home-text.png') });
    // Reloading the shared URL gives the same results.
    const ids = await cardIds();
    await page.reload();
    await waitForResults();
    expect(await cardIds()).toEqual(ids);
  });

  it('uploading a catalog poster ranks it first', async () => {
    await page.goto(`${base}/`);
    const id = rows[17]!.id!;
    await page.setInputFiles('#file-image', join(POSTERS, `${id}.jpg`));
    await waitForResults();
    expect((await cardIds())[0]).toBe(id);
    const prev = await page.getAttribute('.results', 'data-render-ms');
    await page.setInputFiles('#file-image', join(POSTERS, `${rows[18]!.id}.jpg`));
    await waitForResults(prev!);
    expect((await cardIds())[0]).toBe(rows[18]!.id);
    timings.imageQueryToRenderMs = await renderMs();
    await page.screenshot({ path: join(artifacts, 'home-image.png') });
  });

  it('blends two posters with the mix slider shown', async () => {
    const prev = await page.getAttribute('.results', 'data-render-ms');
    await page.setInputFiles('#file-image2', join(POSTERS, `${rows[60]!.id}.jpg`));
    await waitForResults(prev!);
    expect(await page.isVisible('.blend')).toBe(true);
    const ids = await cardIds();
    expect(ids).not.toContain(rows[18]!.id);
    expect(ids).not.toContain(rows[60]!.id);
    await page.screenshot({ path: join(artifacts, 'home-blend.png') });
  });

  it('genre filter chips restrict the results', async () => {
    await page.goto(`${base}/?q=${encodeURIComponent('friends fall in love and laugh')}`);
    await waitForResults();
    await page.click('details.tuning summary');
    const prev = await page.getAttribute('.results', 'data-render-ms');
    await page.click('button[data-genre="Comedy"]');
    await waitForResults(prev!);
    const genres = await page.$$eval('.grid .card', (cards) => cards.map((c) => (c as HTMLElement).dataset.genres!));
    expect(genres.length).toBeGreaterThan(0);
    for (const g of genres) expect(g.split('|')).toContain('Comedy');
    expect(new URL(page.url()).searchParams.get('g')).toBe('Comedy');
    await page.screenshot({ path: join(artifacts, 'home-filter.png') });
  });

  it('movie page: poster, palette, genre bars, more like this, why-similar heatmap', async () => {
    const id = rows[25]!.id!;
    await page.goto(`${base}/movie/${id}`);
    await page.waitForSelector('.palette .swatch');
    expect(await page.textContent('h1')).toContain(rows[25]!.title!);
    expect((await page.$$('.palette .swatch')).length).toBeGreaterThanOrEqual(5);
    expect((await page.$$('.gbar')).length).toBeGreaterThan(0);
    expect((await page.$$('.more')).length).toBe(3);
    await page.click('.more[data-channel=content] .why-btn >> nth=0');
    // Both posters, side by side, each with a loading state until its explanation arrives.
    expect(await page.$$eval('.why .why-side', (f) => f.length)).toBe(2);
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.why .why-side img')].every((i) => i.complete && i.naturalWidth > 0));
    expect(await page.$$eval('.why .why-side.loading', (f) => f.length)).toBe(0);
    const [left, right] = await page.$$eval('.why .why-side', (f) => f.map((x) => x.getBoundingClientRect().toJSON() as DOMRect));
    expect(Math.abs(left!.top - right!.top)).toBeLessThan(2);
    expect(right!.left).toBeGreaterThan(left!.right - 1);
    const captions = await page.$$eval('.why figcaption', (c) => c.map((x) => x.textContent));
    expect(captions[0]).toContain(rows[25]!.title!);
    expect(captions[1]).not.toBe(captions[0]);
    expect(await page.textContent('.why')).toMatch(/image model/);
    await page.screenshot({ path: join(artifacts, 'movie.png'), fullPage: true });
    // From the colour strip, the panel explains colour: the shared colours and where they sit.
    await page.click('.more[data-channel=color] .why-btn >> nth=0');
    await page.waitForFunction(() => document.querySelector('.why')?.getAttribute('data-channel') === 'color');
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.why .why-side img')].every((i) => i.complete && i.naturalWidth > 0));
    await page.waitForSelector('.shared-colours .colour-pair, .shared-colours span');
    expect(await page.textContent('.why')).toMatch(/colours both posters share/);
    expect(await page.textContent('.why')).not.toMatch(/image model/);
    // And from the layout strip, matching composition.
    await page.click('.more[data-channel=layout] .why-btn >> nth=0');
    await page.waitForFunction(() => document.querySelector('.why')?.getAttribute('data-channel') === 'layout');
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.why .why-side img')].every((i) => i.complete && i.naturalWidth > 0));
    expect(await page.textContent('.why')).toMatch(/composition/);
    await page.screenshot({ path: join(artifacts, 'movie-why-layout.png'), fullPage: true });
    // Keyboard: the first card link is reachable and focus is visible.
    await page.focus('.more .card');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('card'))).toBe(true);
  });

  it('pairs page lists close pairs side by side and duplicate groups', async () => {
    await page.goto(`${base}/pairs`);
    await page.waitForSelector('.pair', { timeout: 120_000 });
    expect((await page.$$('.pair')).length).toBeGreaterThan(10);
    expect(await page.isVisible('.dupes h2')).toBe(true);
    await page.screenshot({ path: join(artifacts, 'pairs.png') });
  });

  it('atlas: renders posters (non-blank), zooms, and a click opens the right movie', async () => {
    await page.goto(`${base}/atlas`);
    await page.waitForSelector(ATLAS_READY);
    await page.waitForTimeout(300);
    const stage = (await page.$('.atlas-stage'))!;
    const shot = await stage.screenshot({ path: join(artifacts, 'atlas.png') });
    const { data, info } = await sharp(shot).raw().toBuffer({ resolveWithObject: true });
    let lit = 0;
    for (let i = 0; i < data.length; i += info.channels) if (Math.abs(data[i]! - 0x0b) + Math.abs(data[i + 1]! - 0x0c) + Math.abs(data[i + 2]! - 0x10) > 30) lit++;
    expect(lit / (info.width * info.height)).toBeGreaterThan(0.02);
    const before = atlasZoom(page.url());
    const box = (await stage.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -600);
    // The page keeps the place on the map in its URL once the view rests.
    await page.waitForFunction((z) => Number(new URLSearchParams(location.search).get('z') ?? 1) > z * 1.5, before, { timeout: 5_000 });
    const zoomed = await stage.screenshot();
    expect(zoomed.equals(shot)).toBe(false);
    // In the grid view posters do not overlap: a link that focuses a poster centres it, and clicking there opens exactly that movie.
    const id = rows[33]!.id!;
    await page.goto(`${base}/atlas?view=grid&focus=${encodeURIComponent(id)}`);
    await page.waitForSelector(ATLAS_READY);
    await page.waitForTimeout(300);
    const grid = (await (await page.$('.atlas-stage'))!.boundingBox())!;
    await page.mouse.click(grid.x + grid.width / 2, grid.y + grid.height / 2);
    await page.waitForURL(`**/movie/${id}`);
    await page.waitForSelector('.palette .swatch');
    expect(await page.textContent('h1')).toContain(rows[33]!.title!);
    // Leaving the atlas destroyed its WebGL application (no canvas, no ticker left behind).
    expect(await page.evaluate(() => document.querySelectorAll('canvas').length)).toBe(0);
  });

  it('atlas frame times: the real library and 50,000 synthetic points (recorded, see test-artifacts)', async () => {
    await page.goto(`${base}/atlas`);
    await page.waitForSelector(ATLAS_READY);
    const real = await atlasFrameTimes(page, 2000);
    await page.goto(`${base}/atlas?synthetic=50000`);
    await page.waitForSelector(ATLAS_READY, { timeout: 120_000 });
    expect(await page.textContent('.atlas-bar')).toContain('50000 posters');
    const big = await atlasFrameTimes(page, 2000);
    const stage = (await page.$('.atlas-stage'))!;
    const b = (await stage.boundingBox())!;
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    for (let i = 0; i < 8; i++) await page.mouse.wheel(0, -400);
    await page.waitForTimeout(300);
    const bigZoomed = await atlasFrameTimes(page, 2000);
    await page.screenshot({ path: join(artifacts, 'atlas-50k-zoomed.png') });
    Object.assign(timings, { atlasRealFps: real.fps, atlas50kFps: big.fps, atlas50kZoomedFps: bigZoomed.fps, atlas50kP95FrameMs: big.p95 });
    console.log(`atlas fps: ${rows.length} posters ${real.fps.toFixed(1)}, 50k overview ${big.fps.toFixed(1)}, 50k zoomed ${bigZoomed.fps.toFixed(1)}`);
    expect(big.frames).toBeGreaterThan(10);
  });
});

describe('web app with film stills', () => {
  it('movie page shows the barcode, named palette, filmstrip and similar looks', async () => {
    await page.goto(`${base}/movie/whiplash`);
    await page.waitForSelector('.look .filmstrip img');
    const barcodeWidth = await page.$eval('.look img.barcode', async (img) => {
      const i = img as HTMLImageElement;
      await i.decode();
      return i.naturalWidth;
    });
    expect(barcodeWidth).toBe(80);
    expect(await page.$$eval('.look .filmstrip img', (imgs) => imgs.map((i) => Number((i as HTMLElement).dataset.seq)))).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    expect(await page.$$eval('.look .palette .swatch', (s) => s.length)).toBeGreaterThan(2);
    const looks = await page.$$eval('.look ol.looks li', (lis) => lis.map((li) => (li as HTMLElement).dataset.id));
    expect(looks).toHaveLength(8);
    expect(looks).not.toContain('whiplash');
    await page.screenshot({ path: join(artifacts, 'movie-look.png'), fullPage: true });
  });

  it('uploading a still answers which movie it comes from', async () => {
    await page.goto(`${base}/stills`);
    await page.waitForSelector('.barcodes li');
    // The still goes into a drop zone like the search page's poster slots: drop, paste or pick, one Tab stop.
    expect(await page.getAttribute('.stills-page .drop', 'aria-label')).toBe('Drop, paste or pick a film still');
    await page.setInputFiles('input[name=still]', join(STILLS, 'the-ring', '040.jpg'));
    await page.waitForSelector('ol.which li');
    expect(await page.$eval('ol.which li', (li) => (li as HTMLElement).dataset.id)).toBe('the-ring');
    expect(await page.$('.stills-page .drop.has-image img.preview[src^="blob:"]')).not.toBeNull();
    await page.screenshot({ path: join(artifacts, 'which-movie.png'), fullPage: true });
    // A file that is not an image is refused with a message naming it; the answer goes.
    await page.setInputFiles('input[name=still]', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a still') });
    await page.waitForFunction(() => document.querySelector('.stills-page .status')?.textContent?.includes('notes.txt is not an image'));
    expect(await page.$$('ol.which li')).toHaveLength(0);
    expect(await page.$('.stills-page .drop.has-image')).toBeNull();
  });

  it('maps every still: built by the CLI, served in columns, drawn as a 16:9 grid coloured by film and hue', async () => {
    const missing = await fetch(`${base}/api/stills/atlas`);
    expect([missing.status, ((await missing.json()) as { error: { code: string } }).error.code]).toEqual([404, 'no_atlas']);
    const built = runCli(['stills', 'atlas', '--db', db, '--json']);
    expect(built.code).toBe(0);
    const meta = JSON.parse(built.stdout) as { stills: number; sheets: number; k: number; grid: { cols: number; rows: number } };
    expect(meta.stills).toBe(720);
    const res = await fetch(`${base}/api/stills/atlas`);
    const map = (await res.json()) as { films: { id: string }[]; stills: Record<string, number[]> };
    expect(map.films.map((f) => f.id).sort()).toEqual(readdirSync(STILLS).filter((d) => statSync(join(STILLS, d)).isDirectory()).sort());
    for (const column of Object.values(map.stills)) expect(column).toHaveLength(720);
    expect(new Set(map.stills.cell).size).toBe(720);
    // The reply is cached by its build: the same build answers 304.
    expect((await fetch(`${base}/api/stills/atlas`, { headers: { 'if-none-match': res.headers.get('etag')! } })).status).toBe(304);
    const sheet = await fetch(`${base}/api/stills/atlas/sheets/0`);
    expect([sheet.status, sheet.headers.get('content-type')]).toEqual([200, 'image/jpeg']);
    expect((await fetch(`${base}/api/stills/atlas/sheets/${meta.sheets}`)).status).toBe(404);

    await page.goto(`${base}/stills`);
    await page.click('a[href="/stills/atlas"]');
    await page.waitForSelector('.atlas-stage[aria-busy="false"] canvas');
    expect(await page.textContent('.atlas-bar')).toContain(`720 stills of 9 films · ${meta.k} kinds of shot`);
    // Hovering the middle of the map names a film and a still.
    const box = (await (await page.$('.atlas-stage'))!.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForFunction(() => /· still \d+$/.test(document.querySelector('.atlas-tip')?.textContent ?? ''));
    await page.selectOption('select[aria-label="colour by"]', 'film');
    expect(await page.$$eval('.atlas-legend .legend-item', (items) => items.length)).toBe(9);
    expect(new URL(page.url()).searchParams.get('colour')).toBe('film');
    await page.selectOption('select[aria-label="colour by"]', 'hue');
    expect(await page.$$eval('.atlas-legend .legend-item', (items) => items.map((i) => i.textContent))).toContain('no hue (grey, dark)');
    await page.screenshot({ path: join(artifacts, 'stills-atlas.png') });
    // A click opens the film the still is from.
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForURL(/\/movie\/[^/]+$/);
    expect(map.films.map((f) => f.id)).toContain(decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!));
  });
});

describe('web app on a token-protected server', () => {
  it('asks for the token once, then searches and shows thumbnails', async () => {
    const token = 'e2e-token-0123456789abcdef';
    const guarded = await buildServer({ library, access: accessConfigFromEnv({ MARQUEE_TOKEN: token, MARQUEE_READ_ACCESS: 'token' }) });
    const url = await guarded.listen({ port: 0, host: '127.0.0.1' });
    const context = await browser.newContext();
    const tab = await context.newPage();
    let asked = 0;
    tab.on('dialog', (d) => {
      asked++;
      void d.accept(token);
    });
    try {
      await tab.goto(`${url}/?q=${encodeURIComponent('a haunted house, ghosts and a family in terror')}`);
      await tab.waitForSelector('.grid .card img');
      expect(asked).toBe(1);
      // Thumbnails load through the cookie (image requests carry no Authorization header).
      await tab.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.grid .card img')].slice(0, 3).every((i) => i.complete && i.naturalWidth > 0));
      expect((await context.cookies()).find((c) => c.name === 'marquee_token')?.value).toBe(token);
    } finally {
      await context.close();
      await guarded.close();
    }
  });
});


/** Contrast ratio of two CSS colours "rgb(r, g, b)" (WCAG). */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = c.match(/\d+(\.\d+)?/g)!.slice(0, 3).map((v) => {
      const x = Number(v) / 255;
      return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

describe('first hour of a new user (issue 14)', () => {
  it('without Chromium the browser tests fail at once, saying what to install', async () => {
    const started = performance.now();
    await expect(launchChromium('/nonexistent/chromium')).rejects.toThrow(/apt-get install chromium\).*MARQUEE_CHROMIUM/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('clearing the uploaded poster clears its results and the count', async () => {
    await page.goto(`${base}/`);
    await page.setInputFiles('#file-image', join(POSTERS, `${rows[17]!.id}.jpg`));
    await waitForResults();
    expect((await cardIds()).length).toBeGreaterThan(0);
    await page.click('.drop-wrap .clear >> nth=0');
    await page.waitForFunction(() => !document.querySelector('.grid .card'));
    expect((await page.textContent('.status'))!.trim()).toBe('');
    expect(new URL(page.url()).search).toBe('');
  });

  it('a file that is not an image is refused with an error: no stale results, no broken image', async () => {
    await page.goto(`${base}/?q=${encodeURIComponent('a haunted house')}`);
    await waitForResults();
    const notImage = join(tempDir(), 'notes.txt');
    writeFileSync(notImage, 'not a poster');
    await page.setInputFiles('#file-image', notImage);
    await page.waitForFunction(() => document.querySelector('.status')?.textContent?.startsWith('Error:'));
    expect(await page.textContent('.status')).toContain('notes.txt is not an image');
    expect(await page.$$('.grid .card')).toHaveLength(0);
    expect(await page.$('.drop.has-image')).toBeNull();
    // A file named like an image that the browser cannot decode: refused by the server, same outcome.
    const fake = join(tempDir(), 'fake.jpg');
    writeFileSync(fake, 'this is not a JPEG');
    await page.setInputFiles('#file-image', fake);
    await page.waitForFunction(() => document.querySelector('.status')?.textContent?.startsWith('Error:') && !document.querySelector('.drop.has-image'));
    expect(await page.$$('.grid .card')).toHaveLength(0);
  });

  it('switching the blend mode re-runs the search', async () => {
    await page.goto(`${base}/`);
    await page.setInputFiles('#file-image', join(POSTERS, `${rows[18]!.id}.jpg`));
    await waitForResults();
    let prev = await page.getAttribute('.results', 'data-render-ms');
    await page.setInputFiles('#file-image2', join(POSTERS, `${rows[60]!.id}.jpg`));
    await waitForResults(prev!);
    prev = await page.getAttribute('.results', 'data-render-ms');
    await page.selectOption('select[name=blend]', 'pixel');
    await waitForResults(prev!);
    expect(new URL(page.url()).searchParams.get('blend')).toBe('pixel');
  });

  it('"more like this" shows the query movie, and removing it clears the results', async () => {
    const q = rows[25]!;
    await page.goto(`${base}/?id=${encodeURIComponent(q.id!)}`);
    await waitForResults();
    await page.waitForFunction((t) => document.querySelector('.query-movie')?.textContent?.includes(t), q.title!);
    expect(await page.isVisible('.query-movie img')).toBe(true);
    await page.click('.query-movie .clear-query');
    await page.waitForFunction(() => !document.querySelector('.grid .card'));
    expect(await page.isVisible('.query-movie')).toBe(false);
  });

  it('every result shows one match measure, explained, for text and image queries alike', async () => {
    for (const url of [`/?q=${encodeURIComponent('a haunted house')}`, `/?id=${encodeURIComponent(rows[25]!.id!)}`]) {
      await page.goto(`${base}${url}`);
      await waitForResults();
      const metas = await page.$$eval('.grid .card-meta', (m) => m.map((x) => ({ text: x.textContent!, tip: x.querySelector('.match')?.getAttribute('title') ?? '', lines: x.getBoundingClientRect().height / parseFloat(getComputedStyle(x).fontSize) })));
      for (const m of metas) {
        expect(m.text).toMatch(/match \d{1,3}$/);
        expect(m.text).not.toContain('score');
        expect(m.tip).toMatch(/0 is an average movie of this library, 100 a perfect match/);
        // Year and match on one line (they used to wrap).
        expect(m.lines).toBeLessThan(2);
      }
    }
  });

  it('a typo\'d genre and a reversed year range are explained, not answered with nothing', async () => {
    const res = await fetch(`${base}/api/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'love', filters: { genres: ['Comdy'] } }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/unknown genre "Comdy" \(did you mean "Comedy"\?\).*Action/);
    await page.goto(`${base}/?q=love&y1=1999&y2=1980`);
    await page.waitForFunction(() => document.querySelector('.status')?.textContent?.includes('start is after end'));
    expect(await page.$$('.grid .card')).toHaveLength(0);
  });

  it('palette labels are readable on light and dark swatches', async () => {
    for (const r of [rows[25]!, rows[40]!, rows[90]!]) {
      await page.goto(`${base}/movie/${r.id}`);
      await page.waitForSelector('.palette .swatch');
      const pairs = await page.$$eval('.palette .swatch', (s) => s.map((x) => [getComputedStyle(x).color, getComputedStyle(x).backgroundColor] as [string, string]));
      for (const [fg, bg] of pairs) expect(contrast(fg, bg)).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('the pairs page names every poster, fits the viewport and keeps its badges inside their tiles', async () => {
    await page.setViewportSize({ width: 1366, height: 900 });
    try {
      await page.goto(`${base}/pairs`);
      await page.waitForSelector('.pair', { timeout: 120_000 });
      const titles = await page.$$eval('.pair .pair-title', (t) => t.map((x) => x.textContent!.trim()));
      expect(titles.length).toBeGreaterThan(10);
      for (const t of titles) expect(t.length).toBeGreaterThan(0);
      const alts = await page.$$eval('.pair img, .group img', (i) => i.map((x) => x.getAttribute('alt')!));
      for (const a of alts) expect(a).not.toMatch(/^poster \d+$/);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);
      const clipped = await page.$$eval('.pair.dup', (tiles) =>
        tiles.filter((t) => {
          const b = t.querySelector('.badge')!.getBoundingClientRect();
          const r = t.getBoundingClientRect();
          return b.right > r.right + 0.5 || b.bottom > r.bottom + 0.5;
        }).length,
      );
      expect(clipped).toBe(0);
      // The progress the page shows while they are computed comes from here.
      const status = (await (await fetch(`${base}/api/analyses/status`)).json()) as { pairs: Record<string, { state: string; done: number; total: number }> };
      expect(status.pairs.content).toMatchObject({ state: 'ready', done: rows.length, total: rows.length });
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('search results, pairs and borrowings export as CSV and JSON, from the CLI and from the pages as shown', async () => {
    const query = 'two detectives chase a killer through a rainy city';
    const cli = runCli(['search', '--db', db, '--text', query, '--csv']);
    expect(cli.code, cli.stderr).toBe(0);
    const cliRows = parse(cli.stdout, { columns: true }) as { rank: string; id: string; title: string }[];
    const json = JSON.parse(runCli(['search', '--db', db, '--text', query, '--json']).stdout) as { results: { id: string; title: string }[] };
    expect(cliRows.map((r) => [r.id, r.title])).toEqual(json.results.map((r) => [r.id, r.title]));
    const saved = async (key: string): Promise<{ name: string; body: string }> => {
      const [file] = await Promise.all([page.waitForEvent('download'), page.click(`.exports button[data-export="${key}"]`)]);
      return { name: file.suggestedFilename(), body: readFileSync((await file.path())!, 'utf8') };
    };
    await page.goto(`${base}/?q=${encodeURIComponent(query)}`);
    await waitForResults();
    const shown = await cardIds();
    const csv = await saved('csv');
    expect(csv.name).toBe('marquee-results.csv');
    expect((parse(csv.body, { columns: true }) as { id: string }[]).map((r) => r.id)).toEqual(shown);
    expect(((JSON.parse((await saved('json')).body) as { results: { id: string }[] }).results).map((r) => r.id)).toEqual(shown);
    // Pairs: the CLI's CSV and the page's are the same pairs.
    const pairsCli = parse(runCli(['pairs', '--db', db, '--k', '5', '--csv']).stdout, { columns: true }) as { a: string; b: string; score: string }[];
    expect(pairsCli).toHaveLength(5);
    await page.goto(`${base}/pairs`);
    await page.waitForSelector('.pairs .pair');
    const pagePairs = parse((await saved('csv')).body, { columns: true }) as { a: string; b: string }[];
    expect(pagePairs.slice(0, 5).map((p) => `${p.a}~${p.b}`)).toEqual(pairsCli.map((p) => `${p.a}~${p.b}`));
    // Borrowings: CSV from the CLI, JSON from the page.
    const borrowed = parse(runCli(['borrowings', '--db', db, '--k', '3', '--csv']).stdout, { columns: true }) as { from: string; to: string; from_year: string; to_year: string }[];
    expect(borrowed.length).toBeGreaterThan(0);
    for (const b of borrowed) expect(Number(b.from_year)).toBeLessThanOrEqual(Number(b.to_year));
    await page.goto(`${base}/borrowings`);
    await page.waitForSelector('.exports button[data-export="json"]', { timeout: 60_000 });
    const pageBorrowings = JSON.parse((await saved('json')).body) as { borrowings: { from: { id: string }; to: { id: string } }[] };
    expect(pageBorrowings.borrowings.slice(0, borrowed.length).map((b) => `${b.from.id}>${b.to.id}`)).toEqual(borrowed.map((b) => `${b.from}>${b.to}`));
  });

  it('`marquee pairs` prints titles and years, like `marquee dupes`', () => {
    const r = runCli(['pairs', '--db', db, '--k', '3']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(l).toMatch(/^content\s+\d\.\d{4}\s+.+ \(\d{4}\) \[.+\]\s+~\s+.+ \(\d{4}\) \[.+\]/);
  });

  it('atlas: distinct cluster labels, a sorted legend inside the viewport, sharp posters when zoomed, tooltip and app gone on leaving', async () => {
    await page.setViewportSize({ width: 1366, height: 900 });
    try {
      const atlas = (await (await fetch(`${base}/api/atlas`)).json()) as { meta: { clusters: { label: string }[] } };
      const labels = atlas.meta.clusters.map((c) => c.label);
      expect(new Set(labels).size).toBe(labels.length);
      await page.goto(`${base}/atlas`);
      await page.waitForSelector(ATLAS_READY);
      await page.selectOption('select[aria-label="colour by"]', 'decade');
      const legend = await page.$$eval('.atlas-legend .legend-item', (l) => l.map((x) => x.textContent!));
      const decades = legend.filter((d) => d !== 'unknown');
      expect(decades).toEqual([...decades].sort());
      const box = (await page.$eval('.atlas-legend', (l) => l.getBoundingClientRect().toJSON())) as DOMRect;
      expect(box.bottom).toBeLessThanOrEqual(900);
      // Zoomed in, visible posters get their thumbnails (sharper than the 64x96 sheet tiles). The
      // zoom goes towards a poster (focus centres it): what lies at the map's middle depends on the
      // layout, which moves with the floating point of the Node that built it (empty on Node 24.22).
      await page.goto(`${base}/atlas?focus=${encodeURIComponent(rows[10]!.id)}`);
      await page.waitForSelector(ATLAS_READY);
      const stage = (await page.$('.atlas-stage'))!;
      const b = (await stage.boundingBox())!;
      await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
      const sharpPoster = page.waitForRequest((r) => /\/api\/movies\/[^/]+\/(thumbnail|poster)$/.test(r.url()), { timeout: 20_000 });
      for (let i = 0; i < 6; i++) await page.mouse.wheel(0, -500);
      await sharpPoster;
      // The hover tooltip goes with a view switch.
      await page.mouse.move(b.x + b.width / 2 + 3, b.y + b.height / 2 + 3);
      await page.selectOption('select[aria-label=view]', 'grid');
      expect(await page.isVisible('.atlas-tip')).toBe(false);
      await page.click('nav a[href="/pairs"]');
      await page.waitForSelector('h1');
      expect(await page.evaluate(() => ({ canvases: document.querySelectorAll('canvas').length, tips: document.querySelectorAll('.atlas-tip').length }))).toEqual({ canvases: 0, tips: 0 });
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('keyboard and small screens: no focus ring on load, one Tab stop per drop zone, the whole nav at 390 px', async () => {
    await page.goto(`${base}/`);
    await page.waitForSelector('form.search');
    expect(await page.evaluate(() => document.activeElement === document.body || document.activeElement === document.documentElement)).toBe(true);
    expect(await page.$eval('main', (m) => getComputedStyle(m).outlineStyle)).toBe('none');
    const stops = await page.$$eval('.drop-wrap', (zones) => zones.map((z) => [...z.querySelectorAll<HTMLElement>('a, button, input, select, [tabindex]')].filter((e) => e.tabIndex >= 0 && e.offsetParent !== null).length));
    expect(stops).toEqual([1, 1]);
    await page.focus('.drop >> nth=0');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('drop'))).toBe(true);
    await page.setViewportSize({ width: 390, height: 800 });
    try {
      await page.goto(`${base}/`);
      const overflow = await page.$$eval('nav a', (links) => links.map((a) => a.getBoundingClientRect().right).filter((r) => r > 390).length);
      expect(overflow).toBe(0);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('the OpenAPI document describes the multipart bodies of every upload', async () => {
    const doc = (await (await fetch(`${base}/api/openapi.json`)).json()) as { paths: Record<string, { post?: { requestBody?: { content: Record<string, { schema: { properties: Record<string, { format?: string }>; required: string[] } }> } } }> };
    const files: Record<string, string> = { '/api/search/image': 'image', '/api/genres/predict': 'image', '/api/stills/which-movie': 'image', '/api/movies': 'poster', '/api/identify': 'image' };
    for (const [path, file] of Object.entries(files)) {
      const body = doc.paths[path]!.post!.requestBody!.content['multipart/form-data']!.schema;
      expect(body.properties[file]!.format).toBe('binary');
      expect(body.required).toContain(file);
    }
  });

  it('which movie: a poster (no film\'s frame) is reported as low confidence', async () => {
    await page.goto(`${base}/stills`);
    await page.waitForSelector('.barcodes li');
    await page.setInputFiles('input[name=still]', join(POSTERS, `${rows[3]!.id}.jpg`));
    await page.waitForSelector('ol.which li');
    expect(await page.textContent('.stills-page .status')).toMatch(/Low confidence/);
    await page.setInputFiles('input[name=still]', join(STILLS, 'the-ring', '040.jpg'));
    await page.waitForFunction(() => document.querySelector('.stills-page .status')?.textContent?.startsWith('Most likely'));
  });

  it('a library without a genre model trains one by itself; the movie page shows progress, never a command', async () => {
    const untrained = await openStore(untrainedDb, { create: false });
    const server = await buildServer({ library: untrained, trainGenres: true });
    const url = await server.listen({ port: 0, host: '127.0.0.1' });
    const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await tab.goto(`${url}/movie/${rows[25]!.id}`);
      await tab.waitForSelector('.genres');
      const hint = await tab.textContent('.genres');
      expect(hint).not.toMatch(/marquee |npx|npm /);
      // Predictions appear when the background training finishes (the page refreshes itself).
      await tab.waitForSelector('.gbar', { timeout: 180_000 });
      expect(await tab.evaluate(() => document.body.textContent!.includes('marquee genres'))).toBe(false);
      expect(((await (await fetch(`${url}/api/genres/status`)).json()) as { state: string }).state).toBe('ready');
    } finally {
      await tab.close();
      await server.close();
      await untrained.close();
    }
  }, 240_000);
});
