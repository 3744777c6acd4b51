/**
 * What `marquee index` runs after a catalog's posters are in, in order, as one typed run with one
 * summary: the films' further posters (posters.csv), the genre tiles, the faces (when asked) and
 * the printed text (unless turned off). Each pass starts only when the one before finished
 * without being stopped; with `background` the tiles, faces and text are left to the job queue
 * (the caller enqueues them). Progress goes to a line per pass that the caller provides (the
 * CLI's reporter), so this module prints nothing.
 */
import { availableParallelism } from 'node:os';
import { FaceModel } from '../models/face-model.js';
import { tilesEnabled } from '../models/poster-tiles.js';
import type { ChannelModel } from '../models/types.js';
import type { Store } from '../store/store.js';
import { OcrPool } from '../text/ocr-pool.js';
import { scanFaces, type FaceScanSummary } from './face-scan.js';
import type { IndexProgress, IndexSummary } from './indexer.js';
import { indexMorePosters } from './more-posters.js';
import { readPosterText, readSmallPrint, type TextPassSummary } from './text-pass.js';
import { embedPosterTiles, type TilesPassSummary } from './tiles-pass.js';

/** A progress line for one pass: whole progress (posters) or a count (faces, text). */
export interface PassProgress {
  update(p: IndexProgress): void;
  count(done: number, total: number): void;
  stop(): void;
}

export type PassProgressFactory = (label: string) => PassProgress;

export interface MorePostersTally {
  listed: number;
  indexed: number;
  unchanged: number;
  removed: number;
  failed: number;
  seconds: number;
}

export type TilesTally = TilesPassSummary & { problems: { file: string; reason: string }[] };

/** The catalog's summary with what each later pass did (absent: the pass did not run). */
export interface IndexRunSummary extends IndexSummary {
  morePosters?: MorePostersTally;
  tiles?: TilesTally;
  faces?: FaceScanSummary;
  ocr?: TextPassSummary;
}

export interface PosterPassesOptions {
  catalog: string;
  library: Store;
  /** The run's image models, the library's default first (tiles are embedded with it). */
  imageModels: ChannelModel[];
  batchSize?: number;
  faces: boolean;
  ocr: boolean;
  /** Leave the tiles, faces and text to the job queue. */
  background: boolean;
  shouldStop: () => boolean;
  progress: PassProgressFactory;
}

const twoDecimals = (x: number): number => Math.round(x * 100) / 100;

/** Runs the passes after the catalog's own (whose summary is given) and returns the run's summary. */
export async function runPosterPasses(catalogSummary: IndexSummary, o: PosterPassesOptions): Promise<IndexRunSummary> {
  const summary: IndexRunSummary = catalogSummary;
  const problem = (item: string, file: string | null, reason: string) => {
    summary.problemCount++;
    summary.problems.push({ item, file, reason });
  };
  if (!summary.interrupted) {
    const line = o.progress('more posters');
    const m = await indexMorePosters(o.catalog, { library: o.library, imageModels: o.imageModels, batchSize: o.batchSize, onProgress: (p) => line.update(p), shouldStop: o.shouldStop });
    line.stop();
    if (m.films > 0) summary.morePosters = { listed: m.listed, indexed: m.indexed, unchanged: m.unchanged, removed: m.removed, failed: m.failed, seconds: twoDecimals(m.seconds) };
    summary.problems.push(...m.problems);
    summary.problemCount += m.problems.length;
    summary.interrupted ||= m.interrupted;
  }
  // The posters' tiles (genre features) in a pass of their own: the posters are searchable first.
  if (!summary.interrupted && !o.background && tilesEnabled()) {
    const tiles = await tilesPass(o.library, o.imageModels[0]!, { batchSize: o.batchSize, shouldStop: o.shouldStop, progress: o.progress });
    summary.tiles = tiles;
    summary.interrupted ||= tiles.interrupted;
    summary.problemCount += tiles.failed;
    summary.problems.push(...tiles.problems.map((p) => ({ item: 'tiles', file: p.file, reason: p.reason })));
  }
  if (o.faces && !summary.interrupted && !o.background) {
    const faceModel = await FaceModel.load();
    const line = o.progress('faces');
    summary.faces = await scanFaces(o.library, faceModel, { shouldStop: o.shouldStop, onProblem: (file, reason) => problem('faces', file, reason), onProgress: (d, t) => line.count(d, t) });
    line.stop();
  }
  if (o.ocr && !summary.interrupted && !o.background) {
    const ocr = await ocrPass(o.library, summary.problems, o.shouldStop, o.progress);
    summary.ocr = ocr;
    summary.problemCount += ocr.failed;
    if (ocr.interrupted) summary.interrupted = true;
  }
  return summary;
}

/** The genre tiles of posters whose tiles are missing or stale; problems counted, the first 50 kept. */
export async function tilesPass(library: Store, main: ChannelModel, o: { batchSize?: number; shouldStop: () => boolean; progress: PassProgressFactory }): Promise<TilesTally> {
  const line = o.progress('tiles');
  const problems: { file: string; reason: string }[] = [];
  try {
    const s = await embedPosterTiles(library, main, {
      batchSize: o.batchSize,
      shouldStop: o.shouldStop,
      onProgress: (d, t) => line.count(d, t),
      onProblem: (file, reason) => void (problems.length < 50 && problems.push({ file, reason })),
    });
    return { ...s, seconds: twoDecimals(s.seconds), problems };
  } finally {
    line.stop();
  }
}

/**
 * The OCR pass over posters not yet read, one reader per core (MARQUEE_OCR_THREADS): each poster
 * whole at once (the user waits for all of it), then the small print a server's background pass
 * left for later, if any.
 */
async function ocrPass(library: Store, problems: { item: string; file: string | null; reason: string }[], shouldStop: () => boolean, progress: PassProgressFactory): Promise<TextPassSummary> {
  const pool = OcrPool.start(Number(process.env.MARQUEE_OCR_THREADS ?? availableParallelism()));
  // One progress line per phase: the small print's rate and ETA count from its own start.
  const phase = async <T>(run: (onProgress: (done: number, total: number) => void) => Promise<T>): Promise<T> => {
    const line = progress('text');
    try {
      return await run((d, t) => line.count(d, t));
    } finally {
      line.stop();
    }
  };
  const onProblem = (file: string, reason: string) => {
    if (problems.length < 200) problems.push({ item: 'text', file, reason });
  };
  try {
    const posters = await phase((onProgress) => readPosterText(library, pool, { shouldStop, onProblem, onProgress }));
    if (posters.interrupted || posters.smallPrintLeft === 0) return posters;
    const small = await phase((onProgress) => readSmallPrint(library, pool, { shouldStop, onProblem, onProgress }));
    return { ...posters, failed: posters.failed + small.failed, interrupted: small.interrupted, seconds: posters.seconds + small.seconds, smallPrintLeft: small.smallPrintLeft };
  } finally {
    await pool.close();
  }
}
