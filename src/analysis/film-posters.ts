/**
 * A film's posters for the movie page and GET /api/movies/{id}/posters: every poster with what
 * the catalog says of it, sorted into designs (analysis/poster-variants.ts: near-duplicates are
 * variants of one design), earliest design first.
 */
import { posterDesigns } from './poster-variants.js';
import type { SearchEngine } from '../search/engine.js';
import type { Store } from '../store/store.js';
import type { StoredPoster } from '../store/types.js';
import { MarqueeError } from '../util/errors.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'library' | 'movies' | 'posters'>;

export interface FilmPoster {
  /** 0: the main poster; 1, 2…: further posters in catalog order (what URLs name). */
  rank: number;
  kind: string | null;
  country: string | null;
  year: number | null;
  width: number;
  height: number;
  /** Which design (0: the earliest) the poster is a variant of. */
  design: number;
}

export interface FilmPosters {
  id: string;
  title: string;
  year: number | null;
  /** Designs in order, each its posters in order. */
  posters: FilmPoster[];
  designs: number;
}

export async function filmPosters(ctx: { library: StoreParts; engine: SearchEngine }, id: string): Promise<FilmPosters> {
  const movie = await ctx.library.movies.get(id);
  if (!movie) throw new MarqueeError('unknown_movie', `no movie with id "${id}"`);
  const designs = await posterDesigns(ctx.engine.indexes, await ctx.library.posters.ofMovie(movie.key), movie.year);
  const posters = designs.flatMap((d, design) => d.posters.map((p) => ({ rank: p.rank, kind: p.kind, country: p.country, year: p.year, width: p.width, height: p.height, design })));
  return { id, title: movie.title, year: movie.year, posters, designs: designs.length };
}

/** One poster of a film by rank (404-kinded errors when the film or the poster is not there). */
export async function filmPoster(library: StoreParts, id: string, rank: number): Promise<StoredPoster> {
  const key = await library.movies.keyOf(id);
  if (key === undefined) throw new MarqueeError('unknown_movie', `no movie with id "${id}"`);
  const poster = (await library.posters.ofMovie(key)).find((p) => p.rank === rank);
  if (!poster) throw new MarqueeError('unknown_poster', `movie "${id}" has no poster ${rank}`);
  return poster;
}
