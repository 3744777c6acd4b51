/**
 * What to show a person of the text read off a poster: confident lines with a word in them (OCR
 * of credits and textures also yields fragments like "sdl;k"), the largest few, in reading order.
 */
import type { TextLine } from './types.js';

export function readableLines(lines: TextLine[], most = 6): TextLine[] {
  const worded = lines.filter((l) => l.confidence >= 0.8 && /\p{L}{3,}/u.test(l.text));
  const largest = new Set([...worded].sort((a, b) => b.size - a.size).slice(0, most));
  return worded.filter((l) => largest.has(l)).sort((a, b) => a.order - b.order);
}
