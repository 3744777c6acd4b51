/**
 * `marquee index --video <file|folder> [--movie <id>]`: analyses each video (film-analysis.ts),
 * grabs every shot's keyframe as a JPEG into the library's files (`<uploads>/films/<movie>/`,
 * with a stills.csv) and indexes them as the movie's stills (every still feature, its look and
 * faces pass), then stores the film. A video is re-analysed only when its bytes or the analysis
 * version changed; an interrupted run stores nothing of the film it was in, and the next run
 * starts that film again. The keyframes replace the movie's earlier stills.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import type { ImageEmbeddingModel } from '../models/types.js';
import type { Store } from '../store/store.js';
import { MarqueeError } from '../util/errors.js';
import { indexStills } from '../stills/index-stills.js';
import { grabFrames } from './ffmpeg.js';
import { analyseVideo, FILM_ANALYSIS_VERSION, type FilmAnalysis } from './film-analysis.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'films' | 'library' | 'movies' | 'stills' | 'uploadsDir'>;

export const VIDEO_EXTENSIONS = new Set(['.mp4', '.m4v', '.mkv', '.mov', '.avi', '.webm', '.mpg', '.mpeg', '.ts', '.wmv', '.ogv']);
/** Keyframes are kept at most this wide. */
const KEYFRAME_WIDTH = 960;

export interface VideoIndexSummary {
  videos: number;
  analysed: number;
  unchanged: number;
  failed: number;
  interrupted: boolean;
  films: { file: string; movie: string; shots: number; asl: number; duration: number; speed: number; errors: number }[];
  problems: { item: string; reason: string }[];
  seconds: number;
}

export interface VideoIndexOptions {
  library: StoreParts;
  imageModel: ImageEmbeddingModel;
  /** Movie id for a single video (default: the file name). */
  movie?: string;
  onProgress?: (file: string, seconds: number, total: number | null) => void;
  shouldStop?: () => boolean;
}

/** The videos to index: the file, or the video files directly in the folder (sorted). */
export function listVideos(target: string): string[] {
  if (!existsSync(target)) throw new MarqueeError('bad_video', `${target}: no such video file or folder`);
  if (!statSync(target).isDirectory()) return [resolve(target)];
  const files = readdirSync(target)
    .filter((f) => VIDEO_EXTENSIONS.has(extname(f).toLowerCase()))
    .sort()
    .map((f) => resolve(target, f));
  if (files.length === 0) throw new MarqueeError('bad_video', `${target}: folder has no video files (${[...VIDEO_EXTENSIONS].join(', ')})`);
  return files;
}

/** A movie id from a file name: lower case, runs of other characters as "-". */
export function movieIdOf(file: string): string {
  return basename(file, extname(file)).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'film';
}

/** Identity of a video's bytes without reading a whole film: size, and a hash of its first, middle and last MiB. */
export function videoHash(file: string): string {
  const size = statSync(file).size;
  const h = createHash('sha256').update(String(size));
  const fd = openSync(file, 'r');
  try {
    const chunk = Buffer.alloc(1 << 20);
    for (const at of [0, Math.max(0, Math.floor(size / 2) - chunk.length / 2), Math.max(0, size - chunk.length)]) {
      const n = readSync(fd, chunk, 0, chunk.length, at);
      h.update(chunk.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return h.digest('hex').slice(0, 32);
}

/** The video files of a --video target; `movie` may name the movie of one file only. */
export function videosToIndex(target: string, movie: string | undefined): string[] {
  const files = listVideos(target);
  if (movie && files.length > 1) throw new MarqueeError('bad_query', `--movie names one movie, but ${target} holds ${files.length} videos`);
  return files;
}

export async function indexVideos(target: string, opts: VideoIndexOptions): Promise<VideoIndexSummary> {
  const started = performance.now();
  const files = videosToIndex(target, opts.movie);
  const { library, imageModel } = opts;
  const s: VideoIndexSummary = { videos: files.length, analysed: 0, unchanged: 0, failed: 0, interrupted: false, films: [], problems: [], seconds: 0 };
  for (const file of files) {
    if (opts.shouldStop?.()) {
      s.interrupted = true;
      break;
    }
    const movieId = opts.movie ?? movieIdOf(file);
    try {
      const hash = videoHash(file);
      const key = await library.movies.keyOf(movieId);
      const stored = key === undefined ? undefined : await library.films.get<FilmAnalysis>(key);
      if (stored && stored.sourceHash === hash && stored.version === FILM_ANALYSIS_VERSION) {
        s.unchanged++;
        continue;
      }
      const t0 = performance.now();
      const { analysis, barcode, interrupted } = await analyseVideo(file, { shouldStop: opts.shouldStop, onProgress: (sec, total) => opts.onProgress?.(file, sec, total) });
      if (interrupted) {
        s.interrupted = true;
        break;
      }
      const analysisSeconds = (performance.now() - t0) / 1000;
      // Keyframes as a stills folder of this movie (stills.csv: file, movie_id, timestamp, title).
      const dir = join(library.uploadsDir, 'films', movieId);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const grabbed = grabFrames(file, analysis.sampledFps, analysis.keyframeFrames, KEYFRAME_WIDTH, dir);
      const existing = key === undefined ? undefined : await library.movies.get(movieId);
      const title = existing?.title ?? basename(file, extname(file));
      const csv = ['file,movie_id,timestamp,title'];
      const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;
      analysis.keyframeFrames.forEach((f, i) => {
        const path = grabbed.get(f);
        if (path) csv.push([quote(basename(path)), quote(movieId), String(analysis.shots[i]!.keyframe), quote(title)].join(','));
      });
      writeFileSync(join(dir, 'stills.csv'), `${csv.join('\n')}\n`);
      const stills = await indexStills(dir, { library, imageModel });
      s.problems.push(...stills.problems.map((p) => ({ item: `${basename(file)} keyframe ${p.item}`, reason: p.reason })));
      const movieKey = await library.movies.keyOf(movieId);
      if (movieKey === undefined) throw new Error('no keyframe could be read from the video');
      await library.films.put(movieKey, { source: file, sourceHash: hash, version: FILM_ANALYSIS_VERSION, analysis }, barcode);
      for (const e of analysis.errors.slice(0, 5)) s.problems.push({ item: basename(file), reason: `decoding: ${e}` });
      s.analysed++;
      s.films.push({ file, movie: movieId, shots: analysis.shotCount, asl: analysis.asl, duration: analysis.duration, speed: Math.round((analysis.duration / analysisSeconds) * 10) / 10, errors: analysis.errors.length });
    } catch (err) {
      if (err instanceof MarqueeError && err.kind === 'tool_missing') throw err;
      s.failed++;
      s.problems.push({ item: basename(file), reason: (err as Error).message.replace(`${file}: `, '') });
    }
  }
  s.seconds = (performance.now() - started) / 1000;
  return s;
}
