/**
 * The OCR pass: reads the printed text of every poster not yet read by this reader version (or
 * changed since), several at a time on the OCR pool, and stores each reading as it arrives, so
 * an interrupted or killed pass resumes where it stopped. A poster that cannot be read gets its
 * reason stored (retried once the poster changes); it never fails the poster or the pass.
 */
import type { Store } from '../store/store.js';
import type { OcrPool } from '../text/ocr-pool.js';
import { ocrVersionKey } from '../text/poster-ocr.js';
import { readPosterBytes } from './prepare-poster.js';

export interface TextPassSummary {
  read: number;
  lines: number;
  failed: number;
  interrupted: boolean;
  seconds: number;
  postersPerSecond: number;
}

export interface TextPassOptions {
  onProgress?: (done: number, total: number) => void;
  shouldStop?: () => boolean;
  onProblem?: (file: string, reason: string) => void;
}

export async function readPosterText(library: Store, pool: OcrPool, opts: TextPassOptions = {}): Promise<TextPassSummary> {
  const started = performance.now();
  const versionKey = ocrVersionKey();
  const todo = await library.postersNeedingText(versionKey);
  const s: TextPassSummary = { read: 0, lines: 0, failed: 0, interrupted: false, seconds: 0, postersPerSecond: 0 };
  let next = 0;
  let done = 0;
  let readerFailures = 0;
  const fail = async (key: number, file: string, hash: string | null, reason: string): Promise<void> => {
    s.failed++;
    opts.onProblem?.(file, reason);
    if (hash) await library.putPosterText(key, versionKey, hash, { error: reason });
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
          const answer = await pool.read(bytes, p.path);
          if ('error' in answer) await fail(p.key, p.path, hash, answer.error);
          else {
            await library.putPosterText(p.key, versionKey, hash, answer);
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
  return s;
}
