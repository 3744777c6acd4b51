/**
 * Faces as genre cues: one small vector per scanned poster from its faces (face-api's 7
 * expressions, age and gender, and how much of the poster faces fill). Comedies smile, horror
 * screams, dramas look into the lens, animation and documentaries often show no face. Stored
 * as a vector channel of its own, versioned by the face model, and added to the poster genre
 * features when posters have been scanned (`marquee index --faces`).
 *
 * Layout (21): scanned, has a face, log(1 + faces)/2, largest face's area share, all faces' area
 * share, area-weighted mean of each expression (7), max of each expression (7), mean
 * probability of a woman's face, mean age / 60. Not scanned: all zero (scanned = 0).
 */
import { EXPRESSIONS, type DetectedFace } from '../models/face-model.js';
import type { ModelRef } from '../store/types.js';

export const FACE_CUES_CHANNEL = 'face-cues';
export const FACE_CUES_DIMENSION = 5 + 2 * EXPRESSIONS.length + 2;

export function faceCuesModel(faceModelVersion: string): ModelRef {
  return { id: 'face-cues', version: `${faceModelVersion}/c1`, dimension: FACE_CUES_DIMENSION };
}

export function faceCues(faces: DetectedFace[]): Float32Array {
  const v = new Float32Array(FACE_CUES_DIMENSION);
  v[0] = 1;
  const withCues = faces.filter((f) => f.expressions?.length === EXPRESSIONS.length);
  if (faces.length === 0) return v;
  v[1] = 1;
  v[2] = Math.log1p(faces.length) / 2;
  const areas = faces.map((f) => Math.min(1, f.box.width * f.box.height));
  v[3] = Math.max(...areas);
  v[4] = Math.min(1, areas.reduce((a, b) => a + b, 0));
  const e = EXPRESSIONS.length;
  const totalArea = withCues.reduce((s, f) => s + Math.min(1, f.box.width * f.box.height), 0) || 1;
  for (const f of withCues) {
    const w = Math.min(1, f.box.width * f.box.height) / totalArea;
    f.expressions!.forEach((p, j) => {
      v[5 + j]! += w * p;
      v[5 + e + j] = Math.max(v[5 + e + j]!, p);
    });
  }
  if (withCues.length) {
    v[5 + 2 * e] = withCues.reduce((s, f) => s + (f.female ?? 0.5), 0) / withCues.length;
    v[6 + 2 * e] = withCues.reduce((s, f) => s + (f.age ?? 30), 0) / withCues.length / 60;
  }
  return v;
}
