/**
 * The OCR passes: read the printed text of every poster not yet read by this reader version (or
 * changed since), several at a time on the OCR pool, storing each reading as it arrives, so an
 * interrupted or killed pass resumes where it stopped. A poster that cannot be read gets its reason
 * stored (retried once the poster changes); it never fails the poster or the pass.
 *
 * A background pass reads in two steps (poster-ocr.ts, "Small print later"): `readPosterText` with
 * `smallPrint: 'later'` reads the title-sized lines and stores the small print's strips with the
 * reading; `readSmallPrint`, a later pass of lower priority, reads those strips and stores the whole
 * reading. The lines are the same as one reading in one go.
 */
import type { Store } from '../store/store.js';
import type { OcrPool } from '../text/ocr-pool.js';
import { ocrVersionKey, type SmallPrint } from '../text/poster-ocr.js';
import type { PosterText } from '../text/types.js';
import { readPosterBytes } from '../image/read-image-file.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'posterText'>;

export interface TextPassSummary {
  read: number;
  lines: number;
  failed: number;
  interrupted: boolean;
  seconds: number;
  postersPerSecond: number;
  /** Read posters whose small print is still to read once the pass ended. */
  smallPrintLeft: number;
}

export interface TextPassOptions {
  onProgress?: (done: number, total: number) => void;
  shouldStop?: () => boolean;
  onProblem?: (file: string, reason: string) => void;
  /** 'later': leave lines shorter than OCR_SETTINGS.smallPrintBelow for readSmallPrint (default 'now'). */
  smallPrint?: SmallPrint;
}

interface Todo {
  key: number;
  path: string;
  contentHash: string;
}

/** Reads the posters this reader version has not read, or whose bytes changed since. */
export async function readPosterText(library: StoreParts, pool: OcrPool, opts: TextPassOptions = {}): Promise<TextPassSummary> {
  const versionKey = ocrVersionKey();
  return runTextPass(library, pool, await library.posterText.postersNeeding(versionKey), versionKey, opts, (bytes, p) => pool.read(bytes, p.path, opts.smallPrint ?? 'now'));
}

/** Reads the small print earlier readings left for later; each poster's whole reading replaces its first. */
export async function readSmallPrint(library: StoreParts, pool: OcrPool, opts: Omit<TextPassOptions, 'smallPrint'> = {}): Promise<TextPassSummary> {
  const versionKey = ocrVersionKey();
  // A failure here stores nothing: the poster keeps the reading of its title-sized lines, and the small print is tried again by the next pass.
  return runTextPass(library, pool, await library.posterText.postersWithSmallPrint(versionKey), versionKey, { ...opts, keepReadingOnFailure: true }, async (bytes, p) => {
    const earlier = await library.posterText.get(p.key);
    // Re-read or changed since it was listed: nothing of the earlier reading is left to finish.
    if (!earlier || earlier.version !== versionKey || earlier.sourceHash !== p.contentHash || earlier.smallPrint.length === 0) return undefined;
    return pool.read(bytes, p.path, 'now', { lines: earlier.lines, smallPrint: earlier.smallPrint });
  });
}

type ReadOne = (bytes: Buffer, p: Todo) => Promise<PosterText | { error: string } | undefined>;

async function runTextPass(library: StoreParts, pool: OcrPool, todo: Todo[], versionKey: string, opts: TextPassOptions & { keepReadingOnFailure?: boolean }, readOne: ReadOne): Promise<TextPassSummary> {
  const started = performance.now();
  const s: TextPassSummary = { read: 0, lines: 0, failed: 0, interrupted: false, seconds: 0, postersPerSecond: 0, smallPrintLeft: 0 };
  let next = 0;
  let done = 0;
  let readerFailures = 0;
  const fail = async (key: number, file: string, hash: string | null, reason: string): Promise<void> => {
    s.failed++;
    opts.onProblem?.(file, reason);
    if (hash && !opts.keepReadingOnFailure) await library.posterText.put(key, versionKey, hash, { error: reason });
  };
  // Two posters in flight per reader keep every worker busy while the main thread reads files and writes rows.
  const lane = async (): Promise<void> => {
    while (next < todo.length) {
      if (opts.shouldStop?.()) {
        s.interrupted = true;
        return;
      }
      const p = todo[next++]!;
      let bytes: Buffer;
      let hash: string;
      try {
        ({ bytes, hash } = await readPosterBytes(p.path));
      } catch (err) {
        await fail(p.key, p.path, p.contentHash, (err as Error).message.replace(`${p.path}: `, ''));
        opts.onProgress?.(++done, todo.length);
        continue;
      }
      if (hash !== p.contentHash) {
        // Not stored: indexing the changed poster makes it due again.
        await fail(p.key, p.path, null, 'poster changed since it was indexed; re-run index to pick it up');
      } else {
        try {
          const answer = await readOne(bytes, p);
          if (answer && 'error' in answer) await fail(p.key, p.path, hash, answer.error);
          else if (answer) {
            await library.posterText.put(p.key, versionKey, hash, answer);
            s.read++;
            s.lines += answer.lines.length;
          }
        } catch (err) {
          // The reader broke, not the poster: not stored, so the next pass tries again. A reader
          // that never works stops the pass instead of marking every poster.
          readerFailures++;
          await fail(p.key, p.path, null, `OCR failed: ${(err as Error).message}`);
          if (readerFailures >= 3 && s.read === 0) throw new Error(`the OCR reader does not work: ${(err as Error).message}`);
        }
      }
      opts.onProgress?.(++done, todo.length);
    }
  };
  await Promise.all(Array.from({ length: pool.threads * 2 }, lane));
  s.seconds = (performance.now() - started) / 1000;
  s.postersPerSecond = s.seconds > 0 ? (s.read + s.failed) / s.seconds : 0;
  s.smallPrintLeft = (await library.posterText.progress(versionKey)).smallPrint;
  return s;
}
