/**
 * The stored which-movie match on real pgvector (PGlite) against the in-process matcher it was
 * prepared from: ranked in the database (halfvec HNSW shortlist, hub terms, each film's best
 * stills summed by a window function), the films and their scores are the matcher's. SQLite
 * keeps the rows but does not rank from them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rankStored, prepareStoredMatch, StoredMatchQuery } from '../../src/stills/stored-match.js';
import { StillsMatcher } from '../../src/stills/which-movie.js';
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
const PER_FILM = 80;
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
  }
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
  it('ranks in PostgreSQL with pgvector as the in-process matcher ranks', async () => {
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
