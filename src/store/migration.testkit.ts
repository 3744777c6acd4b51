/** Test kit: the small library both engines' schema-migration tests write before turning it into the old shape. */
import type { MorePosterWrite, MovieWrite } from './store.js';
import type { MovieRecord } from './types.js';

export const fixtureVector = (seed: number, dim: number): Float32Array => Float32Array.from({ length: dim }, (_, i) => Math.cos(seed + i * 0.37) * 1e-3 * (i + 1));

export const fixturePoster = (id: string, seed: number): NonNullable<MovieWrite['poster']> => ({
  record: { path: `/p/${id}.jpg`, contentHash: `h-${id}`, width: 10, height: 15, format: 'jpeg', bytes: 5, thumbnail: Buffer.from(id) },
  vectors: [{ channel: 'content', modelId: 'm', modelVersion: '1', sourceHash: `h-${id}`, vector: fixtureVector(seed, 16) }],
  palette: { version: 'p', sourceHash: `h-${id}`, colors: [] },
});

export const fixtureMovie = (id: string): MovieRecord => ({ id, title: id, year: 2000, genres: ['Drama'], countries: [], overview: '', tagline: '', imdbId: null, tmdbId: null, extra: {} });

/** A further poster of the fixture library (written after migrating). */
export const fixtureFurtherPoster = (id: string, seed: number): MorePosterWrite => ({ path: `/p/${id}.jpg`, rank: 1, meta: { kind: null, country: null, year: null }, content: fixturePoster(id, seed) });

export const FIXTURE_CONTENT_MODEL = { id: 'm', version: '1', dimension: 16 };
