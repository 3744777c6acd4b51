/** Stills: indexing rate, time to compute every movie's look and all look rankings, which-movie latency and leave-one-out time. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadImageModel } from '../models/registry.js';
import { SearchEngine } from '../search/engine.js';
import { indexStills } from '../stills/index-stills.js';
import { loadMovieStills, similarLooks } from '../stills/looks.js';
import { barcodePng, movieLook } from '../stills/movie-look.js';
import { StillsService } from '../stills/service.js';
import { StillsMatcher } from '../stills/which-movie.js';
import { openStore } from '../store/open-store.js';
import { percentile, round } from './stats.js';

export async function benchStills(folder: string, db: string): Promise<Record<string, unknown>> {
  const library = await openStore(db, { create: true });
  const model = await loadImageModel();
  await library.library.setMeta('image_model_spec', 'mobilenet-v2-1.4');
  const indexed = await indexStills(folder, { library, imageModel: model });
  await model.close();

  // Looks: aggregate every movie's stills (palette, HSL, barcode), then every movie's ranking.
  let t = performance.now();
  const withStills = await library.stills.movies();
  for (const m of withStills) {
    const stills = await library.stills.ofMovie(m.key);
    movieLook(stills);
    await barcodePng(stills);
  }
  const aggregateMs = performance.now() - t;
  t = performance.now();
  const fresh = await loadMovieStills(library, (await StillsMatcher.prepare(await library.stills.all())).contentByMovie());
  for (const m of fresh) await similarLooks(fresh, m.id, 100);
  const rankingsMs = performance.now() - t;

  const engine = await SearchEngine.fromLibrary(library);
  const service = new StillsService(library, engine.embedder);
  const first = await library.stills.ofMovie(withStills[0]!.key);
  const queryBytes = await Promise.all(first.slice(0, 20).map((s) => readFile(s.path)));
  await service.whichMovie(queryBytes[0]!, 'warm-up');
  const times: number[] = [];
  for (const b of queryBytes) {
    const q = performance.now();
    await service.whichMovie(b, 'bench');
    times.push(performance.now() - q);
  }
  t = performance.now();
  const evaluation = await service.evaluate();
  const evalSeconds = (performance.now() - t) / 1000;
  await engine.close();
  await library.close();
  return {
    folder: join(folder),
    stills: indexed.total,
    movies: indexed.movies,
    indexSeconds: round(indexed.seconds, 1),
    stillsPerSecond: round(indexed.stillsPerSecond, 1),
    looksAggregateMs: round(aggregateMs, 0),
    allLookRankingsMs: round(rankingsMs, 0),
    whichMovieP50Ms: round(percentile(times, 50), 1),
    whichMovieP99Ms: round(percentile(times, 99), 1),
    evalSeconds: round(evalSeconds, 1),
    evalTop1: evaluation.top1,
  };
}
