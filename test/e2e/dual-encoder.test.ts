/**
 * Bring-your-own CLIP, end to end on both engines, with the tiny dual encoder the testkit writes
 * (real ONNX towers, CLIP's real tokenizer and vocabulary): a text query finds posters by what
 * they show (the `visual` channel), the atlas names clusters by their best prompt, and a broken
 * text tower is refused before anything is indexed.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../dist/store/open-store.js';
import type { SearchResult } from '../../dist/search/query.js';
import { writeTinyDualEncoder } from '../../src/models/tiny-dual-encoder.testkit.js';
import { ENGINES, freshLibrary, type TestLibrary } from '../engines.js';
import { makeCatalog, POSTERS, runCli, spreadRows, tempDir } from '../helpers.js';

const rows = spreadRows(40, 11);
const catalog = makeCatalog(rows);
const modelDir = tempDir('marquee-tiny-clip-');
const manifest = writeTinyDualEncoder(modelDir);
const MODEL = { id: 'tiny-clip', version: '1', dimension: 8 };
const CHANNEL = 'content:tiny-clip';

/** Share of red in a stored tiny-clip vector ([r, g, b, 0, …]): its cosine with the "red" axis. */
const redness = (v: Float32Array) => v[0]! / Math.hypot(v[0]!, v[1]!, v[2]!);

async function storedVectors(db: string): Promise<Map<string, Float32Array>> {
  const store = await openStore(db, { create: false });
  try {
    const entries = await store.vectors.load(CHANNEL, MODEL);
    const movies = await store.movies.byKeys(entries.map((e) => e.key));
    return new Map(entries.map((e) => [movies.get(e.key)!.id, e.vector]));
  } finally {
    await store.close();
  }
}

describe.each(ENGINES)('a brought dual encoder on %s', (engine) => {
  let library: TestLibrary;

  beforeAll(async () => {
    library = await freshLibrary(engine);
    const r = runCli(['index', catalog, '--no-ocr', '--no-text', '--db', library.db, '--model', 'mobilenet-v2-1.4', '--model', manifest]);
    expect(r.code, r.stderr).toBe(0);
  });

  afterAll(async () => {
    await library.drop();
  });

  it('stores the image tower\'s vectors of what the posters really look like', async () => {
    const vectors = await storedVectors(library.db);
    expect(vectors.size).toBe(rows.length);
    const id = rows[4]!.id!;
    // The tower averages the 16x16 squashed poster: the mean colour, computed here independently.
    const { data } = await sharp(join(POSTERS, `${id}.jpg`)).rotate().removeAlpha().resize(16, 16, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
    const mean = [0, 1, 2].map((c) => data.filter((_, i) => i % 3 === c).reduce((a, b) => a + b, 0));
    const v = vectors.get(id)!;
    const cos = (mean[0]! * v[0]! + mean[1]! * v[1]! + mean[2]! * v[2]!) / (Math.hypot(...mean) * Math.hypot(v[0]!, v[1]!, v[2]!));
    expect(cos).toBeGreaterThan(0.999);
  });

  it('finds posters by what they show: "red" ranks the reddest first, through the visual channel', async () => {
    const r = runCli(['search', '--db', library.db, '--text', 'something RED!', '--k', '8', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const results = (JSON.parse(r.stdout) as { results: SearchResult[] }).results;
    // The visual retriever is one of the text side's retrievers (fused by rank with words in titles and synopses).
    expect(Object.keys(results[0]!.scores)).toEqual(['text']);
    const vectors = await storedVectors(library.db);
    const byRedness = [...vectors].sort((a, b) => redness(b[1]) - redness(a[1]) || a[0].localeCompare(b[0])).map(([id]) => id);
    // Results found by what they show alone (no word of the query in their text) come in order of redness, the reddest first.
    const shown = results.filter((x) => !x.fields?.length && !x.phrase).map((x) => x.id);
    expect(shown.length).toBeGreaterThanOrEqual(4);
    expect(shown[0]).toBe(byRedness.find((id) => shown.includes(id) || !results.some((x) => x.id === id)));
    expect(shown).toEqual([...shown].sort((a, b) => byRedness.indexOf(a) - byRedness.indexOf(b)));
    const blue = (JSON.parse(runCli(['search', '--db', library.db, '--text', 'blue', '--k', '8', '--json']).stdout) as { results: SearchResult[] }).results;
    expect(blue[0]!.id).not.toBe(results[0]!.id);
  });

  it('labels atlas clusters with the prompt their posters score best on', async () => {
    const prompts = join(tempDir(), 'prompts.txt');
    writeFileSync(prompts, '# colours\na red poster\na green poster\na blue poster\n');
    const r = runCli(['atlas', 'build', '--db', library.db, '--k', '3', '--no-tsne', '--prompts', prompts, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const meta = JSON.parse(r.stdout) as { clusters: { id: number; shows?: { prompt: string; p: number } }[] };
    const store = await openStore(library.db, { create: false });
    const points = await store.atlas.loadPoints('content');
    const vectors = new Map((await store.vectors.load(CHANNEL, MODEL)).map((e) => [e.key, e.vector]));
    await store.close();
    for (const c of meta.clusters) {
      // The truth: the colour axis the members' mean (unit) vector leans to most.
      const mean = [0, 0, 0];
      for (const p of points.filter((x) => x.cluster === c.id)) {
        const v = vectors.get(p.key)!;
        const n = Math.hypot(v[0]!, v[1]!, v[2]!);
        for (let i = 0; i < 3; i++) mean[i]! += v[i]! / n;
      }
      const axis = mean.indexOf(Math.max(...mean));
      expect(c.shows?.prompt).toBe(['a red poster', 'a green poster', 'a blue poster'][axis]);
      expect(c.shows!.p).toBeGreaterThan(0.33);
    }
  });

  it('refuses a text tower that cannot run, before anything is indexed', async () => {
    const broken = tempDir('marquee-broken-clip-');
    const brokenManifest = writeTinyDualEncoder(broken, { id: 'broken-clip' });
    copyFileSync(join(POSTERS, `${rows[0]!.id}.jpg`), join(broken, 'textual.onnx')); // not an ONNX graph
    const before = runCli(['info', '--db', library.db, '--json']).stdout;
    const r = runCli(['index', catalog, '--no-ocr', '--no-text', '--db', library.db, '--model', 'mobilenet-v2-1.4', '--model', manifest, '--model', brokenManifest]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/broken-clip\.json: /);
    expect(runCli(['info', '--db', library.db, '--json']).stdout).toBe(before);
  });
});
