/**
 * The pgvector VectorIndex on real pgvector (PGlite), through the shared conformance suite. One
 * PGlite serves every case (starting one costs seconds); each case starts from an emptied library.
 */
import { afterAll, beforeAll } from 'vitest';
import { vectorIndexConformance } from '../../src/search/vector-index.conformance.js';
import { resetLibrary } from '../../src/store/postgres/databases.testkit.js';
import { startPglite, type PgliteServer } from '../../src/store/postgres/pglite-server.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';

let server: PgliteServer;
beforeAll(async () => {
  server = await startPglite({ maxConnections: 4 });
});
afterAll(async () => {
  await server.stop();
});

vectorIndexConformance(
  'pgvector (PGlite)',
  async (dim, rows, metric) => {
    const store = await openPostgresStore(server.url, { create: true, poolSize: 1 });
    await store.close();
    await resetLibrary(server.url);
    const fresh = await openPostgresStore(server.url, { create: true, poolSize: 1 });
    if (fresh.vectors.kind !== 'pgvector') throw new Error('pgvector was not detected in PGlite');
    for (const r of rows)
      await fresh.movies.upsert({ id: `m${r.key}`, title: `movie ${r.key}`, year: r.year, genres: r.genres, countries: r.countries, overview: '', tagline: '', imdbId: null, tmdbId: null, extra: {} }, 'conformance');
    return { index: fresh.vectors.engineIndex('content', { id: 'conformance', version: '1', dimension: dim, metric })!, close: () => fresh.close() };
  },
  { exact: false },
);
