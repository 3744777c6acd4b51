import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { SearchEngine } from '../search/engine.js';
import { openExistingLibrary } from './open-library.js';
import { resultsTable } from './format.js';
import { flagsFromJson, queryFromFlags, type SearchFlags } from './search-args.js';

export interface SearchCommandOptions extends SearchFlags {
  db?: string;
  json?: boolean;
  batch?: string;
}

export async function runSearchCommand(opts: SearchCommandOptions): Promise<number> {
  const library = openExistingLibrary(opts.db);
  const engine = SearchEngine.fromLibrary(library);
  try {
    if (opts.batch) return await runBatch(engine, opts.batch);
    const results = await engine.search(await queryFromFlags(opts));
    process.stdout.write(opts.json ? `${JSON.stringify({ results })}\n` : resultsTable(results));
    return 0;
  } finally {
    await engine.close();
    library.close();
  }
}

/** One JSON line out per line in, in order; a bad line yields {"qid", "error"} and the batch goes on. */
async function runBatch(engine: SearchEngine, file: string): Promise<number> {
  const input = file === '-' ? process.stdin : createReadStream(file);
  const opened = new Promise<void>((resolve, reject) => {
    if (input === process.stdin) resolve();
    input.once('error', (err: Error) => reject(new Error(`${file}: cannot read batch file (${(err as NodeJS.ErrnoException).code ?? err.message})`)));
    input.once('readable', () => resolve());
  });
  await opened;
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (!line.trim()) continue;
    let qid: unknown = undefined;
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
      const results = await engine.search(await queryFromFlags(flagsFromJson(obj as Record<string, unknown>)));
      out = { results };
    } catch (err) {
      out = { error: (err as Error).message };
    }
    process.stdout.write(`${JSON.stringify(qid === undefined ? out : { qid, ...out })}\n`);
  }
  return 0;
}
