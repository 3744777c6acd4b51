/** Film stills on the real frames in ../shared/stills, plus generated frames of known colours. */
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, makeCatalog, ROOT, runCli, spreadRows, tempDir } from '../helpers.js';
import { buildServer } from '../../dist/server/app.js';
import { openStore } from '../../dist/store/open-store.js';
import { StillsMatcher } from '../../dist/stills/which-movie.js';

const STILLS = resolve(ROOT, '../shared/stills');
const films = (parse(readFileSync(join(STILLS, 'movies.csv')), { columns: true }) as { slug: string; title: string }[]).map((f) => f.slug);
const frames = (slug: string) => readdirSync(join(STILLS, slug)).filter((f) => f.endsWith('.jpg')).sort();
const totalStills = films.reduce((n, f) => n + frames(f).length, 0);
const db = join(tempDir(), 'stills.db');

type Summary = { model: string; total: number; movies: number; indexed: number; unchanged: number; failed: number; looksComputed: number; stillsPerSecond: number };
let first: Summary;

beforeAll(() => {
  const r = runCli(['index', '--stills', STILLS, '--db', db, '--json']);
  expect(r.code, r.stderr).toBe(0);
  first = jsonLines(r.stdout).at(-1) as unknown as Summary;
});

const json = <T>(args: string[]): T => {
  const r = runCli([...args, '--db', db, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
};

describe('stills of real films', () => {
  it('indexes every still, linked to its movie; a second run changes nothing', () => {
    expect(first).toMatchObject({ model: 'mobilenet-v2-1.4', total: totalStills, movies: films.length, indexed: totalStills, failed: 0, looksComputed: films.length });
    console.log(`stills indexed: ${first.stillsPerSecond} per second`);
    const again = jsonLines(runCli(['index', '--stills', STILLS, '--db', db, '--json']).stdout).at(-1) as unknown as Summary;
    expect(again).toMatchObject({ indexed: 0, unchanged: totalStills, looksComputed: 0 });
  });

  it(`which-movie leave-one-out top-1 is at least 0.60 (chance ${(1 / films.length).toFixed(2)})`, () => {
    const e = json<{ stills: number; movies: number; top1: number; top3: number; chance: number; excludeWindow: number }>(['stills', 'eval']);
    expect(e.stills).toBe(totalStills);
    expect(e.movies).toBe(films.length);
    expect(e.excludeWindow).toBe(2);
    expect(e.top1).toBeGreaterThanOrEqual(0.6);
    expect(e.top3).toBeGreaterThanOrEqual(e.top1);
    console.log(`which-movie top-1 ${e.top1}, top-3 ${e.top3}, chance ${e.chance}`);
  });

  it('barcodes have one column per still, in film order, each the still\'s average colour', async () => {
    for (const slug of [films[0]!, films[films.length - 1]!]) {
      const out = join(tempDir(), `${slug}.png`);
      const look = json<{ stills: number; barcode: string[] }>(['stills', 'look', slug, '--barcode', out]);
      const files = frames(slug);
      expect(look.stills).toBe(files.length);
      const { data, info } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
      expect(info.width).toBe(files.length);
      for (let x = 0; x < files.length; x++) {
        const hex = `#${[0, 1, 2].map((c) => data[x * info.channels + c]!.toString(16).padStart(2, '0')).join('')}`;
        expect(hex).toBe(look.barcode[x]);
        // Independently: the mean colour of the x-th frame file.
        const stats = await sharp(join(STILLS, slug, files[x]!)).stats();
        for (let c = 0; c < 3; c++) expect(Math.abs(data[x * info.channels + c]! - stats.channels[c]!.mean)).toBeLessThan(4);
      }
    }
  });

  it('looks: best first, symmetric, stable across runs', () => {
    type Looks = { movies: { id: string; title: string; score: number; parts: Record<string, number> }[] };
    const all = new Map(films.map((f) => [f, json<Looks>(['looks', f, '--k', '20'])]));
    for (const [id, r] of all) {
      expect(r.movies.map((m) => m.id).sort()).toEqual(films.filter((f) => f !== id).sort());
      for (let i = 1; i < r.movies.length; i++) expect(r.movies[i - 1]!.score).toBeGreaterThanOrEqual(r.movies[i]!.score);
      expect(Object.keys(r.movies[0]!.parts).sort()).toEqual(['chamfer', 'hsl', 'mean', 'palette', 'sequence']);
      for (const m of r.movies) {
        const back = all.get(m.id)!.movies.find((x) => x.id === id)!;
        expect(Math.abs(back.score - m.score)).toBeLessThan(1e-5);
      }
    }
    expect(json<Looks>(['looks', films[2]!, '--k', '20'])).toEqual(all.get(films[2]!));
  });

  it('past the ANN threshold, which-movie names the film the exact ranking names (each still as a query, a shortlist of 100)', async () => {
    const store = await openStore(db, { create: false });
    try {
      const stills = await store.stills.all();
      const exact = await StillsMatcher.prepare(stills, { annThreshold: Infinity });
      const ann = await StillsMatcher.prepare(stills, { annThreshold: 100, shortlist: 100 });
      expect([exact.approximate, ann.approximate]).toEqual([false, true]);
      let same = 0;
      for (const s of stills) if ((await exact.rank(s))[0]!.key === (await ann.rank(s))[0]!.key) same++;
      expect(same / stills.length).toBeGreaterThanOrEqual(0.99);
    } finally {
      await store.close();
    }
  });

  it('which-movie answers single and batch queries the same way', () => {
    const queries = films.slice(0, 4).map((f, i) => ({ qid: `q${i}`, image: join(STILLS, f, frames(f)[10 + i * 7]!) }));
    const file = join(tempDir(), 'queries.jsonl');
    writeFileSync(file, `${queries.map((q) => JSON.stringify(q)).join('\n')}\n`);
    const r = runCli(['which-movie', '--batch', file, '--k', '9', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    const lines = jsonLines(r.stdout) as { qid: string; movies: { id: string; title: string; score: number }[] }[];
    expect(lines.map((l) => l.qid)).toEqual(queries.map((q) => q.qid));
    for (const l of lines) {
      expect(l.movies).toHaveLength(films.length);
      for (let i = 1; i < l.movies.length; i++) expect(l.movies[i - 1]!.score).toBeGreaterThanOrEqual(l.movies[i]!.score);
    }
    const single = json<{ movies: { id: string }[] }>(['which-movie', '--image', queries[0]!.image, '--k', '9']);
    expect(single.movies).toEqual(lines[0]!.movies);
    // A still that is itself indexed is found in its own film.
    expect(single.movies[0]!.id).toBe(films[0]);
  });

  it('clusters every still once and places each in its own grid cell', () => {
    const c = json<{ grid: { cols: number; rows: number }; clusters: { size: number; label: string }[]; stills: { cluster: number; cell: [number, number] }[] }>(['stills', 'clusters']);
    expect(c.stills).toHaveLength(totalStills);
    expect(c.clusters.reduce((n, k) => n + k.size, 0)).toBe(totalStills);
    expect(new Set(c.stills.map((s) => s.cell.join(','))).size).toBe(totalStills);
    for (const s of c.stills) expect(s.cell[0] < c.grid.cols && s.cell[1] < c.grid.rows).toBe(true);
    for (const k of c.clusters) expect(k.label.length).toBeGreaterThan(3);
  });

  it('serves the kinds of shot as a stored analysis a job computed: the CLI\'s clustering, kept for the next server', async () => {
    const cli = json<unknown>(['stills', 'clusters']);
    const library = await openStore(db, { create: false });
    try {
      expect(await library.analyses.get('stills-clusters@1')).toBeUndefined();
      const app = await buildServer({ library });
      try {
        const res = await app.inject({ method: 'GET', url: '/api/stills/clusters' });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toEqual(cli);
      } finally {
        await app.close();
      }
      expect((await library.analyses.get('stills-clusters@1'))?.result).toEqual(cli);
    } finally {
      await library.close();
    }
    // A library of posters without stills says so (409), and enqueues nothing.
    const postersOnly = join(tempDir(), 'posters.db');
    expect(runCli(['index', makeCatalog(spreadRows(4, 5)), '--no-ocr', '--db', postersOnly]).code).toBe(0);
    const empty = await openStore(postersOnly, { create: false });
    const app = await buildServer({ library: empty, runJobs: false });
    try {
      const res = await app.inject({ method: 'GET', url: '/api/stills/clusters' });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ error: { code: 'no_stills' } });
      expect(await empty.jobs.list({ limit: 10 })).toEqual([]);
    } finally {
      await app.close();
      await empty.close();
    }
  });
});

describe('HSL statistics on generated frames of known colours', () => {
  it('computes hue shares, saturation, lightness, warm/cool balance and key exactly', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'known'));
    writeFileSync(join(dir, 'movies.csv'), 'slug,title,year\nknown,Known Colours,2000\n');
    const solid = (hex: string) => sharp({ create: { width: 320, height: 192, channels: 3, background: hex } }).png().toBuffer();
    const halves = await sharp({ create: { width: 320, height: 192, channels: 3, background: '#ffffff' } })
      .composite([{ input: await sharp({ create: { width: 160, height: 192, channels: 3, background: '#0000ff' } }).png().toBuffer(), left: 0, top: 0 }])
      .png()
      .toBuffer();
    writeFileSync(join(dir, 'known', '001.png'), await solid('#ff0000'));
    writeFileSync(join(dir, 'known', '002.png'), halves);
    writeFileSync(join(dir, 'known', '003.png'), await solid('#202020'));
    writeFileSync(join(dir, 'known', '004.png'), await solid('#ffff00'));
    const lib = join(tempDir(), 'known.db');
    expect(runCli(['index', '--stills', dir, '--db', lib]).code).toBe(0);
    const r = runCli(['stills', 'look', 'known', '--db', lib, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const look = JSON.parse(r.stdout) as {
      barcode: string[];
      palette: { name: string; share: number }[];
      hsl: { hueDistribution: { hue: number; share: number }[]; chromaticShare: number; saturation: { mean: number }; lightness: { mean: number }; warmCoolBalance: number; lowKeyShare: number; highKeyShare: number };
    };
    // Within 0.02: resizing blends a column of pixels at the blue/white edge.
    const near = (actual: number, expected: number) => expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThan(0.02);
    const share = (hue: number) => look.hsl.hueDistribution.find((h) => h.hue === hue)!.share;
    // Chromatic frame-units: red 1, blue 0.5, yellow 1 (white and dark grey have no hue).
    near(share(0), 0.4);
    near(share(240), 0.2);
    near(share(60), 0.4);
    near(look.hsl.chromaticShare, 2.5 / 4);
    near(look.hsl.saturation.mean, (1 + 0.5 + 0 + 1) / 4);
    near(look.hsl.lightness.mean, (0.5 + 0.75 + 0.125 + 0.5) / 4);
    near(look.hsl.warmCoolBalance, (0.5 - 0.125) / (0.5 + 0.125));
    near(look.hsl.lowKeyShare, 0.25);
    near(look.hsl.highKeyShare, 0.125);
    expect(look.barcode[0]).toBe('#ff0000');
    expect(look.barcode[2]).toBe('#202020');
    expect(look.barcode[3]).toBe('#ffff00');
    expect(look.palette.map((p) => p.name)).toEqual(expect.arrayContaining(['red', 'yellow']));
  });
});

describe('faces on stills (--faces)', () => {
  it('scans stills incrementally and reports how much of a film shows people and close-ups', () => {
    const dir = tempDir();
    const picked = ['010', '020', '030', '040', '050', '060'].map((n) => `whiplash/${n}.jpg`);
    writeFileSync(join(dir, 'stills.csv'), `file,movie_id,timestamp,title\n${picked.map((f, i) => `${f},whiplash,${i * 30},Whiplash`).join('\n')}\n`);
    symlinkSync(join(STILLS, 'whiplash'), join(dir, 'whiplash'));
    const lib = join(tempDir(), 'faces.db');
    const first = runCli(['index', '--stills', dir, '--faces', '--db', lib, '--json']);
    expect(first.code, first.stderr).toBe(0);
    const summary = jsonLines(first.stdout).at(-1) as { total: number; faces: { scanned: number; faces: number; failed: number } };
    expect(summary.total).toBe(picked.length);
    expect(summary.faces).toMatchObject({ scanned: picked.length, failed: 0 });
    const again = jsonLines(runCli(['index', '--stills', dir, '--faces', '--db', lib, '--json']).stdout).at(-1) as typeof summary;
    expect(again.faces.scanned).toBe(0);
    const look = JSON.parse(runCli(['stills', 'look', 'whiplash', '--db', lib, '--json']).stdout) as { faces: { scanned: number; withFaces: number; closeUps: number; meanFaces: number } };
    expect(look.faces.scanned).toBe(picked.length);
    expect(look.faces.meanFaces * picked.length).toBeCloseTo(summary.faces.faces, 2);
    expect(look.faces.closeUps).toBeLessThanOrEqual(look.faces.withFaces);
    expect(look.faces.withFaces).toBeGreaterThan(0); // a drama about a drummer: people on screen
    // Without --faces nothing is scanned and the look says so.
    const plain = join(tempDir(), 'plain.db');
    expect(runCli(['index', '--stills', dir, '--db', plain]).code).toBe(0);
    expect((JSON.parse(runCli(['stills', 'look', 'whiplash', '--db', plain, '--json']).stdout) as { faces: { scanned: number } }).faces.scanned).toBe(0);
  });
});
