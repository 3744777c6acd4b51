import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { indexCatalog, type IndexSummary } from '../ingest/indexer.js';
import { indexCatalogCoordinated } from '../ingest/coordinated-index.js';
import { openIndexQueue } from '../store/open-store.js';
import type { IndexJob } from '../ingest/index-queue.js';
import { FaceModel } from '../models/face-model.js';
import { checkImageModelSpec, loadTextModel } from '../models/registry.js';
import { readImageModels, type ModelPlan } from '../store/library-models.js';
import { applyModelPlan, closeAll, libraryModelsForIndexing, modelsForIndexRun } from '../store/run-models.js';
import type { ChannelModel } from '../models/types.js';
import { requireFolder } from '../catalog/paths.js';
import { ORIGINAL_TEXT_PREFIX } from '../catalog/record.js';
import type { Store } from '../store/store.js';
import { openLibraryForWriting } from './open-library.js';
import { countingProgress, createProgressReporter, passProgressLines } from './progress.js';
import { runPosterPasses } from '../ingest/poster-passes.js';
import { indexStills } from '../stills/index-stills.js';
import { prepareStoredMatch, storedMatchMeta } from '../stills/stored-match.js';
import { indexVideos, videosToIndex } from '../films/index-video.js';
import { stopOnSignal } from './stop-signal.js';
import { jobThreads } from '../util/job-threads.js';
import { enqueueFilms, enqueueFollowUps, filmRequests } from './enqueue-follow-ups.js';
import type { FilmAnalysisRequest } from '../ingest/library-jobs.js';
import { scanStillFaces, type StillFacesSummary } from '../stills/still-faces.js';
import type { ImageEmbeddingModel, TextEmbeddingModel } from '../models/types.js';

/**
 * Loads the image models (planned against the library) and the text model side by side; when one
 * side fails the other is closed before the error goes on (the text model's worker pool kept
 * `index --model no-such-model` alive forever).
 */
async function loadBoth(
  image: () => Promise<{ plan: ModelPlan; loaded: ChannelModel[] }>,
  text: () => Promise<TextEmbeddingModel | null>,
): Promise<{ images: { plan: ModelPlan; loaded: ChannelModel[] }; textModel: TextEmbeddingModel | null }> {
  const [i, t] = await Promise.allSettled([image(), text()]);
  if (i.status === 'fulfilled' && t.status === 'fulfilled') return { images: i.value, textModel: t.value };
  await Promise.allSettled([i.status === 'fulfilled' ? closeAll(i.value.loaded) : undefined, t.status === 'fulfilled' ? t.value?.close() : undefined]);
  throw i.status === 'rejected' ? i.reason : (t as PromiseRejectedResult).reason;
}

export interface IndexCommandOptions {
  db?: string;
  prune?: boolean;
  json?: boolean;
  /** Image models, repeatable (--model a --model b): the library's models after the run, the first the default. */
  model?: string[];
  /** Models whose vectors are deleted (--drop-model id, repeatable). */
  dropModel?: string[];
  text?: boolean;
  batchSize?: number;
  faces?: boolean;
  /** false: skip the OCR pass (--no-ocr). */
  ocr?: boolean;
  stills?: string;
  /** A video file or a folder of them (--video), and the movie id of a single one (--movie). */
  video?: string;
  movie?: string;
  /** Coordinated run: queue the catalog in batches and start this many local worker processes (0: remote workers only). */
  workers?: number;
  /** Index posters, synopses and stills here; enqueue the tiles, atlas, OCR, faces and films as jobs (enqueue-follow-ups.ts). */
  background?: boolean;
}

const CLI = join(dirname(fileURLToPath(import.meta.url)), 'main.js');

export async function runIndexCommand(catalog: string | undefined, opts: IndexCommandOptions): Promise<number> {
  if (!catalog) return runStillsOnly(opts);
  const specs = requestedSpecs(opts);
  // Arguments that cannot work fail before a library file is created or locked.
  specs?.forEach(checkImageModelSpec);
  requireFolder(catalog, 'catalog');
  if (opts.stills) requireFolder(opts.stills, 'stills folder');
  if (opts.video) videosToIndex(opts.video, opts.movie);
  const library = await openLibraryForWriting(opts.db);
  const release = await lockOrClose(library);
  const coordinated = opts.workers !== undefined;
  let models: Awaited<ReturnType<typeof loadBoth>> | undefined;
  try {
    models = await loadBoth(
      () => modelsForIndexRun(library, specs, opts.dropModel ?? [], coordinated ? 1 : undefined),
      () => (opts.text === false ? Promise.resolve(null) : loadTextModel({ workers: coordinated ? 0 : availableParallelism() })),
    );
    await applyModelPlan(library, models.images.plan);
  } catch (err) {
    if (models) await Promise.allSettled([closeAll(models.images.loaded), models.textModel?.close()]);
    await release();
    await library.close();
    throw err;
  }
  const { textModel } = models;
  const imageModels = models.images.loaded;
  const reporter = createProgressReporter({ json: !!opts.json, tty: process.stderr.isTTY === true });
  const stop = stopOnSignal();
  const background = opts.background === true;
  // --background: what is left to the job queue once the index lock is released.
  let leave: LeftToQueue | undefined;
  try {
    const catalogSummary = coordinated
      ? await runCoordinated(catalog, library, { textModel }, opts, reporter.update.bind(reporter), stop.requested)
      : await indexCatalog(catalog, {
          library,
          imageModels,
          textModel,
          prune: opts.prune,
          batchSize: opts.batchSize,
          onProgress: (p) => reporter.update(p),
          shouldStop: stop.requested,
        });
    reporter.stop();
    const summary = await runPosterPasses(catalogSummary, {
      catalog,
      library,
      imageModels,
      batchSize: opts.batchSize,
      faces: opts.faces === true,
      ocr: opts.ocr !== false,
      background,
      shouldStop: stop.requested,
      progress: passProgressLines(!!opts.json),
    });
    const { tiles, morePosters, faces, ocr } = summary;
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ type: 'summary', ...summary, seconds: Math.round(summary.seconds * 100) / 100, postersPerSecond: Math.round(summary.postersPerSecond * 10) / 10 })}\n`);
    } else {
      for (const p of summary.problems.slice(0, 50)) process.stderr.write(`  ${p.item}${p.file ? ` (${p.file})` : ''}: ${p.reason}\n`);
      if (summary.problemCount > 50) process.stderr.write(`  ... and ${summary.problemCount - 50} more problems (all are in the index_failures table)\n`);
      if (summary.textRepaired) {
        process.stderr.write(`  text repaired in ${summary.textRepaired} row${summary.textRepaired === 1 ? '' : 's'}: UTF-8 that had been read as Mac Roman or Windows-1252 (originals kept in extra as ${ORIGINAL_TEXT_PREFIX}<column>), e.g.\n`);
        for (const e of summary.textRepairExamples) process.stderr.write(`    ${e}\n`);
      }
      process.stderr.write(
        `${summary.interrupted ? 'interrupted' : 'done'}: ${summary.total} entries in ${summary.seconds.toFixed(1)} s — ` +
          `indexed ${summary.indexed}, unchanged ${summary.unchanged}, skipped ${summary.skipped}, failed ${summary.failed}, ` +
          `synopses embedded ${summary.textsEmbedded}${opts.prune ? `, pruned ${summary.pruned}` : ''}` +
          `${tiles?.embedded ? `; tiles: ${tiles.embedded} posters in ${tiles.seconds.toFixed(1)} s` : ''}` +
          `${morePosters ? `; further posters: ${morePosters.listed} listed, ${morePosters.indexed} indexed, ${morePosters.unchanged} unchanged, ${morePosters.removed} removed, ${morePosters.failed} failed` : ''}` +
          `${faces ? `; faces: ${faces.scanned} posters scanned in ${faces.seconds.toFixed(1)} s, ${faces.faces} faces found` : ''}` +
          `${ocr ? `; text: ${ocr.read} posters read in ${ocr.seconds.toFixed(1)} s (${ocr.postersPerSecond.toFixed(1)}/s), ${ocr.lines} lines, ${ocr.failed} failed` : ''}\n`,
      );
    }
    if (summary.interrupted) return 130;
    if (summary.indexed + summary.unchanged === 0) {
      process.stderr.write(`error: nothing could be indexed from ${catalog}\n`);
      return 1;
    }
    // The posters are in: their passes are left to the queue whatever the stills and videos give.
    if (background) leave = { passes: true, stills: !!opts.stills, films: [] };
    const { code, films } = await stillsAndVideos(library, imageModels[0]!.model, opts, stop.requested);
    if (leave) leave.films = films;
    return code;
  } finally {
    stop.dispose();
    await Promise.all([closeAll(imageModels), textModel?.close()]);
    await releaseLeavingToQueue(library, release, opts, leave);
  }
}

/** Queues the catalog for workers, starts `opts.workers` local ones, and waits for the whole run. */
async function runCoordinated(
  catalog: string,
  library: Store,
  models: { textModel: { id: string; version: string; dimension: number } | null },
  opts: IndexCommandOptions,
  onProgress: Parameters<typeof indexCatalogCoordinated>[1]['onProgress'],
  shouldStop: () => boolean,
): Promise<IndexSummary> {
  const queue = await openIndexQueue<IndexJob>(library);
  const children: ChildProcess[] = [];
  const threads = String(process.env.MARQUEE_WORKER_THREADS ?? 1);
  try {
    return await indexCatalogCoordinated(catalog, {
      library,
      queue,
      textModel: models.textModel,
      prune: opts.prune,
      batchSize: opts.batchSize,
      onProgress,
      shouldStop,
      onQueued: (libraryId) => {
        for (let i = 0; i < (opts.workers ?? 0); i++)
          children.push(spawn(process.execPath, [CLI, 'worker', '--db', library.connection, '--threads', threads, '--library', libraryId], { stdio: ['ignore', 'ignore', 'inherit'] }));
        if (opts.json) process.stdout.write(`${JSON.stringify({ type: 'workers', libraryId, pids: children.map((c) => c.pid) })}\n`);
        else if (!opts.workers) process.stderr.write(`batches queued: start workers with "marquee worker --db <this library's URL> --library ${libraryId}"\n`);
      },
    });
  } finally {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((done) => {
            if (c.exitCode !== null || c.signalCode !== null) return done();
            c.once('close', () => done());
            c.kill('SIGTERM');
          }),
      ),
    );
    await queue.stop();
  }
}

/** The index lock, closing the library when it cannot be had. */
async function lockOrClose(library: Store): Promise<() => Promise<void>> {
  try {
    return await library.runs.acquireIndexLock();
  } catch (err) {
    await library.close();
    throw err;
  }
}

/** `marquee index --stills <dir>` without a catalog. */
async function runStillsOnly(opts: IndexCommandOptions): Promise<number> {
  if (opts.stills) requireFolder(opts.stills, 'stills folder');
  if (opts.video) videosToIndex(opts.video, opts.movie);
  const specs = requestedSpecs(opts);
  specs?.forEach(checkImageModelSpec);
  const library = await openLibraryForWriting(opts.db);
  const release = await lockOrClose(library);
  // Stills are embedded with the library's default image model, so posters and stills are comparable:
  // only that one is loaded, unless this run names or drops models (a new library records its first).
  let imageModels: ChannelModel[];
  try {
    if (specs || opts.dropModel?.length || (await readImageModels(library)).length === 0) {
      const { plan, loaded } = await modelsForIndexRun(library, specs, opts.dropModel ?? []);
      await applyModelPlan(library, plan);
      imageModels = loaded;
    } else imageModels = (await libraryModelsForIndexing(library, jobThreads(), 'default')).loaded;
  } catch (err) {
    await release();
    await library.close();
    throw err;
  }
  const imageModel = imageModels[0]!.model;
  const stop = stopOnSignal();
  let leave: LeftToQueue | undefined;
  try {
    const { code, films } = await stillsAndVideos(library, imageModel, opts, stop.requested);
    if (code === 0 && opts.background) leave = { passes: false, stills: !!opts.stills, films };
    return code;
  } finally {
    stop.dispose();
    await closeAll(imageModels);
    await releaseLeavingToQueue(library, release, opts, leave);
  }
}

/** What `--background` leaves to the job queue: the passes after a catalog's posters, and the films of --video. */
interface LeftToQueue {
  passes: boolean;
  /** Stills were indexed: their map is placed again. */
  stills: boolean;
  films: FilmAnalysisRequest[];
}

/** Releases the index lock, enqueues what `--background` leaves (if anything), and closes the library. */
async function releaseLeavingToQueue(library: Store, release: () => Promise<void>, opts: IndexCommandOptions, left: LeftToQueue | undefined): Promise<void> {
  await release();
  try {
    if (left) await leaveToQueue(library, opts, left);
  } finally {
    await library.close();
  }
}

/**
 * Enqueues what `--background` leaves for `marquee serve` or `marquee worker`, once this run has
 * released the index lock (a film's run takes it), and says so.
 */
async function leaveToQueue(library: Store, opts: IndexCommandOptions, left: LeftToQueue): Promise<void> {
  // The stills map needs 10 stills; the stored which-movie match serves only an engine that ranks from it (pgvector).
  const stills = left.stills ? await library.stills.count() : 0;
  const kinds = await enqueueFollowUps(library, { tiles: left.passes, atlas: left.passes, stillsAtlas: stills >= 10, stillsMatch: stills > 0 && library.stillsMatch.searchable, ocr: left.passes && opts.ocr !== false, faces: !!opts.faces });
  await enqueueFilms(library, left.films);
  if (opts.json) process.stdout.write(`${JSON.stringify({ type: 'queued', kinds, films: left.films })}\n`);
  else if (kinds.length || left.films.length)
    process.stderr.write(`queued for \`marquee serve\` or \`marquee worker\` (progress: marquee jobs, or /jobs in the app): ${[...kinds, ...(left.films.length ? [`${left.films.length} film${left.films.length === 1 ? '' : 's'} to analyse`] : [])].join(', ')}\n`);
}

/**
 * The stills folder and the videos a run names, in that order (code 0 when neither). With
 * --background the videos are only checked and returned, for film-analysis jobs.
 */
async function stillsAndVideos(library: Store, imageModel: ImageEmbeddingModel, opts: IndexCommandOptions, shouldStop: () => boolean): Promise<{ code: number; films: FilmAnalysisRequest[] }> {
  const stills = opts.stills ? await stillsPass(library, imageModel, opts, shouldStop) : 0;
  if (stills !== 0 || !opts.video) return { code: stills, films: [] };
  if (opts.background) return { code: 0, films: filmRequests(opts.video, opts.movie, !!opts.faces) };
  return { code: await videoPass(library, imageModel, opts, shouldStop), films: [] };
}

/** `--video`: each film analysed, its keyframes indexed as stills (films/index-video.ts). */
async function videoPass(library: Store, imageModel: ImageEmbeddingModel, opts: IndexCommandOptions, shouldStop: () => boolean): Promise<number> {
  const reporter = createProgressReporter({ json: !!opts.json, tty: process.stderr.isTTY === true, label: 'film' });
  const s = await indexVideos(opts.video!, {
    library,
    imageModel,
    movie: opts.movie,
    shouldStop,
    onProgress: (_file, seconds, total) => reporter.update({ done: Math.round(seconds), total: Math.round(total ?? seconds), indexed: 0, unchanged: 0, skipped: 0, failed: 0, rate: 0, etaSeconds: null }),
  });
  reporter.stop();
  if (opts.faces && !s.interrupted && s.analysed > 0) await scanStillFaces(library, await FaceModel.load(), { shouldStop });
  if (opts.json) process.stdout.write(`${JSON.stringify({ type: 'video-summary', ...s, seconds: Math.round(s.seconds * 100) / 100 })}\n`);
  else {
    for (const p of s.problems.slice(0, 50)) process.stderr.write(`  ${p.item}: ${p.reason}\n`);
    for (const f of s.films) process.stderr.write(`  ${f.movie}: ${f.shots} shots, average shot ${f.asl.toFixed(2)} s over ${f.duration.toFixed(1)} s (analysed at ${f.speed}x real time)\n`);
    process.stderr.write(`${s.interrupted ? 'interrupted' : 'done'}: ${s.videos} videos in ${s.seconds.toFixed(1)} s — analysed ${s.analysed}, unchanged ${s.unchanged}, failed ${s.failed}\n`);
  }
  if (s.interrupted) return 130;
  return s.analysed + s.unchanged === 0 ? 1 : 0;
}

async function stillsPass(library: Store, imageModel: ImageEmbeddingModel, opts: IndexCommandOptions, shouldStop: () => boolean): Promise<number> {
  const reporter = createProgressReporter({ json: !!opts.json, tty: process.stderr.isTTY === true, label: 'stills' });
  const s = await indexStills(opts.stills!, { library, imageModel, batchSize: opts.batchSize, shouldStop, onProgress: (p) => reporter.update({ ...p, skipped: 0 }) });
  reporter.stop();
  // Where the engine ranks which-movie from the stored match (pgvector), it is stored again now the
  // stills changed (with --background its job does it): else new stills would be missing from it.
  if (!s.interrupted && !opts.background && library.stillsMatch.searchable && (s.indexed > 0 || s.pruned > 0 || !(await storedMatchMeta(library)))) await prepareStoredMatch(library);
  let faces: StillFacesSummary | undefined;
  // With --background the faces job (marquee faces scan) finds the faces on stills too.
  if (opts.faces && !s.interrupted && !opts.background) {
    const faceReporter = createProgressReporter({ json: !!opts.json, tty: process.stderr.isTTY === true, label: 'faces on stills' });
    faces = await scanStillFaces(library, await FaceModel.load(), {
      shouldStop,
      onProgress: countingProgress(faceReporter),
    });
    faceReporter.stop();
    s.problems.push(...faces.problems);
  }
  if (opts.json) process.stdout.write(`${JSON.stringify({ type: 'stills-summary', ...s, faces, seconds: Math.round(s.seconds * 100) / 100, stillsPerSecond: Math.round(s.stillsPerSecond * 10) / 10 })}\n`);
  else {
    for (const p of s.problems.slice(0, 50)) process.stderr.write(`  ${p.item}: ${p.reason}\n`);
    process.stderr.write(
      `${s.interrupted ? 'interrupted' : 'done'}: ${s.total} stills of ${s.movies} movies (content by ${s.model}) in ${s.seconds.toFixed(1)} s (${s.stillsPerSecond.toFixed(1)}/s) — ` +
        `indexed ${s.indexed}, unchanged ${s.unchanged}, failed ${s.failed}, removed ${s.pruned}; looks computed ${s.looksComputed}` +
        `${faces ? `; faces: ${faces.scanned} stills scanned in ${faces.seconds.toFixed(1)} s, ${faces.faces} faces found` : ''}\n`,
    );
  }
  if (s.interrupted) return 130;
  return s.indexed + s.unchanged === 0 ? 1 : 0;
}

/** The image models named by --model (or $MARQUEE_IMAGE_MODEL), undefined when none: the library's own. */
function requestedSpecs(opts: IndexCommandOptions): string[] | undefined {
  const given = opts.model?.length ? opts.model : process.env.MARQUEE_IMAGE_MODEL ? [process.env.MARQUEE_IMAGE_MODEL] : undefined;
  return given?.map(resolveModelSpec);
}

/** A model id as given, or a manifest file made absolute (it is stored in the library and used from other folders). */
function resolveModelSpec(spec: string): string {
  return spec.endsWith('.json') && existsSync(spec) ? resolve(spec) : spec;
}
