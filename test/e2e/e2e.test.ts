/** End-to-end in Debian's Chromium (playwright-core): the web app on a real server and library. Screenshots go to test-artifacts/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessConfigFromEnv } from '../../dist/server/access.js';
import { buildServer } from '../../dist/server/app.js';
import { openStore } from '../../dist/store/open-store.js';
import type { Store } from '../../dist/store/store.js';
import { makeCatalog, POSTERS, ROOT, runCli, spreadRows, tempDir } from '../helpers.js';

declare global {
  interface Window {
    __atlas?: { ready: boolean; points: number; scale(): number; screenPos(id: string): { x: number; y: number } | null; bench(ms: number): Promise<{ fps: number; p50: number; p95: number; frames: number }> };
  }
}

const rows = spreadRows(120, 8);
const STILLS = join(ROOT, '../shared/stills');
const db = join(tempDir(), 'lib.db');
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
  expect(runCli(['genres', 'train', '--db', db, '--folds', '3']).code).toBe(0);
  expect(runCli(['atlas', 'build', '--db', db]).code).toBe(0);
  expect(runCli(['index', '--stills', STILLS, '--db', db]).code).toBe(0);
  library = await openStore(db, { create: true });
  app = await buildServer({ library });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  browser = await chromium.launch({
    executablePath: process.env.MARQUEE_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
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
    await page.waitForFunction(() => {
      const img = document.querySelector('.why img') as HTMLImageElement | null;
      return !!img && img.complete && img.naturalWidth > 0;
    });
    await page.screenshot({ path: join(artifacts, 'movie.png'), fullPage: true });
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
    await page.waitForFunction(() => window.__atlas?.ready === true);
    await page.waitForTimeout(300);
    const stage = (await page.$('.atlas-stage'))!;
    const shot = await stage.screenshot({ path: join(artifacts, 'atlas.png') });
    const { data, info } = await sharp(shot).raw().toBuffer({ resolveWithObject: true });
    let lit = 0;
    for (let i = 0; i < data.length; i += info.channels) if (Math.abs(data[i]! - 0x0b) + Math.abs(data[i + 1]! - 0x0c) + Math.abs(data[i + 2]! - 0x10) > 30) lit++;
    expect(lit / (info.width * info.height)).toBeGreaterThan(0.02);
    const before = await page.evaluate(() => window.__atlas!.scale());
    const box = (await stage.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -600);
    await page.waitForTimeout(200);
    expect(await page.evaluate(() => window.__atlas!.scale())).toBeGreaterThan(before * 1.5);
    const zoomed = await stage.screenshot();
    expect(zoomed.equals(shot)).toBe(false);
    // In the grid view posters do not overlap: clicking one opens exactly that movie.
    await page.goto(`${base}/atlas?view=grid`);
    await page.waitForFunction(() => window.__atlas?.ready === true);
    await page.waitForTimeout(900);
    const id = rows[33]!.id!;
    const pos = (await page.evaluate((x) => window.__atlas!.screenPos(x), id))!;
    await page.mouse.click(pos.x, pos.y);
    await page.waitForURL(`**/movie/${id}`);
    await page.waitForSelector('.palette .swatch');
    expect(await page.textContent('h1')).toContain(rows[33]!.title!);
    // Leaving the atlas destroyed its WebGL application (no canvas, no ticker left behind).
    expect(await page.evaluate(() => ({ atlas: window.__atlas === undefined, canvases: document.querySelectorAll('canvas').length }))).toEqual({ atlas: true, canvases: 0 });
  });

  it('atlas frame times: the real library and 50,000 synthetic points (recorded, see test-artifacts)', async () => {
    await page.goto(`${base}/atlas`);
    await page.waitForFunction(() => window.__atlas?.ready === true);
    const real = await page.evaluate(() => window.__atlas!.bench(2000));
    await page.goto(`${base}/atlas?synthetic=50000`);
    await page.waitForFunction(() => window.__atlas?.ready === true, null, { timeout: 120_000 });
    expect(await page.evaluate(() => window.__atlas!.points)).toBe(50_000);
    const big = await page.evaluate(() => window.__atlas!.bench(2000));
    const stage = (await page.$('.atlas-stage'))!;
    const b = (await stage.boundingBox())!;
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    for (let i = 0; i < 8; i++) await page.mouse.wheel(0, -400);
    await page.waitForTimeout(300);
    const bigZoomed = await page.evaluate(() => window.__atlas!.bench(2000));
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
    await page.setInputFiles('input[name=still]', join(STILLS, 'the-ring', '040.jpg'));
    await page.waitForSelector('ol.which li');
    expect(await page.$eval('ol.which li', (li) => (li as HTMLElement).dataset.id)).toBe('the-ring');
    await page.screenshot({ path: join(artifacts, 'which-movie.png'), fullPage: true });
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

