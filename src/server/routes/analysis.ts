/** Analysis routes: closest pairs per channel, near-duplicate groups, and explain heatmaps. */
import type { FastifyInstance } from 'fastify';
import { findDuplicatePairs, groupDuplicates } from '../../analysis/duplicates.js';
import { explainMatch } from '../../analysis/explain.js';
import { closestPairs, type ClosestPair } from '../../analysis/pairs.js';
import { storedPosterImage } from '../../analysis/poster-image.js';
import { IMAGE_CHANNELS, type ImageChannel } from '../../store/channels.js';
import { MarqueeError } from '../../util/errors.js';
import type { ServerContext } from '../context.js';
import { HttpError } from '../errors.js';

export function registerAnalysisRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { library, engine, cached } = ctx;

  app.get<{ Querystring: { channel: string; k: number } }>(
    '/api/pairs',
    {
      schema: {
        summary: 'Closest pairs of the collection for a channel, near-duplicates flagged',
        querystring: { type: 'object', properties: { channel: { type: 'string', enum: [...IMAGE_CHANNELS], default: 'content' }, k: { type: 'integer', minimum: 1, maximum: 1000, default: 200 } } },
        response: {
          200: { type: 'object', properties: { pairs: { type: 'array', items: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' }, score: { type: 'number' }, channel: { type: 'string' }, duplicate: { type: 'boolean' } } } } } },
        },
      },
    },
    async (req) => {
      const all = await cached<ClosestPair[]>(`pairs:${req.query.channel}`, () => closestPairs(engine.indexes, req.query.channel as ImageChannel, 1000));
      return { pairs: all.slice(0, req.query.k) };
    },
  );

  app.get('/api/dupes', { schema: { summary: 'Groups of near-duplicate posters', response: { 200: { type: 'object', properties: { groups: { type: 'array', items: { type: 'array', items: { type: 'string' } } } } } } } }, async () =>
    cached('dupes', async () => {
      const groups = groupDuplicates(await findDuplicatePairs(engine.indexes));
      const movies = await library.getMoviesByKeys(groups.flat());
      return { groups: groups.map((g) => g.filter((k) => movies.has(k)).map((k) => movies.get(k)!.id)) };
    }),
  );

  app.get<{ Querystring: { a: string; b: string } }>(
    '/api/explain',
    {
      schema: {
        summary: 'PNG heatmap over poster a of the regions that make it similar to b',
        querystring: { type: 'object', properties: { a: { type: 'string', maxLength: 200 }, b: { type: 'string', maxLength: 200 } }, required: ['a', 'b'] },
      },
    },
    async (req, reply) => {
      for (const id of [req.query.a, req.query.b]) if ((await library.keyOf(id)) === undefined) throw new MarqueeError('unknown_movie', `no movie with id "${id}"`);
      const poster = await storedPosterImage(library, req.query.a);
      if (!poster) throw new HttpError(404, 'no_poster', `movie "${req.query.a}" has no poster`);
      const target = (await engine.movieVectors(req.query.b)).vectors.content!;
      const result = await explainMatch(engine.embedder, poster, target);
      return reply.type('image/png').header('X-Similarity', String(result.score)).send(result.png);
    },
  );
}
