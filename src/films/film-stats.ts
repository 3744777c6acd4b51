/**
 * A film's numbers from its shots and sampled frames: shot lengths (average, median, the
 * Cinemetrics-style distribution in doubling bins), cutting rhythm over the running time, and
 * colour over time. Pure functions; film-analysis.ts feeds them.
 */
import type { Transition } from './shot-detector.js';

export interface Shot {
  /** Seconds. */
  start: number;
  end: number;
  /** How the shot begins (the film's first shot: "cut"). */
  transition: Transition;
  /** Seconds: the frame nearest the shot's mean picture (its keyframe, a still of the movie). */
  keyframe: number;
  /** The shot's mean colour, #rrggbb. */
  color: string;
}

export interface RhythmPoint {
  /** Window middle, seconds. */
  t: number;
  /** Shots beginning in the window, per minute. */
  cutsPerMinute: number;
  /** Mean length of the shots overlapping the window, seconds. */
  asl: number;
}

export interface ColorPoint {
  t: number;
  color: string;
  /** Mean luma 0–1. */
  lightness: number;
}

export interface FilmStats {
  shotCount: number;
  /** Average shot length, seconds. */
  asl: number;
  medianShotLength: number;
  /** Shots per length bin: [0, 1), [1, 2), [2, 4), … seconds. */
  shotLengths: { from: number; to: number | null; count: number }[];
  rhythm: RhythmPoint[];
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

export const hex = (rgb: ArrayLike<number>): string => `#${[0, 1, 2].map((i) => Math.max(0, Math.min(255, Math.round(rgb[i]!))).toString(16).padStart(2, '0')).join('')}`;

export function filmStats(shots: Shot[], duration: number): FilmStats {
  const lengths = shots.map((s) => s.end - s.start);
  const sorted = [...lengths].sort((a, b) => a - b);
  const median = sorted.length === 0 ? 0 : sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  const edges = [0, 1, 2, 4, 8, 16, 32, 64];
  const shotLengths = edges.map((from, i) => ({ from, to: edges[i + 1] ?? null, count: lengths.filter((l) => l >= from && (edges[i + 1] === undefined || l < edges[i + 1]!)).length }));
  // Windows of a fortieth of the film (at least 10 s), half-overlapping.
  const window = Math.max(10, duration / 40);
  const rhythm: RhythmPoint[] = [];
  for (let from = 0; from < duration; from += window / 2) {
    const to = Math.min(duration, from + window);
    const starting = shots.filter((s, i) => i > 0 && s.start >= from && s.start < to).length;
    const overlapping = shots.filter((s) => s.end > from && s.start < to);
    rhythm.push({ t: round((from + to) / 2, 2), cutsPerMinute: round((starting * 60) / Math.max(to - from, 1e-6), 2), asl: round(overlapping.reduce((a, s) => a + (s.end - s.start), 0) / Math.max(1, overlapping.length), 2) });
    if (to >= duration) break;
  }
  return { shotCount: shots.length, asl: round(shots.length ? duration / shots.length : 0), medianShotLength: round(median), shotLengths, rhythm };
}

/** The mean colours of every sampled frame, pooled into at most `bins` points over the running time. */
export function colorOverTime(frameColors: Float32Array, frames: number, fps: number, bins = 240): ColorPoint[] {
  const n = Math.min(bins, frames);
  const out: ColorPoint[] = [];
  for (let b = 0; b < n; b++) {
    const from = Math.floor((b * frames) / n);
    const to = Math.max(from + 1, Math.floor(((b + 1) * frames) / n));
    const sum = [0, 0, 0];
    for (let f = from; f < to; f++) for (let c = 0; c < 3; c++) sum[c]! += frameColors[f * 3 + c]! / (to - from);
    out.push({ t: round(((from + to) / 2) / fps, 2), color: hex(sum), lightness: round((0.299 * sum[0]! + 0.587 * sum[1]! + 0.114 * sum[2]!) / 255) });
  }
  return out;
}
