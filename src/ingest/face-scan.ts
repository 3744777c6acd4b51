/** The optional faces pass (`marquee index --faces`): detects faces on posters not yet scanned, incrementally. */
import { decodeBounded } from '../image/decode.js';
import type { FaceModel } from '../models/face-model.js';
import type { Store } from '../store/store.js';
import { FACE_CUES_CHANNEL, faceCues, faceCuesModel } from '../genres/face-cues.js';
import { readPosterBytes } from '../image/read-image-file.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'faces' | 'vectors'>;

/** Posters are scanned at this size: big enough for faces of ~20 px, small enough to be quick. */
const FACE_SCAN_MAX_SIDE = 640;

export interface FaceScanSummary {
  scanned: number;
  faces: number;
  failed: number;
  seconds: number;
}

export async function scanFaces(
  library: StoreParts,
  model: FaceModel,
  opts: { onProgress?: (done: number, total: number) => void; shouldStop?: () => boolean; onProblem?: (file: string, reason: string) => void } = {},
): Promise<FaceScanSummary> {
  const started = performance.now();
  const todo = await library.faces.postersNeedingScan(model.version);
  const s: FaceScanSummary = { scanned: 0, faces: 0, failed: 0, seconds: 0 };
  for (const [i, p] of todo.entries()) {
    if (opts.shouldStop?.()) break;
    try {
      const { bytes, hash } = await readPosterBytes(p.path);
      if (hash !== p.contentHash) throw new Error('poster changed since it was indexed; re-run index to pick it up');
      const faces = await model.detect(await decodeBounded(bytes, p.path, FACE_SCAN_MAX_SIDE));
      await library.faces.putPosterFaces(p.key, model.version, hash, faces);
      // The faces' expressions, age and gender as one genre-cue vector (the faces table keeps boxes and descriptors).
      const cues = faceCuesModel(model.version);
      await library.vectors.put(p.key, [{ channel: FACE_CUES_CHANNEL, modelId: cues.id, modelVersion: cues.version, sourceHash: hash, vector: faceCues(faces) }]);
      s.scanned++;
      s.faces += faces.length;
    } catch (err) {
      s.failed++;
      opts.onProblem?.(p.path, (err as Error).message.replace(`${p.path}: `, ''));
    }
    opts.onProgress?.(i + 1, todo.length);
  }
  s.seconds = (performance.now() - started) / 1000;
  return s;
}
