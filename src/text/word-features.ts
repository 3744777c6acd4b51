/**
 * Poster words as genre features: the squashed text of each line (OCR drops spaces, so words are
 * not reliable units) cut into character 4-grams, hashed into 512 buckets with log(1 + count)
 * weights, L2-normalised. "TERROR", "KILLER", "LOVE", "COMEDY" and studio or festival names land
 * in their own buckets whatever the spacing. A poster without text is the zero vector.
 */
import { createHash } from 'node:crypto';
import type { ModelRef } from '../models/types.js';
import { squash } from './normalize.js';
import { ocrVersionKey } from './poster-ocr.js';
import type { TextLine } from './types.js';

export const PRINTED_CHANNEL = 'printed';
const DIMENSION = 512;
const GRAM = 4;

/** The words features' identity: a new reader version makes a trained genre model stale. */
export function printedWordsModel(): ModelRef {
  return { id: 'printed-words', version: `h${DIMENSION}-c${GRAM}-v1/${createHash('sha1').update(ocrVersionKey()).digest('hex').slice(0, 12)}`, dimension: DIMENSION };
}

/** FNV-1a of a string, into the bucket range. */
function bucket(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % DIMENSION;
}

export function printedWordsVector(lines: TextLine[]): Float32Array {
  const counts = new Float32Array(DIMENSION);
  for (const l of lines) {
    const s = `^${squash(l.text)}$`;
    for (let i = 0; i + GRAM <= s.length; i++) counts[bucket(s.slice(i, i + GRAM))]! += 1;
  }
  let n = 0;
  for (let i = 0; i < DIMENSION; i++) {
    counts[i] = Math.log1p(counts[i]!);
    n += counts[i]! * counts[i]!;
  }
  if (n > 0) for (let i = 0; i < DIMENSION; i++) counts[i] = counts[i]! / Math.sqrt(n);
  return counts;
}
