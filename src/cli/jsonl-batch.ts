/** Batch mode shared by every command: one JSON object per input line, one JSON line out per line in, in order. */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * Runs `handle` on each non-empty line of `file` ("-" = stdin). A line that is not a JSON
 * object, or whose handler throws, prints {"qid", "error"} and the batch goes on; `qid` is
 * echoed when the line has one.
 */
export async function runJsonlBatch(file: string, handle: (query: Record<string, unknown>, line: number) => Promise<Record<string, unknown>>): Promise<number> {
  const input = file === '-' ? process.stdin : createReadStream(file);
  await new Promise<void>((resolve, reject) => {
    if (input === process.stdin) return resolve();
    input.once('error', (err: Error) => reject(new Error(`${file}: cannot read batch file (${(err as NodeJS.ErrnoException).code ?? err.message})`)));
    input.once('readable', () => resolve());
  });
  let n = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    n++;
    if (!line.trim()) continue;
    let qid: unknown;
    let out: Record<string, unknown>;
    try {
      let obj: unknown;
      try {
        obj = JSON.parse(line);
      } catch (err) {
        throw new Error(`line ${n}: invalid JSON (${(err as Error).message})`);
      }
      if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new Error(`line ${n}: not a JSON object`);
      qid = (obj as Record<string, unknown>).qid;
      out = await handle(obj as Record<string, unknown>, n);
    } catch (err) {
      out = { error: (err as Error).message };
    }
    process.stdout.write(`${JSON.stringify(qid === undefined ? out : { qid, ...out })}\n`);
  }
  return 0;
}
