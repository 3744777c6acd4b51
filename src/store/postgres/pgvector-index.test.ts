/** The pgvector VectorIndex on real pgvector (PGlite), through the shared conformance suite. */
import { vectorIndexConformance } from '../../search/vector-index.conformance.js';
import { openPostgresStore } from './postgres-store.js';
import { startPglite } from './pglite-server.js';

vectorIndexConformance(
  'pgvector (PGlite)',
  async (dim, rows) => {
    const server = await startPglite();
    const store = await openPostgresStore(server.url, { create: true, poolSize: 1 });
    if (store.vectors.kind !== 'pgvector') throw new Error('pgvector was not detected in PGlite');
    for (const r of rows)
      await store.upsertMovie({ id: `m${r.key}`, title: `movie ${r.key}`, year: r.year, genres: r.genres, countries: r.countries, overview: '', tagline: '', imdbId: null, tmdbId: null, extra: {} }, 'conformance');
    const index = store.vectors.engineIndex('content', { id: 'conformance', version: '1', dimension: dim })!;
    return {
      index,
      close: async () => {
        await store.close();
        await server.stop();
      },
    };
  },
  { exact: false },
);
