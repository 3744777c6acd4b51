/**
 * Faces on stills (`marquee index --stills <dir> --faces`): an incremental pass like the poster
 * one, storing each still's faces (box as fractions of the frame, score, 128-d descriptor).
 * A movie's face statistics say how much of it shows people and how much is close-ups.
 */
import { decodeBounded } from '../image/decode.js';
import type { FaceModel } from '../models/face-model.js';
import type { StoredFaceJson } from '../store/types.js';
import type { Store } from '../store/store.js';
import { readPosterBytes } from '../image/read-image-file.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'faces'>;

const FACE_SCAN_MAX_SIDE = 640;
/** A still is a close-up when its largest face covers at least this share of the frame. */
export const CLOSE_UP_AREA = 0.04;

export interface StillFacesSummary {
  scanned: number;
  faces: number;
  failed: number;
  seconds: number;
  problems: { item: string; reason: string }[];
}

export async function scanStillFaces(library: StoreParts, model: FaceModel, opts: { shouldStop?: () => boolean; onProgress?: (done: number, total: number) => void } = {}): Promise<StillFacesSummary> {
  const started = performance.now();
  const todo = await library.faces.stillsNeedingScan(model.version);
  const s: StillFacesSummary = { scanned: 0, faces: 0, failed: 0, seconds: 0, problems: [] };
  for (const [i, r] of todo.entries()) {
    if (opts.shouldStop?.()) break;
    const path = r.path;
    try {
      const { bytes, hash } = await readPosterBytes(path);
      if (hash !== r.contentHash) throw new Error('still changed since it was indexed; re-run index to pick it up');
      const faces = await model.detect(await decodeBounded(bytes, path, FACE_SCAN_MAX_SIDE));
      const stored: StoredFaceJson[] = faces.map((f) => ({ box: f.box, score: Math.round(f.score * 1e4) / 1e4, descriptor: Array.from(f.descriptor, (v) => Math.round(v * 1e5) / 1e5) }));
      await library.faces.putStillFaces(r.key, model.version, hash, stored);
      s.scanned++;
      s.faces += faces.length;
    } catch (err) {
      s.failed++;
      s.problems.push({ item: path, reason: (err as Error).message.replace(`${path}: `, '') });
    }
    opts.onProgress?.(i + 1, todo.length);
  }
  s.seconds = (performance.now() - started) / 1000;
  return s;
}

export interface MovieFaceStats {
  /** Stills scanned for faces (0: faces were not enabled). */
  scanned: number;
  /** Share of scanned stills with at least one face. */
  withFaces: number;
  /** Share of scanned stills whose largest face covers ≥ CLOSE_UP_AREA of the frame. */
  closeUps: number;
  meanFaces: number;
}

/** Faces per still key: count and largest face area, for stills that were scanned. */
export async function stillFaceSummaries(library: StoreParts, movieKey?: number): Promise<Map<number, { count: number; largestArea: number }>> {
  const out = new Map<number, { count: number; largestArea: number }>();
  for (const [key, faces] of await library.faces.stillFaces(movieKey))
    out.set(key, { count: faces.length, largestArea: faces.reduce((m, f) => Math.max(m, f.box.width * f.box.height), 0) });
  return out;
}

export async function movieFaceStats(library: StoreParts, movieKey: number): Promise<MovieFaceStats> {
  const per = [...(await stillFaceSummaries(library, movieKey)).values()];
  const n = per.length;
  const r = (x: number) => Math.round(x * 1e4) / 1e4;
  return {
    scanned: n,
    withFaces: n ? r(per.filter((p) => p.count > 0).length / n) : 0,
    closeUps: n ? r(per.filter((p) => p.largestArea >= CLOSE_UP_AREA).length / n) : 0,
    meanFaces: n ? r(per.reduce((a, p) => a + p.count, 0) / n) : 0,
  };
}
