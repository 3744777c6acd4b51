import { SearchEngine } from '../search/engine.js';
import { openExistingLibrary } from './open-library.js';
import { resultsCsv } from '../search/results-csv.js';
import { resultsTable } from './format.js';
import { runJsonlBatch } from './jsonl-batch.js';
import { queryFromFlags, queryFromJson, type SearchFlags } from './search-args.js';

export interface SearchCommandOptions extends SearchFlags {
  db?: string;
  json?: boolean;
  csv?: boolean;
  batch?: string;
}

export async function runSearchCommand(opts: SearchCommandOptions): Promise<number> {
  const library = await openExistingLibrary(opts.db);
  const engine = await SearchEngine.fromLibrary(library);
  try {
    if (opts.batch) return await runJsonlBatch(opts.batch, async (q) => ({ results: await engine.search(await queryFromJson(q)) }));
    const results = await engine.search(await queryFromFlags(opts));
    process.stdout.write(opts.json ? `${JSON.stringify({ results })}\n` : opts.csv ? resultsCsv(results) : resultsTable(results));
    return 0;
  } finally {
    await engine.close();
    await library.close();
  }
}
