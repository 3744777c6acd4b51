/**
 * Shot detection speed and accuracy (`npm run bench -- shots`): a synthetic 10-minute film
 * (MARQUEE_BENCH_FILM_SECONDS) drawn from the real stills, upscaled to 720p with grain by ffmpeg,
 * then analysed as `index --video` does. Speed is reported against real time and, in the same run,
 * against ffmpeg decoding the same file alone (a ratio survives a noisy machine).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { decodeArgs, ffmpegPath, probeVideo } from '../films/ffmpeg.js';
import { analyseVideo, samplingOf } from '../films/film-analysis.js';
import { scoreBoundaries } from '../films/boundary-score.js';
import { planFilm, renderFilm, stillsForFilms } from '../films/synthetic-film.js';

export async function benchShots(stillsRoot: string, dir: string): Promise<Record<string, unknown>> {
  const seconds = Number(process.env.MARQUEE_BENCH_FILM_SECONDS ?? 600);
  const film = planFilm(stillsForFilms(stillsRoot), { seconds, seed: 99 });
  const file = join(dir, 'film-720p.mp4');
  let t0 = performance.now();
  const truth = await renderFilm(film, file, { width: 320, height: 180, outWidth: 1280, outHeight: 720, grain: 8, crf: 20 });
  const makeSeconds = (performance.now() - t0) / 1000;
  // ffmpeg alone: decode exactly as the analysis does (same sampling and size) and drop the frames.
  t0 = performance.now();
  spawnSync(ffmpegPath(), [...decodeArgs(file, samplingOf(probeVideo(file))), '-f', 'null', '-']);
  const decodeSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const { analysis } = await analyseVideo(file);
  const analyseSeconds = (performance.now() - t0) / 1000;
  const found = analysis.shots.slice(1).map((s) => ({ kind: s.transition, time: s.start }));
  const score = scoreBoundaries(truth, found, film.fps);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    film: { seconds: analysis.duration, width: 1280, height: 720, fps: film.fps, shots: film.shots.length, boundaries: truth.length, madeInSeconds: round(makeSeconds) },
    speed: { analyseSeconds: round(analyseSeconds), realTimeFactor: round(analysis.duration / analyseSeconds), decodeOnlySeconds: round(decodeSeconds), decodeOnlyRealTimeFactor: round(analysis.duration / decodeSeconds), analysisOverDecode: round(analyseSeconds / decodeSeconds) },
    cuts: { ...score.cuts, precision: round(score.cuts.precision), recall: round(score.cuts.recall), f1: round(score.cuts.f1) },
    gradual: { ...score.gradual, precision: round(score.gradual.precision), recall: round(score.gradual.recall), f1: round(score.gradual.f1) },
    asl: analysis.asl,
  };
}
