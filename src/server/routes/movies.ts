/** Movie routes: the movie page (services/movie-page), its thumbnail and its original poster file. */
import type { FilmPosters } from '../../analysis/film-posters.js';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { FastifyReply } from 'fastify';
import { isObjectLocation, objectStream } from '../../image/object-storage.js';
import { MarqueeError } from '../../util/errors.js';
import { idParam, type Api, type ServerContext } from '../context.js';
import { HttpError } from '../errors.js';
import { covering, errorSchema, fileReply, genreModelStatusSchema, notModified, paletteSchema, resultSchema } from '../schemas.js';
import { moviePage, type MoviePage } from '../services/movie-page.js';
import { filmPoster, filmPosters } from '../../analysis/film-posters.js';
import type { StoredPoster } from '../../store/types.js';

const posterParams = { type: 'object', properties: { id: idParam.properties.id, rank: { type: 'integer', minimum: 0, maximum: 10000 } }, required: ['id', 'rank'] } as const;

const filmPostersSchema = covering<FilmPosters>()({
  type: 'object',
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    year: { type: ['integer', 'null'], description: "the film's year" },
    designs: { type: 'integer', description: 'distinct designs among the posters (near-duplicates are variants of one design)' },
    posters: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          rank: { type: 'integer', description: '0: the main poster; 1, 2…: further posters in catalog order' },
          kind: { type: ['string', 'null'] },
          country: { type: ['string', 'null'] },
          year: { type: ['integer', 'null'] },
          width: { type: 'integer' },
          height: { type: 'integer' },
          design: { type: 'integer', description: 'which design (0: the earliest) this poster is a variant of' },
        },
        required: ['rank', 'kind', 'country', 'year', 'width', 'height', 'design'],
      },
    },
  },
  required: ['id', 'designs', 'posters'],
} as const);

/** What every movie answer starts with; also the whole of GET /api/movies/{id}/summary. */
const movieSummaryProperties = {
  id: { type: 'string' },
  title: { type: 'string' },
  year: { type: ['integer', 'null'] },
  genres: { type: 'array', items: { type: 'string' } },
  countries: { type: 'array', items: { type: 'string' } },
  hasPoster: { type: 'boolean' },
} as const;

const movieSummarySchema = { type: 'object', properties: movieSummaryProperties, required: ['id', 'title', 'year', 'genres', 'countries', 'hasPoster'] } as const;

const moviePageSchema = covering<MoviePage>()({
  type: 'object',
  properties: {
    ...movieSummaryProperties,
    overview: { type: 'string' },
    tagline: { type: 'string' },
    imdbId: { type: ['string', 'null'] },
    extra: { type: 'object', additionalProperties: { type: 'string' } },
    palette: paletteSchema,
    faces: { type: 'integer' },
    stills: { type: 'integer' },
    film: { type: 'boolean', description: 'a film analysed from a video exists: /api/movies/{id}/shots answers' },
    predictedGenres: { type: ['array', 'null'], items: { type: 'object', properties: { genre: { type: 'string' }, p: { type: 'number' } } } },
    genreModel: genreModelStatusSchema,
    neighbours: { type: 'object', additionalProperties: { type: 'array', items: resultSchema } },
    typography: {
      type: ['object', 'null'],
      properties: {
        blocks: { type: 'integer' },
        coverage: { type: 'number' },
        title: { type: ['object', 'null'], properties: { text: { type: 'string' }, x: { type: 'number' }, y: { type: 'number' }, size: { type: 'number' }, width: { type: 'number' } } },
        thirds: { type: 'array', items: { type: 'number' } },
        alignment: { type: 'object', properties: { centre: { type: 'number' }, spread: { type: 'number' } } },
      },
    },
  },
} as const);



export function registerMovieRoutes(app: Api, ctx: ServerContext): void {
  const { library } = ctx;

  app.get(
    '/api/movies/:id',
    { schema: { summary: 'A movie: metadata, palette, faces, predicted genres, neighbours per channel', params: idParam, response: { 200: moviePageSchema, 404: errorSchema } } },
    async (req) => moviePage(ctx, req.params.id),
  );

  app.get(
    '/api/movies/:id/summary',
    {
      schema: {
        summary: 'A movie\'s title, year, genres and countries only (cheap: for labels and query chips)',
        params: idParam,
        response: { 200: movieSummarySchema, 404: errorSchema },
      },
    },
    async (req) => {
      const m = await library.movies.get(req.params.id);
      if (!m) throw new MarqueeError('unknown_movie', `no movie with id "${req.params.id}"`);
      return { id: m.id, title: m.title, year: m.year, genres: m.genres, countries: m.countries, hasPoster: m.hasPoster };
    },
  );

  const sendImage = async (id: string, kind: 'thumbnail' | 'poster', ifNoneMatch: string | undefined, reply: FastifyReply, poster?: StoredPoster) => {
    if (!poster && (await library.movies.keyOf(id)) === undefined) throw new MarqueeError('unknown_movie', `no movie with id "${id}"`);
    const file = poster ?? (await library.posters.mainFile(id));
    if (!file) throw new HttpError(404, 'no_poster', `movie "${id}" has no poster`);
    const etag = `"${file.contentHash.slice(0, 32)}-${kind[0]}"`;
    reply.header('ETag', etag).header('Cache-Control', 'public, max-age=3600');
    if (ifNoneMatch === etag) return reply.status(304).send();
    if (kind === 'thumbnail') return reply.type('image/jpeg').send(poster ? await library.posters.thumbnail(poster.key) : await library.posters.mainThumbnail(id));
    // The path comes from the library (written at index time), never from the request; the format was sniffed then too.
    // A poster in a bucket is piped from object storage to the client (gone: 404 as for a file, without naming the bucket; a failing store: 502).
    if (isObjectLocation(file.path)) {
      const { stream, length } = await objectStream(file.path).catch((err: unknown) => {
        throw err instanceof MarqueeError && err.kind === 'object_missing' ? new HttpError(404, 'poster_missing', `the poster file of "${id}" is no longer in its bucket`) : err;
      });
      if (length !== undefined) reply.header('Content-Length', length);
      return reply.type(`image/${file.format}`).send(stream);
    }
    if (!existsSync(file.path)) throw new HttpError(404, 'poster_missing', `the poster file of "${id}" is no longer on disk`);
    return reply.type(`image/${file.format}`).send(await readFile(file.path));
  };

  app.get('/api/movies/:id/thumbnail', { schema: { summary: 'JPEG thumbnail (ETag, cacheable)', params: idParam, response: { 200: fileReply('image/jpeg', 'the thumbnail'), 304: notModified, 404: errorSchema } } }, async (req, reply) =>
    sendImage(req.params.id, 'thumbnail', req.headers['if-none-match'], reply),
  );
  app.get('/api/movies/:id/poster', { schema: { summary: 'The original poster (ETag, cacheable)', params: idParam, response: { 200: fileReply('image/*', 'the poster file as indexed (JPEG, PNG, WebP…)'), 304: notModified, 404: errorSchema } } }, async (req, reply) =>
    sendImage(req.params.id, 'poster', req.headers['if-none-match'], reply),
  );

  app.get(
    '/api/movies/:id/posters',
    { schema: { summary: 'Every poster of a film (main and further: teaser, international, re-release), grouped into designs, earliest first', params: idParam, response: { 200: filmPostersSchema, 404: errorSchema } } },
    async (req) => filmPosters(ctx, req.params.id),
  );
  app.get('/api/movies/:id/posters/:rank/thumbnail', { schema: { summary: 'JPEG thumbnail of one of the film\'s posters (ETag, cacheable)', params: posterParams, response: { 200: fileReply('image/jpeg', 'the thumbnail'), 304: notModified, 404: errorSchema } } }, async (req, reply) =>
    sendImage(req.params.id, 'thumbnail', req.headers['if-none-match'], reply, await filmPoster(library, req.params.id, req.params.rank)),
  );
  app.get('/api/movies/:id/posters/:rank/image', { schema: { summary: 'One of the film\'s posters, the original file (ETag, cacheable)', params: posterParams, response: { 200: fileReply('image/*', 'the poster file as indexed (JPEG, PNG, WebP…)'), 304: notModified, 404: errorSchema } } }, async (req, reply) =>
    sendImage(req.params.id, 'poster', req.headers['if-none-match'], reply, await filmPoster(library, req.params.id, req.params.rank)),
  );
}
