/**
 * Synthetic films with known shot boundaries, made from real stills (there is no real film here):
 * shots of 0.5–12 s with slow zooms, pans and grain, joined by hard cuts, dissolves and fades
 * through black, and white flash frames inside some shots. Used by the shot-detection tests and
 * the speed bench. Frames are drawn here (bilinear crop of a still per frame) and encoded by
 * ffmpeg, which also adds temporal grain (`noise`) and can upscale (the 720p bench film).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { seededRandom } from '../util/random.js';
import { encodeFrames } from './ffmpeg.js';

export type Motion = 'still' | 'zoom-in' | 'zoom-out' | 'pan-left' | 'pan-right';
export type TransitionKind = 'cut' | 'dissolve' | 'fade';

export interface SyntheticShot {
  image: string;
  frames: number;
  motion: Motion;
  /** Frame (within the shot) replaced by a white flash. */
  flashAt?: number;
}

export interface SyntheticFilm {
  fps: number;
  shots: SyntheticShot[];
  /** transitions[i] joins shots[i] and shots[i + 1]. */
  transitions: { kind: TransitionKind; frames: number }[];
}

/** A true boundary: a cut's first new frame, or a gradual transition's frames [start, end). */
export interface TrueBoundary {
  kind: TransitionKind;
  /** Seconds: the cut, or the middle of the transition. */
  time: number;
  start: number;
  end: number;
}

export interface PlanOptions {
  seconds: number;
  fps?: number;
  seed?: number;
  /** Share of transitions that are dissolves and fades (the rest are cuts). */
  dissolveShare?: number;
  fadeShare?: number;
  /** Share of shots of 2 s or more with a flash frame. */
  flashShare?: number;
}

/** A random film about `seconds` long from `stills` (no two neighbouring shots from one still). */
export function planFilm(stills: string[], opts: PlanOptions): SyntheticFilm {
  const fps = opts.fps ?? 25;
  const rand = seededRandom(opts.seed ?? 1);
  const motions: Motion[] = ['still', 'zoom-in', 'zoom-out', 'pan-left', 'pan-right'];
  const shots: SyntheticShot[] = [];
  const transitions: SyntheticFilm['transitions'] = [];
  let total = 0;
  let previous = -1;
  while (total < opts.seconds * fps) {
    // Log-uniform 0.5–12 s: many short shots, some long ones, as in films.
    const seconds = Math.exp(Math.log(0.5) + rand() * (Math.log(12) - Math.log(0.5)));
    let pick = Math.floor(rand() * stills.length);
    if (pick === previous) pick = (pick + 1) % stills.length;
    previous = pick;
    if (shots.length) {
      const r = rand();
      const dissolve = opts.dissolveShare ?? 0.2;
      const kind: TransitionKind = r < dissolve ? 'dissolve' : r < dissolve + (opts.fadeShare ?? 0.15) ? 'fade' : 'cut';
      transitions.push({ kind, frames: kind === 'cut' ? 0 : Math.round((0.5 + rand() * 1.5) * fps) });
    }
    shots.push({ image: stills[pick]!, frames: Math.round(seconds * fps), motion: motions[Math.floor(rand() * motions.length)]! });
    total += Math.round(seconds * fps);
  }
  // Frames of a shot taken by its transitions (a dissolve overlaps both shots; a fade takes half of each side).
  const used = (t: SyntheticFilm['transitions'][number] | undefined, side: 'into' | 'out') =>
    !t || t.kind === 'cut' ? 0 : t.kind === 'dissolve' ? t.frames : side === 'out' ? Math.ceil(t.frames / 2) : Math.floor(t.frames / 2);
  const half = Math.round(0.5 * fps);
  shots.forEach((shot, i) => {
    const into = used(transitions[i - 1], 'into');
    const out = used(transitions[i], 'out');
    // Every shot keeps half a second of its own beside its transitions.
    shot.frames = Math.max(shot.frames, into + out + half);
    const mid = Math.floor((into + shot.frames - out) / 2);
    if (shot.frames >= 2 * fps && mid - into >= half && shot.frames - out - mid >= half && rand() < (opts.flashShare ?? 0.15)) shot.flashAt = mid;
  });
  return { fps, shots, transitions };
}

/** Each shot's first frame in the film (dissolves overlap their shots) and the film's length in frames. */
function layout(film: SyntheticFilm): { starts: number[]; length: number } {
  const starts: number[] = [];
  let at = 0;
  film.shots.forEach((s, i) => {
    starts.push(at);
    const t = film.transitions[i];
    at += s.frames - (t?.kind === 'dissolve' ? t.frames : 0);
  });
  return { starts, length: starts.at(-1)! + film.shots.at(-1)!.frames };
}

/** The true boundaries of a planned film, in film order. */
export function trueBoundaries(film: SyntheticFilm): TrueBoundary[] {
  const { starts } = layout(film);
  return film.transitions.map((t, i) => {
    const next = starts[i + 1]!;
    if (t.kind === 'cut') return { kind: 'cut', time: next / film.fps, start: next, end: next };
    // A dissolve overlaps the next shot's first frames; a fade ends the shot and starts the next.
    const start = t.kind === 'dissolve' ? next : next - Math.ceil(t.frames / 2);
    return { kind: t.kind, time: (start + t.frames / 2) / film.fps, start, end: start + t.frames };
  });
}

interface Source {
  width: number;
  height: number;
  data: Uint8Array;
}

/** The still cropped to the frame's aspect, at 1.25x the frame size (room for zooms and pans). */
async function loadSource(file: string, width: number, height: number): Promise<Source> {
  const w = Math.round(width * 1.25);
  const h = Math.round(height * 1.25);
  const { data } = await sharp(file).removeAlpha().resize(w, h, { fit: 'cover' }).raw().toBuffer({ resolveWithObject: true });
  return { width: w, height: h, data };
}

/** Frame k of n of a shot: the source window for its motion, drawn bilinearly into out (RGB, weight w added). */
function drawShotFrame(src: Source, motion: Motion, k: number, n: number, out: Float32Array, width: number, height: number, weight: number): void {
  const p = n > 1 ? k / (n - 1) : 0;
  // Window size as a share of the source (0.8 = the frame size) and its top-left corner.
  let scale = 0.8;
  if (motion === 'zoom-in') scale = 1 - 0.2 * p;
  if (motion === 'zoom-out') scale = 0.8 + 0.2 * p;
  const ww = src.width * scale;
  const wh = src.height * scale;
  let x0 = (src.width - ww) / 2;
  const y0 = (src.height - wh) / 2;
  if (motion === 'pan-left') x0 = (src.width - ww) * p;
  if (motion === 'pan-right') x0 = (src.width - ww) * (1 - p);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(src.height - 1.001, y0 + ((y + 0.5) * wh) / height - 0.5);
    const iy = Math.max(0, Math.floor(sy));
    const fy = sy - iy;
    for (let x = 0; x < width; x++) {
      const sx = Math.min(src.width - 1.001, x0 + ((x + 0.5) * ww) / width - 0.5);
      const ix = Math.max(0, Math.floor(sx));
      const fx = sx - ix;
      const a = (iy * src.width + ix) * 3;
      const b = a + 3;
      const c = a + src.width * 3;
      const d = c + 3;
      const o = (y * width + x) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const top = src.data[a + ch]! * (1 - fx) + src.data[b + ch]! * fx;
        const bottom = src.data[c + ch]! * (1 - fx) + src.data[d + ch]! * fx;
        out[o + ch]! += weight * (top * (1 - fy) + bottom * fy);
      }
    }
  }
}

export interface RenderOptions {
  /** Size the frames are drawn at. */
  width: number;
  height: number;
  /** ffmpeg upscales to this size when given (the 720p bench film). */
  outWidth?: number;
  outHeight?: number;
  /** Temporal grain strength of ffmpeg's noise filter (0: none). */
  grain?: number;
  crf?: number;
}

/** Draws and encodes a planned film to `file` (H.264 MP4). Returns its true boundaries. */
export async function renderFilm(film: SyntheticFilm, file: string, opts: RenderOptions): Promise<TrueBoundary[]> {
  const { width, height } = opts;
  const { starts, length } = layout(film);
  const cache = new Map<string, Promise<Source>>();
  const source = (f: string) => {
    let s = cache.get(f);
    if (!s) {
      s = loadSource(f, width, height);
      cache.set(f, s);
      // Shots are drawn in order: only a few sources are needed at a time.
      if (cache.size > 4) cache.delete(cache.keys().next().value!);
    }
    return s;
  };
  const filters = [opts.outWidth ? `scale=${opts.outWidth}:${opts.outHeight}:flags=bicubic` : '', opts.grain ? `noise=alls=${opts.grain}:allf=t` : ''].filter(Boolean).join(',');
  const acc = new Float32Array(width * height * 3);
  const frame = new Uint8Array(width * height * 3);
  await encodeFrames(
    file,
    { width, height, fps: film.fps },
    async (push) => {
      let first = 0;
      for (let t = 0; t < length; t++) {
        acc.fill(0);
        while (first < film.shots.length - 1 && starts[first]! + film.shots[first]!.frames <= t) first++;
        let flash = false;
        for (let i = first; i < film.shots.length && starts[i]! <= t; i++) {
          const shot = film.shots[i]!;
          const k = t - starts[i]!;
          if (k >= shot.frames) continue;
          if (shot.flashAt === k) flash = true;
          let weight = 1;
          const into = film.transitions[i - 1];
          const out = film.transitions[i];
          if (into?.kind === 'dissolve' && k < into.frames) weight *= (k + 0.5) / into.frames;
          if (out?.kind === 'dissolve' && k >= shot.frames - out.frames) weight *= 1 - (k - (shot.frames - out.frames) + 0.5) / out.frames;
          if (into?.kind === 'fade') {
            const half = Math.floor(into.frames / 2);
            if (k < half) weight *= (k + 0.5) / (half + 0.5);
          }
          if (out?.kind === 'fade') {
            const half = Math.ceil(out.frames / 2);
            const left = shot.frames - k;
            if (left <= half) weight *= (left - 0.5) / (half + 0.5);
          }
          drawShotFrame(await source(shot.image), shot.motion, k, shot.frames, acc, width, height, weight);
        }
        for (let j = 0; j < frame.length; j++) frame[j] = flash ? 255 : Math.max(0, Math.min(255, Math.round(acc[j]!)));
        await push(frame.slice());
      }
    },
    { filters: filters || undefined, crf: opts.crf },
  );
  return trueBoundaries(film);
}

/** Every `step`-th frame of every film of a stills folder (`<slug>/NNN.jpg`): the pictures synthetic shots are made of. */
export function stillsForFilms(root: string, step = 7): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .flatMap((d) =>
      readdirSync(join(root, d))
        .filter((f) => f.endsWith('.jpg'))
        .sort()
        .filter((_, i) => i % step === 0)
        .map((f) => join(root, d, f)),
    );
}
