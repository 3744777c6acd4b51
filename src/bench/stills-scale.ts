/**
 * `npm run bench -- stills-scale`: the stills path at the size of the project Marquee grew from
 * (issue 30: 132,617 stills of 2,147 films, about 62 a film, 224×126 px).
 *
 * The catalog is made from the demo frames (../shared/stills, 9 films × 80): synthetic film f is
 * demo film f mod 9 under a look of its own (crop window, mirror, hue turn, brightness and
 * saturation), and each of its stills one of that film's frames with a small jitter of its own
 * (a few pixels of crop, a re-encode at another JPEG quality), written once as 224×126 JPEGs to a
 * cache folder outside the repository (MARQUEE_BENCH_STILLS_CACHE, else the temp folder; reused
 * while the generator, sizes and demo frames are the same). Then, on a fresh SQLite library:
 * indexing through the normal path (stills/s), which-movie on held-out jitters of the demo frames
 * (p50/p99, and the time to prepare the matcher the first query waits for), films like 20 films
 * (p50/p99, and how many of the full comparison's 20 best the candidate step keeps), RSS after
 * the queries, bytes per still on disk; then the stills map: its build (seconds per stage), a
 * second build with nothing new (the incremental path), the size of GET /api/stills/atlas, and
 * in Chromium (when installed) the time until the map shows and the frame rate while it is
 * dragged, fitted and zoomed in.
 *
 * MARQUEE_BENCH_STILLS_DB keeps the library there (indexing skips stills already in it, as an
 * index run does), so a later run measures the map and queries without indexing again.
 * MARQUEE_BENCH_STILLS_ENGINE=pglite runs it on PostgreSQL with pgvector as this machine has it:
 * PGlite (WebAssembly) in the bench's own process, so its work counts in every time and its
 * memory in the RSS; the stored which-movie match is prepared after indexing (as its job would)
 * and which-movie and looks rank in the database.
 * Sizes: MARQUEE_BENCH_STILLS_N stills (default 132,617) over MARQUEE_BENCH_STILLS_FILMS films
 * (default 2,147); MARQUEE_BENCH_STILLS_GENERATE_ONLY=1 only writes the catalog. Which film a query frame is can not be scored here (2,147 films share 9
 * sources): accuracy is measured on the demo stills (`marquee stills eval`), this measures cost.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { loadImageModel } from '../models/registry.js';
import { SearchEngine } from '../search/engine.js';
import { indexStills } from '../stills/index-stills.js';
import { LOOK_CANDIDATES, loadMovieStills, similarLooks } from '../stills/looks.js';
import { StillsService } from '../stills/service.js';
import { StillsMatcher } from '../stills/which-movie.js';
import { buildStillsAtlas } from '../stills/stills-atlas.js';
import { buildServer } from '../server/app.js';
import { openStore } from '../store/open-store.js';
import { startPglite } from '../store/postgres/pglite-server.js';
import { openPostgresStore } from '../store/postgres/postgres-store.js';
import { prepareStoredMatch } from '../stills/stored-match.js';
import type { Store } from '../store/store.js';
import { seededRandom } from '../util/random.js';
import { percentile, round } from './stats.js';

const GENERATOR_VERSION = 1;
const WIDTH = 224;
const HEIGHT = 126;
const QUERIES = 45;
const LOOK_QUERIES = 20;

interface DemoFilm {
  slug: string;
  frames: string[];
}

function demoFilms(folder: string): DemoFilm[] {
  return readdirSync(folder)
    .filter((d) => statSync(join(folder, d)).isDirectory())
    .sort()
    .map((slug) => ({ slug, frames: readdirSync(join(folder, slug)).filter((f) => f.endsWith('.jpg')).sort().map((f) => join(folder, slug, f)) }))
    .filter((f) => f.frames.length > 0);
}

interface Look {
  mirror: boolean;
  hue: number;
  brightness: number;
  saturation: number;
  /** Crop window: share of the frame kept, and where it starts (0..1 of the slack). */
  keep: number;
  x: number;
  y: number;
}

function lookOf(random: () => number): Look {
  return { mirror: random() < 0.5, hue: Math.round(random() * 60 - 30), brightness: 0.8 + random() * 0.4, saturation: 0.7 + random() * 0.6, keep: 0.75 + random() * 0.25, x: random(), y: random() };
}

/** One still: a frame under its film's look, moved by a few pixels, encoded at `quality`. */
async function render(frame: Buffer, look: Look, jitter: { dx: number; dy: number; quality: number }): Promise<Buffer> {
  const image = sharp(frame);
  const { width = WIDTH, height = HEIGHT } = await image.metadata();
  const w = Math.max(16, Math.round(width * look.keep));
  const h = Math.max(16, Math.round(height * look.keep));
  const left = Math.min(width - w, Math.max(0, Math.round((width - w) * look.x + jitter.dx)));
  const top = Math.min(height - h, Math.max(0, Math.round((height - h) * look.y + jitter.dy)));
  let out = image.extract({ left, top, width: w, height: h }).resize(WIDTH, HEIGHT, { fit: 'fill' });
  if (look.mirror) out = out.flop();
  return out.modulate({ hue: look.hue, brightness: look.brightness, saturation: look.saturation }).jpeg({ quality: jitter.quality }).toBuffer();
}

/** Writes (or reuses) the synthetic catalog; returns its folder. */
async function syntheticCatalog(demo: DemoFilm[], n: number, films: number, cacheDir: string): Promise<string> {
  const digest = createHash('sha256').update(JSON.stringify(demo.map((f) => [f.slug, f.frames.length]))).digest('hex').slice(0, 8);
  const folder = join(cacheDir, `marquee-stills-scale-${n}-${films}-g${GENERATOR_VERSION}-${digest}`);
  const done = join(folder, '.complete');
  if (existsSync(done)) return folder;
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const frames = new Map<string, Buffer>();
  const bytes = (path: string) => frames.get(path) ?? (frames.set(path, readFileSync(path)), frames.get(path)!);
  const rows = ['slug,title,year'];
  const started = performance.now();
  let written = 0;
  for (let f = 0; f < films; f++) {
    const source = demo[f % demo.length]!;
    const random = seededRandom(1000 + f);
    const look = lookOf(random);
    const count = Math.floor(n / films) + (f < n % films ? 1 : 0);
    const slug = `film-${String(f).padStart(4, '0')}`;
    mkdirSync(join(folder, slug));
    rows.push(`${slug},Synthetic ${f} (${source.slug}),${1950 + (f % 70)}`);
    for (let i = 0; i < count; i++) {
      const frame = source.frames[Math.floor((i * source.frames.length) / Math.max(1, count)) % source.frames.length]!;
      const still = await render(bytes(frame), look, { dx: random() * 8 - 4, dy: random() * 6 - 3, quality: 60 + Math.floor(random() * 35) });
      writeFileSync(join(folder, slug, `${String(i + 1).padStart(3, '0')}.jpg`), still);
      written++;
      if (written % 5000 === 0) process.stderr.write(`bench stills-scale: ${written}/${n} stills written (${round((performance.now() - started) / 1000, 0)} s)\n`);
    }
  }
  writeFileSync(join(folder, 'movies.csv'), `${rows.join('\n')}\n`);
  writeFileSync(done, JSON.stringify({ n, films, seconds: round((performance.now() - started) / 1000, 1) }));
  return folder;
}

function folderBytes(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

export async function benchStillsScale(demoFolder: string, dir: string): Promise<Record<string, unknown>> {
  const n = Number(process.env.MARQUEE_BENCH_STILLS_N ?? 132_617);
  const films = Number(process.env.MARQUEE_BENCH_STILLS_FILMS ?? 2_147);
  const cacheDir = resolve(process.env.MARQUEE_BENCH_STILLS_CACHE ?? tmpdir());
  const demo = demoFilms(demoFolder);
  if (!demo.length) throw new Error(`no demo frames in ${demoFolder}: the stills-scale bench builds its catalog from them`);
  process.stderr.write(`bench stills-scale: ${n} stills of ${films} films in ${cacheDir}...\n`);
  let t = performance.now();
  const folder = await syntheticCatalog(demo, n, films, cacheDir);
  const generateSeconds = (performance.now() - t) / 1000;
  // Only write the catalog (to make it ahead of a measured run).
  if (process.env.MARQUEE_BENCH_STILLS_GENERATE_ONLY === '1') return { catalog: folder, generateSeconds: round(generateSeconds, 1) };

  // PostgreSQL here is PGlite (pgvector compiled to WebAssembly, in this process: its work counts in every figure).
  const pglite = process.env.MARQUEE_BENCH_STILLS_ENGINE === 'pglite' ? await startPglite({ maxConnections: 4 }) : undefined;
  const db = pglite ? pglite.url : process.env.MARQUEE_BENCH_STILLS_DB ? resolve(process.env.MARQUEE_BENCH_STILLS_DB) : join(dir, 'stills-scale.db');
  const library = pglite ? await openPostgresStore(db, { create: true, poolSize: 4 }) : await openStore(db, { create: true });
  const model = await loadImageModel();
  await library.library.setMeta('image_model_spec', model.id);
  const indexed = await indexStills(folder, { library, imageModel: model });
  await model.close();
  // Where the engine ranks which-movie itself (pgvector), the stored match is prepared first, as the job after indexing does.
  let storedMatchSeconds: number | undefined;
  if (library.stillsMatch.searchable) {
    const t0 = performance.now();
    await prepareStoredMatch(library);
    storedMatchSeconds = (performance.now() - t0) / 1000;
  }

  // Held-out queries: demo frames under looks no synthetic film has.
  const random = seededRandom(7);
  const queries: Buffer[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const source = demo[i % demo.length]!;
    const frame = source.frames[Math.floor(random() * source.frames.length)]!;
    queries.push(await render(readFileSync(frame), lookOf(random), { dx: 0, dy: 0, quality: 80 }));
  }
  const engine = await SearchEngine.fromLibrary(library);
  const service = new StillsService(library, engine.embedder);
  t = performance.now();
  await service.whichMovie(queries[0]!, 'first query');
  const firstQueryMs = performance.now() - t;
  const times: number[] = [];
  for (const q of queries.slice(1)) {
    const s = performance.now();
    await service.whichMovie(q, 'bench');
    times.push(performance.now() - s);
  }
  // Looks: the first call loads every film's rows and looks; then films like 20 films.
  const withStills = await library.stills.movies();
  const ids = [...(await library.movies.byKeys(withStills.filter((_, i) => i % Math.max(1, Math.floor(withStills.length / LOOK_QUERIES)) === 0).slice(0, LOOK_QUERIES + 1).map((m) => m.key))).values()].map((m) => m.id);
  t = performance.now();
  await service.similarLooks(ids[0]!, 20);
  const firstLooksMs = performance.now() - t;
  const lookTimes: number[] = [];
  for (const id of ids.slice(1)) {
    const s = performance.now();
    await service.similarLooks(id, 20);
    lookTimes.push(performance.now() - s);
  }
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  // How many of the full comparison's 20 best films the candidate step keeps.
  const movies = await loadMovieStills(library, (await StillsMatcher.prepare({ count: await library.stills.count(), page: (a, l) => library.stills.vectorPage(a, l) })).contentByMovie());
  let kept = 0;
  let compared = 0;
  for (const id of ids.slice(1, 6)) {
    const full = new Set((await similarLooks(movies, id, 20, Infinity)).map((m) => m.id));
    kept += (await similarLooks(movies, id, 20)).filter((m) => full.has(m.id)).length;
    compared += full.size;
  }
  await engine.close();
  const diskBytes = pglite ? NaN : folderBytes(db) + folderBytes(`${db}-wal`);
  process.stderr.write('bench stills-scale: the stills map...\n');
  const map = await stillsMap(library);
  await library.close();
  await pglite?.stop();
  return {
    engine: pglite ? 'PostgreSQL (PGlite with pgvector, WebAssembly, in the bench process)' : 'SQLite',
    whichMovieRankedIn: storedMatchSeconds !== undefined ? 'the database (stored match)' : 'the process',
    ...(storedMatchSeconds !== undefined ? { storedMatchSeconds: round(storedMatchSeconds, 1) } : {}),
    stills: indexed.total,
    films: indexed.movies,
    catalog: folder,
    generateSeconds: round(generateSeconds, 1),
    indexSeconds: round(indexed.seconds, 1),
    stillsPerSecond: round(indexed.stillsPerSecond, 1),
    whichMovie: { queries: times.length, firstQueryMs: round(firstQueryMs, 0), p50Ms: round(percentile(times, 50), 1), p99Ms: round(percentile(times, 99), 1) },
    looks: { queries: lookTimes.length, firstQueryMs: round(firstLooksMs, 0), p50Ms: round(percentile(lookTimes, 50), 1), p99Ms: round(percentile(lookTimes, 99), 1), candidates: LOOK_CANDIDATES, top20KeptOfFullComparison: round(kept / Math.max(1, compared), 3) },
    rssMbAfterQueries: round(rssMb, 0),
    diskBytesPerStill: round(diskBytes / Math.max(1, indexed.total), 0),
    map,
    targets: { stillsPerSecond: 30, whichMovieP50Ms: 100, looksP50Ms: 200, rssMb: 1536, mapBuildSeconds: 600, mapFps: 30 },
  };
}

/** The stills map at this size: a full build, a build with nothing new, the API's payload, and the map in Chromium. */
async function stillsMap(library: Store): Promise<Record<string, unknown>> {
  let t = performance.now();
  const meta = await buildStillsAtlas(library, { rebuild: true });
  const buildSeconds = (performance.now() - t) / 1000;
  const rssAfterBuildMb = process.memoryUsage().rss / 2 ** 20;
  t = performance.now();
  await buildStillsAtlas(library);
  const unchangedSeconds = (performance.now() - t) / 1000;
  const sheetBytes = (await Promise.all(Array.from({ length: meta.sheets }, (_, n) => library.stillsAtlas.file(`sheet.${n}`)))).reduce((sum, b) => sum + (b?.length ?? 0), 0);
  const app = await buildServer({ library, runJobs: false });
  try {
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    t = performance.now();
    const res = await fetch(`${address}/api/stills/atlas`);
    const payloadBytes = (await res.arrayBuffer()).byteLength;
    const apiMs = performance.now() - t;
    return {
      stills: meta.stills,
      grid: meta.grid,
      k: meta.k,
      sheets: meta.sheets,
      sheetMegabytes: round(sheetBytes / 2 ** 20, 1),
      buildSeconds: round(buildSeconds, 1),
      stageSeconds: meta.seconds,
      unchangedBuildSeconds: round(unchangedSeconds, 1),
      rssAfterBuildMb: round(rssAfterBuildMb, 0),
      api: { payloadMegabytes: round(payloadBytes / 2 ** 20, 2), ms: round(apiMs, 0) },
      browser: await mapInChromium(address),
    };
  } finally {
    await app.close();
  }
}

/** Frame times (requestAnimationFrame) while the mouse drags the map in circles for `ms`. */
async function dragFrames(page: import('playwright-core').Page, ms: number): Promise<{ fps: number; p95FrameMs: number; frames: number }> {
  const box = (await (await page.$('.atlas-stage'))!.boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  // A script, not a function: this file is compiled without the DOM's types.
  const measured = page.evaluate(`new Promise((resolve) => {
    const deltas = [];
    let last = performance.now();
    const start = last;
    const tick = (now) => {
      deltas.push(now - last);
      last = now;
      if (now - start < ${ms}) requestAnimationFrame(tick);
      else resolve(deltas.slice(2));
    };
    requestAnimationFrame(tick);
  })`) as Promise<number[]>;
  const end = Date.now() + ms;
  for (let i = 0; Date.now() < end; i++) {
    await page.mouse.move(cx + 150 * Math.cos(i / 8), cy + 100 * Math.sin(i / 8));
    await page.waitForTimeout(8);
  }
  const deltas = await measured;
  await page.mouse.up();
  const sorted = [...deltas].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return { fps: round(1000 / mean, 1), p95FrameMs: round(percentile(sorted, 95), 1), frames: sorted.length };
}

async function mapInChromium(address: string): Promise<Record<string, unknown>> {
  const executablePath = process.env.MARQUEE_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) return { skipped: `no Chromium at ${executablePath}` };
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const t = performance.now();
    await page.goto(`${address}/stills/atlas`);
    await page.waitForSelector('.atlas-stage[aria-busy="false"]', { timeout: 600_000 });
    const readySeconds = (performance.now() - t) / 1000;
    await page.waitForTimeout(500);
    const fitted = await dragFrames(page, 3000);
    const box = (await (await page.$('.atlas-stage'))!.boundingBox())!;
    const zoomIn = async (steps: number) => {
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      for (let i = 0; i < steps; i++) await page.mouse.wheel(0, -300);
      await page.waitForTimeout(800);
      return round(Number(new URL(page.url()).searchParams.get('z') ?? 1), 1);
    };
    // About 4x: past the level-of-detail cache, every sprite drawn live; about 15x: a few hundred stills on screen, sharp thumbnails loaded.
    const zoomedAt = await zoomIn(3);
    const zoomed = { ...(await dragFrames(page, 3000)), zoom: zoomedAt };
    const closeAt = await zoomIn(3);
    const close = { ...(await dragFrames(page, 3000)), zoom: closeAt };
    return { readySeconds: round(readySeconds, 1), fitted, zoomed, close, viewport: '1366x900, software WebGL (--disable-gpu)' };
  } finally {
    await browser.close();
  }
}
