/**
 * `npm run bench -- hubs` (MARQUEE_BENCH_DB: an indexed library): hubs of the content channel,
 * top-10 lists by exact cosine, raw / centred / PCA-whitened (search/whitening.ts): the worst hub
 * (most k-occurrences), the share of all list slots the top 1 % of posters fill, and the share of
 * neighbours sharing a genre (genre P@10). The library is split in two by an FNV-1a hash of the
 * film id, each half ranked as a library of its own with the transform learned on it: the
 * whitening setting was chosen on the **dev** half, among the alternatives listed here, and is
 * reported on the **report** half and the whole library, also with the neighbours the served
 * index (search/whitened-index.ts) returns and how many of them the pgvector path (candidates
 * over-fetched from the centred index) finds.
 * MARQUEE_BENCH_ALTERNATIVES=0 skips the alternatives; MARQUEE_BENCH_HUBS_ON=dev (comma-separated
 * among dev, report, whole) measures only those.
 */
import { hubStats, hubStatsOfLists, type HubStats, type HubTransform } from '../analysis/hubness.js';
import { defaultImageModel, refOf } from '../store/library-models.js';
import { HUB_WHITENING, WHITENING_SAMPLE } from '../search/index-factory.js';
import { CentredIndex } from '../search/centred-index.js';
import { ExactIndex } from '../search/exact-index.js';
import { WhitenedIndex } from '../search/whitened-index.js';
import { principalAxes, Whitening, type PrincipalAxes } from '../search/whitening.js';
import { openStore } from '../store/open-store.js';
import { l2normalize, meanVector } from '../util/vectors.js';
import { round } from './stats.js';

/** FNV-1a: a stable split that does not depend on the order of the files. */
function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

const whiten = (components: number, power: number, centre = true): { name: string; transform: HubTransform } => ({
  name: `pca${components}-p${power}${centre ? '' : '-uncentred'}`,
  transform: { kind: 'whiten', components, power, centre },
});

/** Most axes any alternative keeps (the axes are computed once, this many). */
const MAX_COMPONENTS = 256;

/** The settings compared on the dev half (components × power, centred; two uncentred). */
export const ALTERNATIVES = [
  ...[64, 128, 256].flatMap((c) => [0.2, 0.25, 0.3, 0.35, 0.4, 0.5].map((p) => whiten(c, p))),
  whiten(128, 0.25, false),
  whiten(256, 0.25, false),
];

interface Library {
  vectors: Float32Array[];
  genres: string[][];
  titles: string[];
}

/** Genre P@10 of `s` minus that of `base`, with the standard error of the paired difference. */
function genreDelta(s: HubStats, base: HubStats): { delta: number; se: number } {
  const n = s.items;
  const d = Array.from(s.genreSharingOf, (x, i) => x - base.genreSharingOf[i]!);
  const mean = d.reduce((a, b) => a + b, 0) / n;
  const variance = d.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { delta: round(mean, 4), se: round(Math.sqrt(variance / n), 4) };
}

function show(s: HubStats, lib: Library, centred?: HubStats) {
  return {
    worstHub: s.worstHub.occurrences,
    worstHubTitle: lib.titles[s.worstHub.index],
    top1PercentShare: round(s.top1PercentShare, 4),
    genreP10: round(s.genreSharing, 4),
    ...(centred ? { genreP10VsCentred: genreDelta(s, centred) } : {}),
  };
}

/**
 * Hub figures of the neighbours the served index returns (top 10 of each poster, itself left
 * out): in-process (the whitened copies in an exact index, as the SQLite library serves), and
 * how many of those the engine-index path (pgvector: candidates over-fetched from the centred
 * index, re-ranked) finds.
 */
async function served(lib: Library): Promise<{ stats: HubStats; engineRecall: number; learnMs: number; bytes: number }> {
  const t0 = performance.now();
  const whitening = await Whitening.learn(lib.vectors, HUB_WHITENING, WHITENING_SAMPLE);
  const learnMs = performance.now() - t0;
  const dim = lib.vectors[0]!.length;
  const entries = lib.vectors.map((vector, key) => ({ key, vector }));
  const mean = Float32Array.from(meanVector(lib.vectors));
  const local = new WhitenedIndex(new CentredIndex(new ExactIndex(dim, entries.length), mean), whitening, new ExactIndex(whitening.dimension, entries.length));
  await local.upsert(entries);
  const engine = new WhitenedIndex(new CentredIndex(new ExactIndex(dim, entries.length), mean), whitening, async (keys) => keys.map((k) => lib.vectors[k]));
  await engine.upsert(entries);
  const lists: number[][] = [];
  let found = 0;
  for (let i = 0; i < entries.length; i++) {
    const opts = { exclude: new Set([i]) };
    const list = (await local.search(lib.vectors[i]!, 10, opts)).map((h) => h.key);
    const got = new Set((await engine.search(lib.vectors[i]!, 10, opts)).map((h) => h.key));
    found += list.filter((k) => got.has(k)).length;
    lists.push(list);
  }
  return { stats: hubStatsOfLists(lists, lib.genres, 10), engineRecall: found / (10 * entries.length), learnMs, bytes: await local.bytes() };
}

export async function benchHubs(db: string): Promise<Record<string, unknown>> {
  const store = await openStore(db, { create: false });
  try {
    const model = (await defaultImageModel(store))!;
    const entries = await store.vectors.load(model.channel, refOf(model));
    const movies = await store.movies.byKeys(entries.map((e) => e.key));
    const ids = entries.map((e) => movies.get(e.key)?.id ?? String(e.key));
    const all: Library = {
      vectors: entries.map((e) => l2normalize(Float32Array.from(e.vector))),
      genres: entries.map((e) => movies.get(e.key)?.genres ?? []),
      titles: entries.map((e) => movies.get(e.key)?.title ?? '?'),
    };
    const half = (dev: boolean): Library => {
      const keep = ids.map((id) => (fnv(id) % 2 === 0) === dev);
      return { vectors: all.vectors.filter((_, i) => keep[i]), genres: all.genres.filter((_, i) => keep[i]), titles: all.titles.filter((_, i) => keep[i]) };
    };
    const libraries: Record<string, Library> = { dev: half(true), report: half(false), whole: all };
    const chosen = { kind: 'whiten' as const, ...HUB_WHITENING };
    const out: Record<string, unknown> = {
      model: model.id,
      dimension: model.dimension,
      k: 10,
      posters: { dev: libraries.dev!.vectors.length, report: libraries.report!.vectors.length, whole: all.vectors.length },
      chosen: { ...HUB_WHITENING, learnedOnAnEvenSampleOf: WHITENING_SAMPLE },
    };
    const alternatives = process.env.MARQUEE_BENCH_ALTERNATIVES === '0' ? [] : ALTERNATIVES;
    const on = new Set((process.env.MARQUEE_BENCH_HUBS_ON ?? 'dev,report,whole').split(','));
    for (const [name, lib] of Object.entries(libraries)) {
      if (!on.has(name)) continue;
      const log = (what: string, row: unknown) => process.stderr.write(`bench hubs: ${name} ${what} ${JSON.stringify(row)}\n`);
      const rows: Record<string, unknown> = {};
      const put = (what: string, row: unknown) => (log(what, row), (rows[what] = row));
      const centred = hubStats(lib.vectors, lib.genres, 10, { kind: 'centre' });
      put('raw', show(hubStats(lib.vectors, lib.genres, 10, { kind: 'none' }), lib, centred));
      put('centred', show(centred, lib));
      // The chosen setting, offline (exact top 10 of the transform learned on every vector), then as served.
      put('whitened', show(hubStats(lib.vectors, lib.genres, 10, chosen, await principalAxes(lib.vectors, chosen.centre, { components: chosen.components })), lib, centred));
      const s = await served(lib);
      put('whitenedServed', { ...show(s.stats, lib, centred), engineIndexRecallAt10: round(s.engineRecall, 4), learnMs: Math.round(s.learnMs), extraMiB: round(s.bytes / 2 ** 20, 2) });
      if (name === 'dev' && alternatives.length) {
        const axes = new Map<boolean, PrincipalAxes>();
        const grid: Record<string, unknown> = {};
        for (const a of alternatives) {
          const t = a.transform as Extract<HubTransform, { kind: 'whiten' }>;
          if (!axes.has(t.centre)) axes.set(t.centre, await principalAxes(lib.vectors, t.centre, { components: MAX_COMPONENTS }));
          grid[a.name] = show(hubStats(lib.vectors, lib.genres, 10, t, axes.get(t.centre)), lib, centred);
          log(a.name, grid[a.name]);
        }
        rows.alternatives = grid;
      }
      out[name] = rows;
    }
    return out;
  } finally {
    await store.close();
  }
}
