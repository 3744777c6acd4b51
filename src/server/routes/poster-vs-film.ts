/** Poster vs film routes: one film's poster against its look, and the films ranked by how far their poster is from it. */
import type { ColourSide, PosterVsFilm } from '../../analysis/poster-vs-film.js';
import { posterVsFilm, posterVsFilmRanking } from '../../analysis/poster-vs-film.js';
import { MarqueeError } from '../../util/errors.js';
import { idParam, type Api, type ServerContext } from '../context.js';
import { covering, errorSchema } from '../schemas.js';

const sideSchema = covering<ColourSide & { stills?: number }>()({
  type: 'object',
  properties: {
    lightness: { type: 'number' },
    chroma: { type: 'number' },
    hue: { type: ['number', 'null'] },
    palette: { type: 'array', items: { type: 'object', properties: { hex: { type: 'string' }, share: { type: 'number' }, lab: { type: 'array', items: { type: 'number' } } } } },
    stills: { type: 'integer' },
  },
} as const);

const comparisonSchema = covering<PosterVsFilm>()({
  type: 'object',
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    year: { type: ['integer', 'null'] },
    paletteDistance: { type: 'number', description: 'earth mover\'s distance between the palettes, ΔE' },
    lightnessDifference: { type: 'number', description: 'poster − film, L*' },
    chromaDifference: { type: 'number' },
    hueDifference: { type: ['number', 'null'], description: 'degrees between the mean hues' },
    poster: sideSchema,
    film: sideSchema,
  },
  required: ['id', 'title', 'year', 'paletteDistance', 'lightnessDifference', 'chromaDifference', 'hueDifference', 'poster', 'film'],
} as const);

export function registerPosterVsFilmRoutes(app: Api, ctx: ServerContext): void {
  app.get(
    '/api/movies/:id/poster-vs-film',
    { schema: { summary: 'How the film\'s main poster\'s colours compare with the film\'s look (its stills or shots)', params: idParam, response: { 200: comparisonSchema, 404: errorSchema, 409: errorSchema } } },
    async (req) => {
      const c = await posterVsFilm(ctx.library, req.params.id);
      if (!c) throw new MarqueeError('no_stills', `movie "${req.params.id}" needs both a poster and stills (or an indexed video) to compare`);
      return c;
    },
  );
  app.get(
    '/api/poster-vs-film',
    {
      schema: {
        summary: 'Films ranked by how far their poster\'s palette is from the film\'s look: most misrepresenting first, or least',
        querystring: { type: 'object', properties: { order: { type: 'string', enum: ['most', 'least'], default: 'most' }, k: { type: 'integer', minimum: 1, maximum: 1000, default: 50 } }, additionalProperties: false },
        response: { 200: { type: 'object', properties: { order: { type: 'string' }, films: { type: 'array', items: comparisonSchema } }, required: ['order', 'films'] } },
      },
    },
    async (req) => ({ order: req.query.order, films: (await ctx.cached(`poster-vs-film:${req.query.order}`, ['movies', 'palettes', 'stills', 'films'], () => posterVsFilmRanking(ctx.library, req.query.order))).slice(0, req.query.k) }),
  );
}
