/**
 * The movie page: metadata, palette, face count, stills count, predicted genres (the movie left
 * out of its own kNN vote) and its neighbours on each poster channel. The web client imports
 * the MoviePage type, so the page and the API cannot drift.
 */
import { readImageIfPresent } from '../../image/read-image-file.js';
import type { PaletteColor } from '../../design/palette.js';
import type { GenreProbability, GenreService } from '../../genres/predict.js';
import type { SearchEngine } from '../../search/engine.js';
import type { ChannelWeights, SearchResult } from '../../search/query.js';
import { IMAGE_CHANNELS } from '../../store/channels.js';
import type { Store } from '../../store/store.js';
import type { StoredMovie } from '../../store/types.js';
import { MarqueeError } from '../../util/errors.js';
import type { GenreModelStatus, GenreTraining } from '../genre-training.js';
import { currentReading } from '../../store/current-reading.js';
import { typographyOf, type Typography } from '../../text/typography.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'faces' | 'films' | 'movies' | 'posterText' | 'posters' | 'stills'>;

async function posterTypography(library: StoreParts, key: number): Promise<Typography | null> {
  const reading = await currentReading(library, key);
  return reading && !reading.error ? typographyOf(reading.lines) : null;
}

export type MoviePage = Pick<StoredMovie, 'id' | 'title' | 'year' | 'genres' | 'countries' | 'overview' | 'tagline' | 'imdbId' | 'extra' | 'hasPoster'> & {
  palette: PaletteColor[];
  faces: number;
  stills: number;
  /** Whether a film analysed from a video exists (GET /api/movies/{id}/shots answers). */
  film: boolean;
  predictedGenres: GenreProbability[] | null;
  /** Why there are no predictions yet, when there are none (a model being trained, none, a failed training). */
  genreModel: GenreModelStatus;
  neighbours: Record<string, SearchResult[]>;
  /** Title placement and text layout read off the poster (null until its text has been read). */
  typography: Typography | null;
};

export async function moviePage(ctx: { library: StoreParts; engine: SearchEngine; genres: GenreService; genreTraining: GenreTraining }, id: string): Promise<MoviePage> {
  const { library, engine, genres } = ctx;
  const m = await library.movies.get(id);
  if (!m) throw new MarqueeError('unknown_movie', `no movie with id "${id}"`);
  const neighbours: Record<string, SearchResult[]> = {};
  if (m.hasPoster) for (const c of IMAGE_CHANNELS) neighbours[c] = await engine.search({ id: m.id, weights: { [c]: 1 } as ChannelWeights, k: 8 });
  let predictedGenres: GenreProbability[] | null = null;
  const path = (await library.posters.mainFile(m.id))?.path;
  const genreModel = await ctx.genreTraining.status();
  // While a new model trains the stored one (if usable) still predicts.
  const canPredict = genreModel.state === 'ready' || (genreModel.state === 'training' && (await genres.modelState()) === 'ready');
  const bytes = path && canPredict ? await readImageIfPresent(path) : undefined;
  if (bytes) predictedGenres = await genres.predict({ bytes, source: m.id }, undefined, m.key);
  return {
    id: m.id, title: m.title, year: m.year, genres: m.genres, countries: m.countries, overview: m.overview, tagline: m.tagline, imdbId: m.imdbId, extra: m.extra, hasPoster: m.hasPoster,
    palette: (await library.posters.palette(m.key)) ?? [],
    faces: (await library.faces.posterFaces(m.key)).length,
    stills: await library.stills.countOfMovie(m.key),
    film: await library.films.has(m.key),
    predictedGenres,
    genreModel,
    neighbours,
    typography: await posterTypography(library, m.key),
  };
}
