/**
 * The stored which-movie match on real pgvector (PGlite) against the in-process matcher it was
 * prepared from: ranked in the database (halfvec HNSW shortlist, hub terms, each film's best
 * stills summed by a window function), the films and their scores are the matcher's. SQLite
 * keeps the rows but does not rank from them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rankStored, prepareStoredMatch, StoredMatchQuery } from '../../src/stills/stored-match.js';
import { StillsMatcher } from '../../src/stills/which-movie.js';
import { loadMovieStills, movieStillsFromParts, SEGMENTS, similarLooks } from '../../src/stills/looks.js';
import { dot } from '../../src/util/vectors.js';
import { StillsService } from '../../src/stills/service.js';
import type { Embedder } from '../../src/search/embedder.js';
import { resetLibrary } from '../../src/store/postgres/databases.testkit.js';
import { startPglite, type PgliteServer } from '../../src/store/postgres/pglite-server.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import type { StillRecord } from '../../src/store/types.js';
import { seededRandom } from '../../src/util/random.js';

const CONTENT = 300;
const COLOR = 24;
const FILMS = 4;
const PER_FILM = 300;
const random = seededRandom(23);
const centres = Array.from({ length: FILMS }, () => ({ content: Float32Array.from({ length: CONTENT }, () => random()), color: Float32Array.from({ length: COLOR }, () => random()) }));
const jitter = (v: Float32Array, by: number) => Float32Array.from(v, (x) => Math.max(0, x + (random() - 0.5) * by));

async function fill(store: Store): Promise<void> {
  for (let f = 0; f < FILMS; f++) {
    const movie = { id: `film-${f}`, title: `Film ${f}`, year: 2000 + f, genres: [], countries: [], overview: '', tagline: '', imdbId: null, tmdbId: null, extra: {} };
    const seqs = Array.from({ length: PER_FILM }, (_, i) => i + 1);
    const key = (await store.stills.prepareMovies([{ movie, imdbId: null, keepSeqs: seqs }], '/stills')).keys[0]!;
    const stills: StillRecord[] = seqs.map((seq) => ({
      movieKey: key, seq, path: `/stills/${f}/${seq}.jpg`, timestamp: null, contentHash: `${f}-${seq}`, width: 64, height: 36, thumbnail: Buffer.from('jpeg'), versions: 'v1',
      content: jitter(centres[f]!.content, 0.8), color: jitter(centres[f]!.color, 0.8), layout: new Float32Array(4), look: { stats: {} as never, palette: [] },
    }));
    await store.stills.put(stills);
    await store.stills.putLook(key, `hash-${f}`, lookOf(f), Buffer.from('png'));
  }
}

/** A film's look (palette and HSL summary) of its own. */
function lookOf(f: number) {
  const grey = 40 + 40 * f;
  return {
    palette: [{ hex: '#808080', rgb: [grey, grey, grey], lab: [grey / 2.55, f * 3, -f * 2], share: 0.7, name: 'grey' }, { hex: '#a04020', rgb: [160, 64, 32], lab: [40, 40 + f, 40], share: 0.3, name: 'rust' }],
    hsl: { hueDistribution: Array.from({ length: 12 }, (_, i) => ({ share: i === f ? 0.5 : 0.5 / 11 })), saturation: { mean: 0.2 + 0.1 * f }, lightness: { mean: 0.3 + 0.05 * f }, warmCoolBalance: 0.1 * f },
  };
}

const queries = Array.from({ length: 24 }, (_, i) => ({ content: jitter(centres[i % FILMS]!.content, 1.2), color: jitter(centres[(i * 7) % FILMS]!.color, 1.2) }));

let server: PgliteServer;
beforeAll(async () => {
  server = await startPglite({ maxConnections: 4 });
});
afterAll(async () => {
  await server.stop();
});

describe('stored which-movie match', () => {
  it('ranks in PostgreSQL with pgvector as the in-process matcher ranks (every still scored, up to the ANN threshold)', async () => {
    await (await openPostgresStore(server.url, { create: true, poolSize: 1 })).close();
    await resetLibrary(server.url);
    const store = await openPostgresStore(server.url, { create: true, poolSize: 2 });
    try {
      expect(store.stillsMatch.searchable).toBe(true);
      await fill(store);
      const meta = await prepareStoredMatch(store);
      expect(meta).toMatchObject({ stills: FILMS * PER_FILM, dimension: 128 + COLOR, contentDimension: 128 });
      expect(await store.stillsMatch.count()).toBe(FILMS * PER_FILM);
      const query = (await StoredMatchQuery.load(store))!;
      const matcher = await StillsMatcher.prepare({ count: await store.stills.count(), page: (a, l) => store.stills.vectorPage(a, l) });
      for (const q of queries) {
        const inEngine = (await rankStored(store, query, q))!;
        const inProcess = await matcher.rank(q);
        expect(inEngine.map((m) => m.key)).toEqual(inProcess.map((m) => m.key));
        inEngine.forEach((m, i) => expect(m.score).toBeCloseTo(inProcess[i]!.score, 4));
      }
      // Past the ANN threshold: the 1,000 nearest of 1,200 through the halfvec index, films with
      // fewer of their stills there filled up. Against the same ranking computed here from the
      // stored rows (exact float32 top 1,000): the same films first, scores within the
      // difference a neighbour at the shortlist's edge makes.
      const rows = await store.stillsMatch.page(0, 10_000);
      const minHub = Math.min(...rows.map((r) => r.hub));
      process.env.MARQUEE_STILLS_ANN_THRESHOLD = '500';
      try {
        for (const q of queries.slice(0, 8)) {
          const qr = query.row(q)!;
          const sims = rows.map((r) => ({ movie: r.movieKey, sim: r.row.reduce((a, x, t) => a + x * qr[t]!, 0), hub: r.hub })).sort((a, b) => b.sim - a.sim).slice(0, 1000);
          const bound = sims.at(-1)!.sim - minHub / 2;
          const perMovie = new Map<number, number[]>();
          for (const x of sims) perMovie.set(x.movie, [...(perMovie.get(x.movie) ?? []), x.sim - x.hub / 2]);
          const reference = [...perMovie].map(([key, list]) => {
            const best = list.sort((a, b) => b - a).slice(0, 5);
            while (best.length < 5) best.push(bound);
            return { key, score: best.reduce((a, b) => a + b, 0) / 5 };
          }).sort((a, b) => b.score - a.score);
          const inEngine = (await rankStored(store, query, q))!;
          expect(inEngine.map((m) => m.key)).toEqual(reference.map((m) => m.key));
          inEngine.forEach((m, i) => expect(Math.abs(m.score - reference[i]!.score)).toBeLessThan(0.01));
        }
      } finally {
        delete process.env.MARQUEE_STILLS_ANN_THRESHOLD;
      }
      // The shortlist's ORDER BY is the index's expression (the index is what finds it at scale).
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      try {
        const d = meta.dimension;
        const plan = (await client.query(`SET enable_seqscan = off; EXPLAIN SELECT still_key FROM stills_match ORDER BY embedding::halfvec(${d}) <#> '[${Array.from({ length: d }, () => 0.1).join(',')}]'::halfvec(${d}) LIMIT 10`)) as unknown as { rows: { 'QUERY PLAN': string }[] }[];
        expect(plan[1]!.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(new RegExp(`Index Scan using stills_match_hnsw_${d}`));
      } finally {
        await client.end();
      }
      // Looks from the engine (each film's means aggregated in SQL, chamfers computed there) are the in-process looks:
      // the engine's parts first, then the service's answers, which are built on them.
      const service = new StillsService(store, {} as Embedder);
      const inProcessMovies = await loadMovieStills(store, matcher.contentByMovie());
      const engineMovies = await movieStillsFromParts(store, (await store.stillsMatch.filmParts(meta.contentDimension, SEGMENTS))!);
      expect(engineMovies.map((m) => m.id)).toEqual(inProcessMovies.map((m) => m.id));
      engineMovies.forEach((m, i) => {
        expect(dot(m.mean, inProcessMovies[i]!.mean)).toBeCloseTo(1, 5);
        m.segments.forEach((seg, j) => expect(dot(seg, inProcessMovies[i]!.segments[j]!)).toBeCloseTo(1, 5));
      });
      // The content parts read back for a chamfer are the in-process content rows, scaled by √(content weight).
      const parts = await store.stillsMatch.contentParts(inProcessMovies.map((m) => m.key), meta.contentDimension);
      inProcessMovies.forEach((m) => {
        expect(parts.get(m.key)).toHaveLength(m.vectors.length);
        parts.get(m.key)!.forEach((v, i) => v.forEach((x, t) => expect(x).toBeCloseTo(Math.SQRT1_2 * m.vectors[i]![t]!, 5)));
      });
      for (let f = 0; f < FILMS; f++) {
        const fromEngine = await service.similarLooks(`film-${f}`, 10);
        const inProcess = await similarLooks(inProcessMovies, `film-${f}`, 10);
        expect(fromEngine.map((m) => m.id)).toEqual(inProcess.map((m) => m.id));
        fromEngine.forEach((m, i) => {
          expect(m.score).toBeCloseTo(inProcess[i]!.score, 4);
          for (const part of ['chamfer', 'mean', 'sequence', 'palette', 'hsl'] as const) expect(m.parts[part]).toBeCloseTo(inProcess[i]!.parts[part], 4);
        });
      }
      // A still deleted takes its row along; a film without stills drops out of the ranking.
      const gone = (await store.stills.prepareMovies([{ movie: { id: 'film-0', title: 'Film 0', year: 2000, genres: [], countries: [], overview: '', tagline: '', imdbId: null, tmdbId: null, extra: {} }, imdbId: null, keepSeqs: [] }], '/stills')).keys[0]!;
      expect(await store.stillsMatch.count()).toBe((FILMS - 1) * PER_FILM);
      expect((await rankStored(store, query, queries[0]!))!.map((m) => m.key)).not.toContain(gone);
    } finally {
      await store.close();
    }
  });

  it('is kept but not ranked from by SQLite (the matcher prepares in the process there)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'marquee-match-'));
    const store = await openStore(join(dir, 'library.db'), { create: true });
    try {
      expect(store.stillsMatch.searchable).toBe(false);
      await fill(store);
      await prepareStoredMatch(store);
      expect(await store.stillsMatch.count()).toBe(FILMS * PER_FILM);
      expect(await rankStored(store, (await StoredMatchQuery.load(store))!, queries[0]!)).toBeUndefined();
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
