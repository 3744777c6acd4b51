/** Test kit: the small library both engines' schema-migration tests write before turning it into the old shape. */
import type { TextLine } from '../text/types.js';
import type { MorePosterWrite, MovieWrite, Store } from './store.js';
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

/** A printed line of the fixture readings. */
export const fixtureLine = (text: string): TextLine => ({ text, confidence: 0.9, box: [[0, 0], [1, 0], [1, 0.1], [0, 0.1]], size: 0.1, order: 0 });

/**
 * The fixture library: movie a (its poster, a synopsis vector, one face) and movie b (its poster
 * and a reading of `printed`), written through the store before a test turns it into an old shape.
 */
export async function writeFixtureLibrary(store: Pick<Store, 'movies' | 'faces' | 'posterText'>, printed: string[] = []): Promise<{ a: number; b: number }> {
  const [a, b] = await store.movies.write([
    { movie: fixtureMovie('a'), poster: fixturePoster('a', 1), text: { channel: 'text', modelId: 't', modelVersion: '1', sourceHash: 's', vector: fixtureVector(9, 8) } },
    { movie: fixtureMovie('b'), poster: fixturePoster('b', 2) },
  ], '/c');
  await store.faces.putPosterFaces(a!, 'f', 'h-a', [{ box: { x: 0, y: 0, width: 1, height: 1 }, score: 0.5, descriptor: fixtureVector(3, 128) }]);
  await store.posterText.put(b!, 'o', 'h-b', { lines: printed.map(fixtureLine) });
  return { a: a!, b: b! };
}
