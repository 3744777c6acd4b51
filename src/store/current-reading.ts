/** A poster's stored OCR reading, when it is current: read by this reader version from the poster's present bytes. */
import type { Store, StoredPosterText } from './store.js';
import { ocrVersionKey } from '../text/poster-ocr.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'posterText' | 'posters'>;

export async function currentReading(library: StoreParts, key: number): Promise<StoredPosterText | undefined> {
  const [reading, hash] = await Promise.all([library.posterText.get(key), library.posters.hash(key)]);
  return reading && reading.version === ocrVersionKey() && reading.sourceHash === hash ? reading : undefined;
}

/** Posters whose current reading is whole (no small print left to read): what the genre model's poster-words features learn from. */
export async function wholeReadings(library: StoreParts): Promise<number> {
  const p = await library.posterText.progress(ocrVersionKey());
  return p.read - p.smallPrint;
}
