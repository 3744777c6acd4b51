/**
 * Every page of the app, at a laptop size (1366×900) and a phone size (390×844), in Chromium:
 * no text below 4.5:1 contrast against what it is drawn on, no horizontal overflow, no console
 * error. Each finding is listed (page, size, element, numbers), so a failure says what to fix.
 *
 * Contrast is measured as WCAG 2 defines it: the text colour (with the opacity of it and its
 * ancestors) over the backgrounds of its ancestors composed in order. Text drawn over an image or a
 * gradient cannot be measured this way and is skipped, as are disabled controls (WCAG exempts them).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../dist/server/app.js';
import { openStore } from '../../dist/store/open-store.js';
import type { Store } from '../../dist/store/store.js';
import { launchChromium, makeCatalog, ROOT, runCli, spreadRows, tempDir } from '../helpers.js';

const STILLS = resolve(ROOT, '../shared/stills');
const rows = spreadRows(48, 3);
const stillsFilm = (parse(readFileSync(join(STILLS, 'movies.csv')), { columns: true }) as { slug: string }[])[0]!.slug;
const db = join(tempDir(), 'lib.db');
let app: FastifyInstance;
let library: Store;
let browser: Browser;
let base = '';

interface Finding {
  kind: 'contrast' | 'overflow';
  what: string;
}

/** Runs in the page: every text element's contrast below 4.5:1, and what sticks out past the viewport. */
function audit(): Finding[] {
  type Rgba = [number, number, number, number];
  const parseColour = (c: string): Rgba | null => {
    const srgb = /^color\(srgb ([\d.e-]+) ([\d.e-]+) ([\d.e-]+)(?: \/ ([\d.e-]+))?\)$/.exec(c);
    if (srgb) return [Number(srgb[1]) * 255, Number(srgb[2]) * 255, Number(srgb[3]) * 255, srgb[4] === undefined ? 1 : Number(srgb[4])];
    const m = /^rgba?\(([^)]+)\)$/.exec(c);
    if (!m) return null;
    const p = m[1]!.split(/[\s,/]+/).filter(Boolean).map(Number);
    return [p[0]!, p[1]!, p[2]!, p[3] ?? 1];
  };
  const over = (top: Rgba, under: Rgba): Rgba => [0, 1, 2].map((i) => top[i]! * top[3] + under[i]! * (1 - top[3])).concat(1) as Rgba;
  const luminance = (c: Rgba): number => {
    const [r, g, b] = [c[0], c[1], c[2]].map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a: Rgba, b: Rgba): number => {
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p) as [number, number];
    return (x + 0.05) / (y + 0.05);
  };
  const describeEl = (el: Element): string => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${[...el.classList].map((c) => `.${c}`).join('')} "${(el.textContent ?? '').trim().slice(0, 40)}"`;
  const findings: Finding[] = [];
  for (const el of document.body.querySelectorAll('*')) {
    const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '');
    if (!own || el.closest('svg, canvas, option, [disabled], [aria-hidden="true"]')) continue;
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0 || style.visibility !== 'visible') continue;
    let fg = parseColour(style.color);
    if (!fg) continue;
    // Backgrounds from the element up to the first opaque one; an image or gradient on the way: not measurable.
    const layers: Rgba[] = [];
    let opacity = 1;
    let measurable = true;
    for (let e: Element | null = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      opacity *= Number(s.opacity);
      if (s.backgroundImage !== 'none') {
        measurable = false;
        break;
      }
      const bg = parseColour(s.backgroundColor);
      if (bg && bg[3] > 0) {
        layers.push(bg);
        if (bg[3] >= 1) break;
      }
    }
    if (!measurable || opacity === 0) continue;
    let background: Rgba = [255, 255, 255, 1];
    for (const layer of layers.reverse()) background = over(layer, background);
    fg = [fg[0], fg[1], fg[2], fg[3] * opacity];
    const r = ratio(over(fg, background), background);
    if (r < 4.5) findings.push({ kind: 'contrast', what: `${describeEl(el)} ${r.toFixed(2)}:1 (${style.color} on rgb(${background.slice(0, 3).map(Math.round).join(',')}))` });
  }
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width + 1) {
    const wide = [...document.body.querySelectorAll('*')].filter((e) => e.getBoundingClientRect().right > width + 1 && !e.closest('.atlas-stage'));
    // The outermost elements that stick out (their children follow them).
    const outermost = wide.filter((e) => !wide.includes(e.parentElement!));
    findings.push({ kind: 'overflow', what: `page ${document.documentElement.scrollWidth} px wide in ${width}: ${outermost.slice(0, 4).map((e) => `${describeEl(e)} right ${Math.round(e.getBoundingClientRect().right)}`).join('; ')}` });
  }
  return findings;
}

/** Loads a page and waits for its data: network quiet, nothing still saying it loads. */
async function visit(page: Page, path: string): Promise<void> {
  await page.goto(`${base}${path}`);
  await page.waitForLoadState('networkidle', { timeout: 120_000 });
  await page.waitForFunction(() => !/Loading…|Searching…/.test(document.getElementById('app')?.textContent ?? ''), undefined, { timeout: 120_000 });
  await page.waitForTimeout(300);
}

beforeAll(async () => {
  expect(runCli(['index', makeCatalog(rows), '--stills', STILLS, '--no-ocr', '--db', db]).code).toBe(0);
  expect(runCli(['atlas', 'build', '--db', db]).code).toBe(0);
  library = await openStore(db, { create: false });
  app = await buildServer({ library });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
}, 900_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await library?.close();
});

describe('every page', () => {
  const pages = [
    '/',
    '/?q=a%20family%20moves%20into%20a%20haunted%20house',
    `/movie/${rows[5]!.id}`,
    `/movie/${stillsFilm}`,
    '/pairs',
    '/atlas',
    '/stills',
    '/films',
    '/trends',
    '/borrowings',
    '/poster-vs-film',
    '/jobs',
  ];

  it('the audit finds planted faults: grey on grey, a faded label, a box wider than the screen', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    try {
      await visit(page, '/');
      await page.evaluate(() => {
        const add = (html: string) => document.getElementById('app')!.insertAdjacentHTML('beforeend', html);
        add('<p id="grey" style="color:#777;background:#666">grey on grey</p>');
        add('<p id="faded" style="opacity:.3">faded label</p>');
        add('<div id="wide" style="width:900px">wide</div>');
      });
      const found = await page.evaluate(audit);
      expect(found.filter((f) => f.kind === 'contrast').map((f) => f.what.split(' ')[0])).toEqual(['p#grey', 'p#faded']);
      expect(found.filter((f) => f.kind === 'overflow').map((f) => f.what)).toEqual([expect.stringMatching(/div#wide "wide" right 9\d\d/)]);
    } finally {
      await page.close();
    }
  });

  for (const size of [{ width: 1366, height: 900 }, { width: 390, height: 844 }]) {
    it(`at ${size.width}×${size.height}: readable text, no horizontal overflow, no console error`, async () => {
      const page = await browser.newPage({ viewport: size });
      const findings: string[] = [];
      let current = '';
      page.on('console', (m) => {
        if (m.type() === 'error') findings.push(`${current}: console error: ${m.text()} (${m.location().url})`);
      });
      page.on('pageerror', (e) => findings.push(`${current}: page error: ${e.message}`));
      try {
        for (const path of pages) {
          current = path;
          await visit(page, path);
          for (const f of await page.evaluate(audit)) findings.push(`${path}: ${f.kind}: ${f.what}`);
        }
      } finally {
        await page.close();
      }
      expect(findings).toEqual([]);
    }, 600_000);
  }
});
