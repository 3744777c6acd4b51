/**
 * Analyses a video file: frames sampled at a fixed rate (the video's own up to 30 per second)
 * at 64 px wide, shot boundaries (shot-detector.ts), each shot's keyframe (the frame nearest the
 * mean of the shot's own frames, transitions left out) and mean colour, the film's numbers
 * (film-stats.ts), and a barcode of every sampled frame.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { BARCODE_HEIGHT } from '../stills/movie-look.js';
import { probeVideo, streamFrames, type VideoInfo } from './ffmpeg.js';
import { colorOverTime, filmStats, hex, type ColorPoint, type FilmStats, type Shot } from './film-stats.js';
import { DETECTOR_SETTINGS, ShotDetector, type DetectedBoundary } from './shot-detector.js';

/** Changes whenever detection or its settings change: a stored film of another version is re-analysed. */
export const FILM_ANALYSIS_VERSION = `film/1+${createHash('sha1').update(JSON.stringify(DETECTOR_SETTINGS)).digest('hex').slice(0, 8)}`;
export const MAX_SAMPLE_FPS = 30;
export const ANALYSIS_WIDTH = 64;
/** Keyframe choice compares frames at this size (16 x 9 for 16:9). */
const SIGNATURE_WIDTH = 16;

export interface FilmAnalysis extends FilmStats {
  video: VideoInfo;
  /** Frames sampled per second, and how many were. */
  sampledFps: number;
  frames: number;
  /** Seconds of film decoded. */
  duration: number;
  shots: Shot[];
  colors: ColorPoint[];
  /** Decoding problems of a damaged file (what decoded is analysed). */
  errors: string[];
  /** Sampled frame index of each shot's keyframe (grabbed as the movie's stills). */
  keyframeFrames: number[];
}

export interface AnalyseOptions {
  onProgress?: (seconds: number, total: number | null) => void;
  shouldStop?: () => boolean;
}

export interface AnalysedFilm {
  analysis: FilmAnalysis;
  barcode: Buffer;
  /** Stopped by shouldStop before the end. */
  interrupted: boolean;
}

function shrink(rgb: Uint8Array, w: number, h: number, tw: number, th: number): Uint8Array {
  const out = new Uint8Array(tw * th * 3);
  for (let y = 0; y < th; y++)
    for (let x = 0; x < tw; x++) {
      const sum = [0, 0, 0];
      let n = 0;
      for (let yy = Math.floor((y * h) / th); yy < Math.floor(((y + 1) * h) / th); yy++)
        for (let xx = Math.floor((x * w) / tw); xx < Math.floor(((x + 1) * w) / tw); xx++) {
          for (let c = 0; c < 3; c++) sum[c]! += rgb[(yy * w + xx) * 3 + c]!;
          n++;
        }
      for (let c = 0; c < 3; c++) out[(y * tw + x) * 3 + c] = Math.round(sum[c]! / Math.max(1, n));
    }
  return out;
}

/** Shots from boundaries: each gradual transition's middle ends one shot and begins the next. */
export function shotsFromBoundaries(boundaries: DetectedBoundary[], frames: number, fps: number): { start: number; end: number; transition: Shot['transition']; own: [number, number] }[] {
  const out: { start: number; end: number; transition: Shot['transition']; own: [number, number] }[] = [];
  let start = 0;
  let transition: Shot['transition'] = 'cut';
  let ownFrom = 0;
  for (const b of [...boundaries, undefined]) {
    const end = b ? b.frame : frames;
    if (end <= start) continue;
    // The shot's own frames: after the transition into it, before the one out of it.
    const ownTo = b ? Math.max(ownFrom, b.start - 1) : frames - 1;
    out.push({ start: start / fps, end: end / fps, transition, own: [Math.min(ownFrom, ownTo), ownTo] });
    if (b) {
      start = b.frame;
      transition = b.transition;
      ownFrom = Math.min(frames - 1, b.end + (b.transition === 'cut' ? 0 : 1));
    }
  }
  return out;
}

/** How a video is sampled for analysis: its own rate up to MAX_SAMPLE_FPS, ANALYSIS_WIDTH wide at its aspect. */
export function samplingOf(video: VideoInfo): { fps: number; width: number; height: number } {
  return { fps: Math.min(video.fps, MAX_SAMPLE_FPS), width: ANALYSIS_WIDTH, height: Math.max(8, Math.min(64, 2 * Math.round((ANALYSIS_WIDTH * video.height) / video.width / 2))) };
}

export async function analyseVideo(file: string, opts: AnalyseOptions = {}): Promise<AnalysedFilm> {
  const video = probeVideo(file);
  const { fps, width, height } = samplingOf(video);
  const sw = SIGNATURE_WIDTH;
  const sh = Math.max(4, Math.round((sw * height) / width));
  const detector = new ShotDetector({ fps, width, height });
  const signatures: Uint8Array[] = [];
  const colors: number[] = [];
  let lastReport = 0;
  const stream = await streamFrames(
    file,
    { fps, width, height },
    (i, rgb) => {
      detector.push(rgb);
      const sig = shrink(rgb, width, height, sw, sh);
      signatures.push(sig);
      const mean = [0, 0, 0];
      for (let p = 0; p < sig.length; p += 3) for (let c = 0; c < 3; c++) mean[c]! += sig[p + c]! / (sig.length / 3);
      colors.push(...mean);
      if (i - lastReport >= fps * 10) {
        lastReport = i;
        opts.onProgress?.(i / fps, video.duration);
      }
    },
    opts.shouldStop,
  );
  const frames = stream.frames;
  const boundaries = detector.finish();
  const duration = frames / fps;
  const colorArray = Float32Array.from(colors);
  const shots: Shot[] = [];
  const keyframeFrames: number[] = [];
  for (const s of shotsFromBoundaries(boundaries, frames, fps)) {
    const [a, b] = s.own;
    const dim = signatures[a]!.length;
    const mean = new Float32Array(dim);
    for (let f = a; f <= b; f++) for (let j = 0; j < dim; j++) mean[j]! += signatures[f]![j]! / (b - a + 1);
    let best = a;
    let bestD = Infinity;
    for (let f = a; f <= b; f++) {
      let d = 0;
      for (let j = 0; j < dim; j++) d += (signatures[f]![j]! - mean[j]!) ** 2;
      if (d < bestD) [best, bestD] = [f, d];
    }
    const color = [0, 1, 2].map((c) => mean.reduce((sum, v, j) => (j % 3 === c ? sum + v : sum), 0) / (dim / 3));
    keyframeFrames.push(best);
    shots.push({ start: Math.round(s.start * 1000) / 1000, end: Math.round(s.end * 1000) / 1000, transition: s.transition, keyframe: Math.round((best / fps) * 1000) / 1000, color: hex(color) });
  }
  opts.onProgress?.(duration, video.duration);
  const analysis: FilmAnalysis = {
    video,
    sampledFps: fps,
    frames,
    duration: Math.round(duration * 1000) / 1000,
    shots,
    ...filmStats(shots, duration),
    colors: colorOverTime(colorArray, frames, fps),
    errors: stream.errors,
    keyframeFrames,
  };
  return { analysis, barcode: await barcode(colorArray, frames), interrupted: !!opts.shouldStop?.() };
}

/** Every sampled frame's mean colour as one column (pooled to at most 1,000 columns), PNG. */
async function barcode(colors: Float32Array, frames: number): Promise<Buffer> {
  const w = Math.max(1, Math.min(1000, frames));
  const column = new Uint8Array(w * 3);
  for (let x = 0; x < w; x++) {
    const from = Math.floor((x * frames) / w);
    const to = Math.max(from + 1, Math.floor(((x + 1) * frames) / w));
    for (let c = 0; c < 3; c++) {
      let s = 0;
      for (let f = from; f < Math.min(to, frames); f++) s += colors[f * 3 + c]!;
      column[x * 3 + c] = Math.round(s / Math.max(1, Math.min(to, frames) - from));
    }
  }
  const img = new Uint8Array(w * BARCODE_HEIGHT * 3);
  for (let y = 0; y < BARCODE_HEIGHT; y++) img.set(column, y * w * 3);
  return sharp(img, { raw: { width: w, height: BARCODE_HEIGHT, channels: 3 } }).png().toBuffer();
}
