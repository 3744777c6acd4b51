/** Time of the collection-wide analyses on a built library: closest pairs per channel, dupes, explain. */
import { readFile } from 'node:fs/promises';
import { explainMatch } from '../analysis/explain.js';
import { findDuplicatePairs, groupDuplicates } from '../analysis/duplicates.js';
import { closestPairs } from '../analysis/pairs.js';
import { SearchEngine } from '../search/engine.js';
import { IMAGE_CHANNELS } from '../store/channels.js';
import { openStore } from '../store/open-store.js';
import { percentile, round } from './stats.js';

export async function benchAnalysis(dbPath: string) {
  const library = await openStore(dbPath, { create: true });
  const engine = await SearchEngine.fromLibrary(library);
  await engine.warm({ image: true });
  const out: Record<string, unknown> = {};
  for (const c of IMAGE_CHANNELS) {
    const t = performance.now();
    await closestPairs(engine.indexes, c, 200);
    out[`pairs_${c}_seconds`] = round((performance.now() - t) / 1000, 1);
  }
  let t = performance.now();
  const groups = groupDuplicates(await findDuplicatePairs(engine.indexes));
  out.dupesSeconds = round((performance.now() - t) / 1000, 1);
  out.duplicateGroups = groups.length;
  const content = (await engine.channel('content'))!;
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const [a, b] = [content.keys[i * 97]!, content.keys[i * 97 + 13]!];
    const movie = (await library.movies.byKeys([a])).get(a)!;
    const bytes = await readFile((await library.posters.mainFile(movie.id))!.path);
    t = performance.now();
    await explainMatch(engine.embedder, { bytes, source: movie.id }, (await library.vectors.get(b, 'content', engine.modelOf('content')!))!);
    times.push((performance.now() - t) / 1000);
  }
  out.explainSecondsP50 = round(percentile(times, 50), 2);
  out.explainSecondsMax = round(Math.max(...times), 2);
  await engine.close();
  await library.close();
  return out;
}
