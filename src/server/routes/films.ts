/** Routes for films analysed from videos: a movie's shots and rhythm, and its barcode of every sampled frame. */
import { FilmService } from '../../films/service.js';
import { idParam, type Api, type ServerContext } from '../context.js';
import { errorSchema, fileReply, filmSchema, filmsListSchema } from '../schemas.js';

export function registerFilmRoutes(app: Api, ctx: ServerContext): void {
  const films = new FilmService(ctx.library);
  app.get('/api/films', { schema: { summary: 'Movies with a film analysed from a video: id, title, shots, average shot length, duration', response: { 200: filmsListSchema } } }, async () => ({ films: await films.list() }));
  app.get(
    '/api/movies/:id/shots',
    {
      schema: {
        summary: "A movie's film from its video: shots (start, end, transition, keyframe, colour, scale when faces were scanned), shot lengths, cutting rhythm, colour over time",
        params: idParam,
        response: { 200: filmSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req) => films.film(req.params.id),
  );
  app.get('/api/movies/:id/film-barcode', { schema: { summary: "Barcode PNG of a film: one column per sampled frame (pooled to 1,000), in film order", params: idParam, response: { 200: fileReply('image/png', 'the barcode'), 404: errorSchema, 409: errorSchema } } }, async (req, reply) => {
    const png = await films.barcode(req.params.id);
    return reply.type('image/png').header('Cache-Control', 'public, max-age=300').send(png);
  });
}
