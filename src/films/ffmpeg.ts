/**
 * ffmpeg as a subprocess: finding it, probing a video, streaming its frames as small RGB images,
 * grabbing chosen frames as JPEGs, and encoding raw frames (the synthetic test films).
 *
 * Decoding speed decides the analysis speed: the h264 decoder skips its loop filter
 * (`-skip_loop_filter all`, artefacts vanish at 64 px wide) and ffmpeg scales with `area`
 * averaging so that grain and noise average out instead of aliasing into frame differences.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { MarqueeError } from '../util/errors.js';
import { jobThreads } from '../util/job-threads.js';

/** The ffmpeg (and ffprobe beside it) to run: MARQUEE_FFMPEG, else the one on PATH. */
export function ffmpegPath(): string {
  const configured = process.env.MARQUEE_FFMPEG;
  if (configured) {
    if (!existsSync(configured)) throw new MarqueeError('tool_missing', `MARQUEE_FFMPEG is ${configured}, which does not exist`);
    return configured;
  }
  const found = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' });
  if (found.error || found.status !== 0)
    throw new MarqueeError('tool_missing', 'reading films needs ffmpeg, which is not on PATH: install it (Debian: apt-get install ffmpeg) or set MARQUEE_FFMPEG to its path');
  return 'ffmpeg';
}

function ffprobePath(): string {
  const ffmpeg = ffmpegPath();
  return ffmpeg === 'ffmpeg' ? 'ffprobe' : ffmpeg.replace(/ffmpeg([^/]*)$/, 'ffprobe$1');
}

export interface VideoInfo {
  width: number;
  height: number;
  /** Frames per second of the video stream. */
  fps: number;
  /** Seconds, from the container (may be missing or wrong for a truncated file). */
  duration: number | null;
}

/** The first video stream's size, rate and duration; a clear error when the file has none. */
export function probeVideo(file: string): VideoInfo {
  if (!existsSync(file)) throw new MarqueeError('bad_video', `${file}: video file does not exist`);
  const r = spawnSync(ffprobePath(), ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,avg_frame_rate,r_frame_rate:format=duration,format_name', '-of', 'json', file], { encoding: 'utf8' });
  if (r.error) throw new MarqueeError('tool_missing', `cannot run ffprobe (${r.error.message})`);
  let parsed: { streams?: { width?: number; height?: number; avg_frame_rate?: string; r_frame_rate?: string }[]; format?: { duration?: string; format_name?: string } };
  try {
    parsed = JSON.parse(r.stdout || '{}') as typeof parsed;
  } catch {
    parsed = {};
  }
  const s = parsed.streams?.[0];
  if (!s?.width || !s.height) throw new MarqueeError('bad_video', `${file}: not a video ffmpeg can read${r.stderr.trim() ? ` (${r.stderr.trim().split('\n')[0]})` : ''}`);
  // ffmpeg reads a picture as a one-frame video; a film it is not.
  const format = parsed.format?.format_name ?? '';
  if (/(^|,)image2($|,)|_pipe($|,)/.test(format)) throw new MarqueeError('bad_video', `${file}: is a still image (${format.replace(/_pipe/g, '')}), not a video`);
  const rate = (v?: string) => {
    const [n, d] = (v ?? '').split('/').map(Number);
    return n && d ? n / d : NaN;
  };
  const fps = [rate(s.avg_frame_rate), rate(s.r_frame_rate)].find((x) => Number.isFinite(x) && x > 0 && x < 1000) ?? 25;
  const duration = Number(parsed.format?.duration);
  return { width: s.width, height: s.height, fps, duration: Number.isFinite(duration) && duration > 0 ? duration : null };
}

export interface FrameStreamOptions {
  /** Sampled frames per second (frames are taken at this fixed rate). */
  fps: number;
  width: number;
  height: number;
}

export interface FrameStreamResult {
  frames: number;
  /** ffmpeg's complaints (decode errors of a damaged file), first lines only. */
  errors: string[];
}

/**
 * Streams a video's frames, sampled at `fps` and scaled to width x height RGB8, to `onFrame`
 * (index, pixels). A damaged file yields what decodes; its errors are returned, not thrown.
 */
/** ffmpeg's arguments that decode a video, sampled and scaled as `opts` says (the caller adds the output). */
export function decodeArgs(file: string, opts: FrameStreamOptions): string[] {
  return ['-v', 'error', '-nostdin', '-threads', String(jobThreads() ?? 0), '-skip_loop_filter', 'all', '-i', file, '-an', '-sn', '-vf', `fps=${opts.fps},scale=${opts.width}:${opts.height}:flags=area`];
}

export async function streamFrames(file: string, opts: FrameStreamOptions, onFrame: (index: number, rgb: Uint8Array) => void, shouldStop?: () => boolean): Promise<FrameStreamResult> {
  const args = [...decodeArgs(file, opts), '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1'];
  const child = spawn(ffmpegPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const frameBytes = opts.width * opts.height * 3;
  let pending: Buffer = Buffer.alloc(0);
  let frames = 0;
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 20_000) stderr += d.toString();
  });
  child.stdout.on('data', (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let offset = 0;
    while (pending.length - offset >= frameBytes) {
      onFrame(frames++, new Uint8Array(pending.buffer, pending.byteOffset + offset, frameBytes));
      offset += frameBytes;
    }
    pending = pending.subarray(offset);
    if (shouldStop?.()) child.kill('SIGTERM');
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', (err) => reject(new MarqueeError('tool_missing', `cannot run ffmpeg (${err.message})`)));
    child.on('close', (c) => resolve(c));
  });
  const errors = stderr.split('\n').map((l) => l.trim()).filter(Boolean).slice(0, 20);
  if (code !== 0 && frames === 0 && !shouldStop?.()) throw new MarqueeError('bad_video', `${file}: no frame could be decoded${errors.length ? ` (${errors[0]})` : ''}`);
  return { frames, errors };
}

/**
 * Writes the frames at the given sampled indices (of the stream sampled at `fps`) as JPEGs at most
 * `width` wide into `dir`, in one decoding pass. Returns each index's file.
 */
export function grabFrames(file: string, fps: number, indices: number[], width: number, dir: string): Map<number, string> {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const files = new Map<number, string>();
  if (sorted.length === 0) return files;
  const select = sorted.map((n) => `eq(n\\,${n})`).join('+');
  const args = ['-v', 'error', '-nostdin', '-y', '-i', file, '-an', '-sn', '-vf', `fps=${fps},select=${select},scale='min(${width},iw)':-2`, '-fps_mode', 'passthrough', '-q:v', '3', '-start_number', '0', join(dir, 'grab-%d.jpg')];
  const r = spawnSync(ffmpegPath(), args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.error) throw new MarqueeError('tool_missing', `cannot run ffmpeg (${r.error.message})`);
  // ffmpeg numbers what it wrote 0..k-1 in stream order: the k-th file is the k-th index asked for.
  sorted.forEach((n, k) => {
    const written = join(dir, `grab-${k}.jpg`);
    if (!existsSync(written)) return;
    const named = join(dir, `${String(n).padStart(6, '0')}.jpg`);
    renameSync(written, named);
    files.set(n, named);
  });
  return files;
}

/** Encodes raw RGB frames (written by `write`) into an H.264 file; `filters` run after the input (e.g. scale, noise). */
export async function encodeFrames(
  file: string,
  size: { width: number; height: number; fps: number },
  write: (push: (frame: Uint8Array) => Promise<void>) => Promise<void>,
  opts: { filters?: string; crf?: number; preset?: string } = {},
): Promise<void> {
  const args = ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${size.width}x${size.height}`, '-r', String(size.fps), '-i', 'pipe:0'];
  if (opts.filters) args.push('-vf', opts.filters);
  args.push('-c:v', 'libx264', '-preset', opts.preset ?? 'veryfast', '-crf', String(opts.crf ?? 23), '-pix_fmt', 'yuv420p', '-movflags', '+faststart', file);
  const child = spawn(ffmpegPath(), args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  await write(
    (frame) =>
      new Promise<void>((resolve, reject) => {
        const ok = child.stdin.write(frame, (err) => (err ? reject(err) : undefined));
        if (ok) resolve();
        else child.stdin.once('drain', () => resolve());
      }),
  );
  child.stdin.end();
  const code = await closed;
  if (code !== 0) throw new Error(`ffmpeg could not encode ${file}: ${stderr.trim().split('\n')[0] ?? `exit ${code}`}`);
}
