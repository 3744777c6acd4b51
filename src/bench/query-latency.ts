/** Query latency (including query embedding) for image, text and image+text on a built library. */
import { readFile } from 'node:fs/promises';
import { catalogRows } from './catalog-rows.js';
import { SearchEngine } from '../search/engine.js';
import { openStore } from '../store/open-store.js';
import { percentile, round } from './stats.js';

export async function benchQueries(catalog: string, dbPath: string, n = 150) {
  const library = await openStore(dbPath, { create: true });
  const engine = await SearchEngine.fromLibrary(library);
  await engine.warm();
  const rows = (await catalogRows(catalog)).filter((r) => r.posterPath && r.overview.length > 40);
  const step = Math.max(1, Math.floor(rows.length / n));
  const sample = Array.from({ length: n }, (_, i) => rows[(i * step) % rows.length]!);
  const hasFaces = (await library.faces.scannedPosters()) > 0;
  const colors = ['#0b3d4c', '#e07a1f', '#f2e8d5', '#8c1c13', '#1d1d1d'];
  const kinds: Record<string, (r: (typeof sample)[number], i: number) => Promise<unknown>> = {
    palette: async (_r, i) => engine.search({ colors: [colors[i % colors.length]!, colors[(i + 2) % colors.length]!], k: 10 }),
    imageContentOnly: async (r) => engine.search({ image: { bytes: await readFile(r.posterPath!), source: r.posterPath! }, weights: { content: 1 }, k: 10 }),
    ...(hasFaces
      ? {
          imageAllChannelsWithFaces: async (r: (typeof sample)[number]) =>
            engine.search({ image: { bytes: await readFile(r.posterPath!), source: r.posterPath! }, weights: { content: 0.55, color: 0.15, layout: 0.15, faces: 0.15 }, k: 10 }).catch((e: Error) => {
              if (!/no face found/.test(e.message)) throw e;
            }),
        }
      : {}),
    image: async (r: (typeof sample)[number]) => engine.search({ image: { bytes: await readFile(r.posterPath!), source: r.posterPath! }, k: 10 }),
    text: async (r: (typeof sample)[number]) => engine.search({ text: r.overview, k: 10 }),
    both: async (r: (typeof sample)[number]) => engine.search({ image: { bytes: await readFile(r.posterPath!), source: r.posterPath! }, text: r.overview, k: 10 }),
    id: async (r: (typeof sample)[number]) => engine.search({ id: r.id, k: 10 }),
  };
  const out: Record<string, { p50Ms: number; p99Ms: number }> = {};
  for (const [kind, run] of Object.entries(kinds)) {
    await run(sample[0]!, 0);
    const times: number[] = [];
    for (const [i, r] of sample.entries()) {
      const t = performance.now();
      await run(r, i);
      times.push(performance.now() - t);
    }
    out[kind] = { p50Ms: round(percentile(times, 50)), p99Ms: round(percentile(times, 99)) };
  }
  await engine.close();
  await library.close();
  return { queries: n, defaultImageWeights: 'content=0.7,color=0.15,layout=0.15', ...out };
}
