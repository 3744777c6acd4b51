/**
 * Several image models in one library, each ranked by its own metric (issue 15), on real posters
 * and the real bundled models, on both engines: adding a model keeps the others' vectors, queries
 * name their model, an unnormalised l2 model and a cosine one rank as specified (checked against
 * brute force over the stored vectors), and bad manifests or conflicting ids change nothing.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../dist/server/app.js';
import { ensureMobilenetOnnx, MOBILENET_PREPROCESSING } from '../../dist/models/mobilenet-v2.js';
import { modelCacheDir } from '../../dist/models/registry.js';
import { openStore } from '../../dist/store/open-store.js';
import type { SearchResult } from '../../dist/search/query.js';
import { similarity, type Metric } from '../../dist/util/metric.js';
import { ENGINES, freshLibrary, type TestLibrary } from '../engines.js';
import { launchChromium, makeCatalog, runCli, spreadRows, tempDir } from '../helpers.js';

const rows = spreadRows(24, 5);
const catalog = makeCatalog(rows);
const dir = tempDir('marquee-manifests-');

/** A manifest of the bundled MobileNet weights with another id, metric and normalisation. */
function manifest(name: string, fields: Record<string, unknown>, fileName = name): string {
  const file = join(dir, `${fileName}.json`);
  writeFileSync(file, JSON.stringify({ id: name, version: '1', dimension: 1792, weights: ensureMobilenetOnnx(modelCacheDir()), input: MOBILENET_PREPROCESSING, ...fields }));
  return file;
}

const l2Raw = manifest('mobilenet-l2-raw', { metric: 'l2', normalize: false });
const cosineRaw = manifest('mobilenet-cos-raw', { metric: 'cosine', normalize: false });
// Content alone, no hub correction: the ranking is the metric's own.
const contentOnly = ['--weights', 'content=1'];
const env = { MARQUEE_HUB_CORRECTION: 'off' };

function search(db: string, args: string[], withEnv: Record<string, string> = env): SearchResult[] {
  const r = runCli(['search', '--db', db, '--json', ...args], withEnv);
  if (r.code !== 0) throw new Error(`search failed (${r.code}): ${r.stderr}`);
  return (JSON.parse(r.stdout) as { results: SearchResult[] }).results;
}

/** Brute force over the stored vectors of a channel: ids nearest to `id` by `metric`. */
async function bruteForce(db: string, channel: string, model: { id: string; version: string; dimension: number }, id: string, metric: Metric, k: number): Promise<string[]> {
  const store = await openStore(db, { create: false });
  try {
    const entries = await store.vectors.load(channel, model);
    const key = (await store.movies.keyOf(id))!;
    const q = entries.find((e) => e.key === key)!.vector;
    const ranked = entries.filter((e) => e.key !== key).map((e) => ({ key: e.key, s: similarity(metric, q, e.vector) })).sort((a, b) => b.s - a.s || a.key - b.key);
    const movies = await store.movies.byKeys(ranked.slice(0, k).map((r) => r.key));
    return ranked.slice(0, k).map((r) => movies.get(r.key)!.id);
  } finally {
    await store.close();
  }
}

async function contentVector(db: string, id: string): Promise<number[]> {
  const store = await openStore(db, { create: false });
  try {
    const models = JSON.parse((await store.library.getMeta('image_models'))!) as { id: string; version: string; dimension: number; channel: string }[];
    const m = models.find((x) => x.channel === 'content')!;
    return Array.from((await store.vectors.get((await store.movies.keyOf(id))!, 'content', m))!);
  } finally {
    await store.close();
  }
}

describe.each(ENGINES)('image models and metrics on %s', (engine) => {
  let library: TestLibrary;

  beforeAll(async () => {
    library = await freshLibrary(engine);
    const r = runCli(['index', catalog, '--no-ocr', '--no-text', '--db', library.db, '--json']);
    expect(r.code, r.stderr).toBe(0);
  });

  afterAll(async () => {
    await library.drop();
  });

  it('adds a second model without re-embedding the first, and queries name their model', async () => {
    const before = await contentVector(library.db, rows[3]!.id!);
    const r = runCli(['index', catalog, '--no-ocr', '--no-text', '--db', library.db, '--model', 'mobilenet-v2-1.4', '--model', 'inception-v3', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(await contentVector(library.db, rows[3]!.id!)).toEqual(before);
    const info = JSON.parse(runCli(['info', '--db', library.db, '--json']).stdout) as { imageModels: { id: string; channel: string; metric: string }[] };
    expect(info.imageModels.map((m) => [m.id, m.channel, m.metric])).toEqual([['mobilenet-v2-1.4', 'content', 'cosine'], ['inception-v3', 'content:inception-v3', 'cosine']]);
    const id = rows[3]!.id!;
    const byDefault = search(library.db, ['--id', id, '--k', '8', ...contentOnly]);
    const byInception = search(library.db, ['--id', id, '--k', '8', '--model', 'inception-v3', ...contentOnly]);
    expect(byInception.map((x) => x.id)).not.toEqual(byDefault.map((x) => x.id));
    // An unknown model is a clear error naming the library's models.
    const bad = runCli(['search', '--db', library.db, '--id', id, '--model', 'vgg16']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/holds no vectors of image model "vgg16": it holds "mobilenet-v2-1.4", "inception-v3"/);
    // Naming only the new model would forget the first: refused, nothing changes.
    const forget = runCli(['index', catalog, '--no-ocr', '--no-text', '--db', library.db, '--model', 'inception-v3']);
    expect(forget.code).not.toBe(0);
    expect(forget.stderr).toMatch(/also holds vectors of "mobilenet-v2-1.4": name it with --model .* or pass --drop-model mobilenet-v2-1.4/);
    expect(await contentVector(library.db, rows[3]!.id!)).toEqual(before);
  });

  it('an unnormalised l2 model and a cosine one rank differently, each by its own metric', async () => {
    const r = runCli(['index', catalog, '--no-ocr', '--no-text', '--db', library.db, '--model', 'mobilenet-v2-1.4', '--model', 'inception-v3', '--model', l2Raw, '--model', cosineRaw, '--json']);
    expect(r.code, r.stderr).toBe(0);
    let differ = 0;
    for (const row of rows.slice(0, 6)) {
      const id = row.id!;
      const l2 = search(library.db, ['--id', id, '--k', '10', '--model', 'mobilenet-l2-raw', ...contentOnly]).map((x) => x.id);
      const cos = search(library.db, ['--id', id, '--k', '10', '--model', 'mobilenet-cos-raw', ...contentOnly]).map((x) => x.id);
      expect(l2).toEqual(await bruteForce(library.db, 'content:mobilenet-l2-raw', { id: 'mobilenet-l2-raw', version: '1', dimension: 1792 }, id, 'l2', 10));
      expect(cos).toEqual(await bruteForce(library.db, 'content:mobilenet-cos-raw', { id: 'mobilenet-cos-raw', version: '1', dimension: 1792 }, id, 'cosine', 10));
      if (l2.join() !== cos.join()) differ++;
    }
    expect(differ).toBeGreaterThan(0);
    // Closest pairs honour the metric too: the l2 model's best pair is the pair at the smallest distance.
    const pairs = JSON.parse(runCli(['pairs', '--db', library.db, '--model', 'mobilenet-l2-raw', '--k', '1', '--json'], env).stdout) as { pairs: { a: string; b: string; score: number; model: string }[] };
    expect(pairs.pairs[0]!.model).toBe('mobilenet-l2-raw');
    expect(pairs.pairs[0]!.score).toBeLessThan(0); // negative distance
    const nearestOfA = await bruteForce(library.db, 'content:mobilenet-l2-raw', { id: 'mobilenet-l2-raw', version: '1', dimension: 1792 }, pairs.pairs[0]!.a, 'l2', 1);
    expect(nearestOfA).toEqual([pairs.pairs[0]!.b]);
  });

  it('bad manifests and a reused id with other weights are clear errors that index nothing', async () => {
    const before = JSON.parse(runCli(['info', '--db', library.db, '--json']).stdout) as { imageModels: unknown[]; vectors: unknown[] };
    const all = ['--model', 'mobilenet-v2-1.4', '--model', 'inception-v3', '--model', l2Raw, '--model', cosineRaw];
    const cases: [string, RegExp][] = [
      [manifest('missing-weights', { weights: './nowhere.onnx' }), /missing-weights\.json: weights file .*nowhere\.onnx does not exist/],
      [manifest('wrong-dimension', { dimension: 100 }), /wrong-dimension\.json: produced 1792-d vectors, manifest says 100/],
      [manifest('odd-metric', { metric: 'manhattan' }), /odd-metric\.json: metric must be one of cosine, l2, dot/],
      [manifest('mobilenet-l2-raw', { version: '2', metric: 'l2', normalize: false }, 'same-id-other-weights'), /"mobilenet-l2-raw" is already in library .* with other weights \(version 1, now 2\)/],
    ];
    for (const [file, message] of cases) {
      const args = file.endsWith('same-id-other-weights.json') ? ['--model', 'mobilenet-v2-1.4', '--model', 'inception-v3', '--model', file, '--model', cosineRaw] : [...all, '--model', file];
      const r = runCli(['index', catalog, '--no-ocr', '--no-text', '--db', library.db, ...args]);
      expect(r.code, file).not.toBe(0);
      expect(r.stderr).toMatch(message);
    }
    const after = JSON.parse(runCli(['info', '--db', library.db, '--json']).stdout) as { imageModels: unknown[]; vectors: unknown[] };
    expect(after.imageModels).toEqual(before.imageModels);
    expect(after.vectors).toEqual(before.vectors);
  });
});

describe('the web app with two image models', () => {
  const db = join(tempDir(), 'two-models.db');
  let app: FastifyInstance;
  let browser: Browser;
  let base = '';
  let store: Awaited<ReturnType<typeof openStore>>;

  beforeAll(async () => {
    const r = runCli(['index', catalog, '--no-ocr', '--no-text', '--db', db, '--model', 'mobilenet-v2-1.4', '--model', 'inception-v3']);
    expect(r.code, r.stderr).toBe(0);
    store = await openStore(db, { create: false });
    app = await buildServer({ library: store });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await store?.close();
  });

  it('lists the models, picks one, and compares them side by side on one query', async () => {
    const listed = (await (await fetch(`${base}/api/models`)).json()) as { models: { id: string; default: boolean }[] };
    expect(listed.models.map((m) => [m.id, m.default])).toEqual([['mobilenet-v2-1.4', true], ['inception-v3', false]]);
    const id = rows[5]!.id!;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${base}/?id=${encodeURIComponent(id)}&m=*compare`);
    await page.waitForSelector('.compare-col .card');
    const columns = await page.$$eval('.compare-col', (cols) => cols.map((c) => ({ model: (c as HTMLElement).dataset.model, ids: [...c.querySelectorAll('.card')].map((x) => (x as HTMLElement).dataset.id) })));
    expect(columns.map((c) => c.model)).toEqual(['mobilenet-v2-1.4', 'inception-v3']);
    // Each column is that model's own ranking, as the CLI gives it.
    for (const c of columns) {
      const cli = search(db, ['--id', id, '--k', '24', ...(c.model === 'inception-v3' ? ['--model', 'inception-v3'] : [])], {}).map((x) => x.id);
      expect(c.ids).toEqual(cli);
    }
    expect(columns[0]!.ids).not.toEqual(columns[1]!.ids);
    // Picking one model: one grid, that model's results, and the URL keeps the choice.
    await page.selectOption('select[name=m]', 'inception-v3');
    await page.waitForFunction(() => !document.querySelector('.compare') && !!document.querySelector('.results .grid .card'));
    const single = await page.$$eval('.results .grid .card', (cards) => cards.map((c) => (c as HTMLElement).dataset.id));
    expect(single).toEqual(columns[1]!.ids);
    expect(new URL(page.url()).searchParams.get('m')).toBe('inception-v3');
    await page.close();
  });
});
