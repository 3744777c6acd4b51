/**
 * `npm run bench -- ocr` (MARQUEE_BENCH_DB: a library whose posters have been read; otherwise the
 * catalog is indexed with the OCR pass first, ~35 min on 2 cores):
 * - OCR speed: CPU ms per poster on one thread, reading each poster at once and in two steps
 *   (title-sized lines, then the small print: the background jobs' way), measured poster by poster
 *   in turn so both see the same machine, with how many two-step readings equal the one-step one;
 *   posters/s with one reader per core;
 * - title recognition: share of read posters whose own film ranks first among the catalog's
 *   titles from OCR alone (all posters, and the 100-poster sample issue 13 names), and from the
 *   lines of title size only (what is known before the small-print job ran);
 * - identification of degraded copies of demo posters (crop, recolour, blur, 150 px, JPEG q20,
 *   DVD-style frame): R@1 / R@10 with the identity channel and without it, and the verdict's
 *   calibration (how often "this is film X" is right; how often a film outside the catalog is
 *   wrongly named, simulated by leaving the true film out of the ranking);
 * - hubs of the content channel before and after centring.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import sharp from 'sharp';
import { hubStats } from '../analysis/hubness.js';
import { evidenceOf, IDENTITY_THRESHOLD } from '../search/identify.js';
import { SearchEngine } from '../search/engine.js';
import type { SearchResult } from '../search/query.js';
import { defaultImageModel, refOf } from '../store/library-models.js';
import type { ModelRef } from '../store/types.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { OcrPool } from '../text/ocr-pool.js';
import { OCR_SETTINGS, ocrVersionKey, PosterOcr } from '../text/poster-ocr.js';
import { TitleMatcher } from '../text/title-matcher.js';
import { round } from './stats.js';

type Degrade = (img: sharp.Sharp, width: number, height: number) => sharp.Sharp;

/** The copies a user might bring of a catalog poster. */
export const DEGRADATIONS: Record<string, Degrade> = {
  crop: (img, w, h) => img.extract({ left: Math.round(w * 0.08), top: Math.round(h * 0.1), width: Math.round(w * 0.84), height: Math.round(h * 0.8) }),
  recolour: (img) => img.modulate({ saturation: 0.4, hue: 40, brightness: 1.1 }),
  blur: (img) => img.blur(2.5),
  small: (img) => img.resize(150),
  jpeg20: (img) => img.jpeg({ quality: 20 }),
  dvd: (img, w, h) =>
    img
      .resize(Math.round(w * 0.78), Math.round(h * 0.78))
      .extend({ top: Math.round(h * 0.14), bottom: Math.round(h * 0.08), left: Math.round(w * 0.11), right: Math.round(w * 0.11), background: '#101010' }),
};

export async function degrade(bytes: Buffer, how: Degrade): Promise<Buffer> {
  const meta = await sharp(bytes).metadata();
  return how(sharp(bytes), meta.width!, meta.height!).jpeg({ quality: 85 }).toBuffer();
}

const cpuMs = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

async function ocrSpeed(paths: string[]): Promise<Record<string, number>> {
  const ocr = await PosterOcr.load(1);
  const sample = paths.slice(0, 40);
  let atOnce = 0;
  let wall = 0;
  let titles = 0;
  let smallPrint = 0;
  let same = 0;
  for (const p of sample) {
    const bytes = readFileSync(p);
    let c = cpuMs();
    const t0 = performance.now();
    const whole = await ocr.readImage(bytes, p);
    wall += performance.now() - t0;
    atOnce += cpuMs() - c;
    c = cpuMs();
    const first = await ocr.readImage(bytes, p, 'later');
    titles += cpuMs() - c;
    c = cpuMs();
    const second = await ocr.readPending(bytes, p, first);
    smallPrint += cpuMs() - c;
    if (JSON.stringify(second) === JSON.stringify(whole)) same++;
  }
  await ocr.close();
  const n = sample.length;
  const threads = availableParallelism();
  const pool = OcrPool.start(threads);
  await pool.read(readFileSync(paths[0]!), paths[0]!); // workers load their models
  const t1 = performance.now();
  let next = 0;
  const poolSample = paths.slice(0, 80);
  await Promise.all(Array.from({ length: threads * 2 }, async () => {
    while (next < poolSample.length) {
      const p = poolSample[next++]!;
      await pool.read(readFileSync(p), p);
    }
  }));
  const poolRate = poolSample.length / ((performance.now() - t1) / 1000);
  await pool.close();
  return {
    posters: n,
    cpuMsPerPoster: round(atOnce / n, 0),
    wallMsPerPosterOneThread: round(wall / n, 0),
    cpuMsPerPosterTitlesFirst: round(titles / n, 0),
    cpuMsPerPosterSmallPrintLater: round(smallPrint / n, 0),
    twoStepReadingsEqualToOneStep: same,
    threads,
    postersPerSecond: round(poolRate, 2),
  };
}

async function titleRecognition(store: Store): Promise<Record<string, number>> {
  const rows = await store.movies.titleRows();
  const matcher = new TitleMatcher(rows);
  const readings = await store.posterText.all(ocrVersionKey());
  let first = 0;
  let top10 = 0;
  let titleSizedFirst = 0;
  let sampleFirst = 0;
  let sampleN = 0;
  readings.forEach((r, i) => {
    const m = matcher.match(r.lines, 10);
    const rank = m.findIndex((x) => x.key === r.key);
    if (rank === 0) first++;
    if (rank >= 0) top10++;
    // Before the small-print job: the lines of title size (a poster with almost no text is read whole at once; this counts it without its small print).
    if (matcher.match(r.lines.filter((l) => l.size >= OCR_SETTINGS.smallPrintBelow), 1)[0]?.key === r.key) titleSizedFirst++;
    if (i % 32 === 5 && sampleN < 100) {
      sampleN++;
      if (rank === 0) sampleFirst++;
    }
  });
  return { posters: readings.length, first: round(first / readings.length, 4), top10: round(top10 / readings.length, 4), sample100First: round(sampleFirst / Math.max(1, sampleN), 4), titleSizedLinesFirst: round(titleSizedFirst / readings.length, 4) };
}

interface Ranked {
  trueId: string;
  withIdentity: SearchResult[];
  imageOnly: SearchResult[];
}

async function degradedCopies(engine: SearchEngine, store: Store, n: number): Promise<Record<string, unknown>> {
  const ids = await store.movies.idsWithPoster(100_000);
  const step = Math.max(1, Math.floor(ids.length / n));
  const picked = ids.filter((_, i) => i % step === 3).slice(0, n);
  const ranked: Record<string, Ranked[]> = {};
  for (const [name, how] of Object.entries(DEGRADATIONS)) {
    ranked[name] = [];
    for (const id of picked) {
      const file = (await store.posters.mainFile(id))!;
      const image = { bytes: await degrade(readFileSync(file.path), how), source: `${id}-${name}` };
      const lines = await engine.embedder.readText(image);
      const withIdentity = await engine.search({ image, imageText: lines, k: 11 });
      const imageOnly = await engine.search({ image, imageText: lines, k: 10, weights: { content: 0.7, color: 0.15, layout: 0.15, identity: 0 } });
      ranked[name]!.push({ trueId: id, withIdentity, imageOnly });
    }
    process.stderr.write(`bench ocr: degraded copies, ${name} done\n`);
  }
  const recall = (list: Ranked[], pick: (r: Ranked) => SearchResult[], at: number): number => round(list.filter((r) => pick(r).slice(0, at).some((x) => x.id === r.trueId)).length / list.length, 4);
  const all = Object.values(ranked).flat();
  const per: Record<string, unknown> = {};
  for (const [name, list] of Object.entries(ranked))
    per[name] = { r1: recall(list, (r) => r.withIdentity, 1), r10: recall(list, (r) => r.withIdentity, 10), imageOnlyR1: recall(list, (r) => r.imageOnly, 1), imageOnlyR10: recall(list, (r) => r.imageOnly, 10) };
  // Verdicts: in the catalog (the real ranking) and out of it (the same ranking without the true film).
  let named = 0;
  let namedRight = 0;
  let outNamed = 0;
  for (const r of all) {
    const top = r.withIdentity[0];
    if (top && evidenceOf(top).confidence >= IDENTITY_THRESHOLD) {
      named++;
      if (top.id === r.trueId) namedRight++;
    }
    const without = r.withIdentity.filter((x) => x.id !== r.trueId)[0];
    if (without && evidenceOf(without).confidence >= IDENTITY_THRESHOLD) outNamed++;
  }
  return {
    posters: picked.length,
    queries: all.length,
    r1: recall(all, (r) => r.withIdentity, 1),
    r10: recall(all, (r) => r.withIdentity, 10),
    imageOnlyR1: recall(all, (r) => r.imageOnly, 1),
    imageOnlyR10: recall(all, (r) => r.imageOnly, 10),
    perDegradation: per,
    verdict: { threshold: IDENTITY_THRESHOLD, namedShare: round(named / all.length, 4), precisionWhenNamed: round(namedRight / Math.max(1, named), 4), wronglyNamedWhenAbsent: round(outNamed / all.length, 4) },
  };
}

async function hubs(store: Store, model: ModelRef, channel: string): Promise<Record<string, unknown>> {
  const entries = await store.vectors.load(channel, model);
  const movies = await store.movies.byKeys(entries.map((e) => e.key));
  const genres = entries.map((e) => movies.get(e.key)?.genres ?? []);
  const title = (i: number) => movies.get(entries[i]!.key)?.title ?? '?';
  const before = hubStats(entries.map((e) => e.vector), genres, 10, false);
  const after = hubStats(entries.map((e) => e.vector), genres, 10, true);
  const show = (s: typeof before) => ({ worstHub: `${title(s.worstHub.index)} (${s.worstHub.occurrences})`, top1PercentShare: round(s.top1PercentShare, 4), genreSharing: round(s.genreSharing, 4) });
  return { posters: entries.length, k: 10, before: show(before), centred: show(after) };
}

export async function benchOcr(db: string): Promise<Record<string, unknown>> {
  const store = await openStore(db, { create: false });
  try {
    const ids = await store.movies.idsWithPoster(400);
    const paths = (await Promise.all(ids.filter((_, i) => i % 4 === 1).map((id) => store.posters.mainFile(id)))).map((f) => f!.path);
    const out: Record<string, unknown> = {};
    const parts = new Set((process.env.MARQUEE_OCR_PARTS ?? 'speed,titles,copies,hubs').split(','));
    if (parts.has('speed')) {
      process.stderr.write('bench ocr: speed...\n');
      out.speed = await ocrSpeed(paths);
    }
    if (parts.has('titles')) out.titleRecognition = await titleRecognition(store);
    if (parts.has('hubs')) {
      process.stderr.write('bench ocr: hubs...\n');
      const model = (await defaultImageModel(store))!;
      out.hubs = await hubs(store, refOf(model), model.channel);
    }
    if (parts.has('copies')) {
      const engine = await SearchEngine.fromLibrary(store);
      try {
        out.degradedCopies = await degradedCopies(engine, store, Number(process.env.MARQUEE_BENCH_COPIES ?? 60));
      } finally {
        await engine.close();
      }
    }
    return out;
  } finally {
    await store.close();
  }
}
