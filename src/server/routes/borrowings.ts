/**
 * Borrowing routes: the library's most unusual borrowings on a channel (computed once per library
 * state and channel: a nearest-neighbour pass over every poster, ~10 s for the demo catalog's
 * layouts), and one film's later look-alikes or earlier sources.
 */
import type { BorrowingPoster } from '../../analysis/borrowings.js';
import { BORROWING_CHANNELS, BorrowingFinder, type BorrowingChannel } from '../../analysis/borrowings.js';
import { filmPoster } from '../../analysis/film-posters.js';
import { idParam, type Api, type ServerContext } from '../context.js';
import { covering, errorSchema } from '../schemas.js';

const posterSchema = covering<BorrowingPoster>()({
  type: 'object',
  properties: { id: { type: 'string' }, title: { type: 'string' }, year: { type: 'integer' }, rank: { type: 'integer' }, kind: { type: ['string', 'null'] } },
  required: ['id', 'title', 'year', 'rank', 'kind'],
} as const);

const borrowingsSchema = {
  type: 'object',
  properties: {
    channel: { type: 'string' },
    borrowings: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          from: posterSchema,
          to: posterSchema,
          channel: { type: 'string' },
          similarity: { type: 'number' },
          z: { type: 'number', description: 'how unusual the similarity is against random pairs of the same decades and genres' },
          reference: { type: 'object', properties: { pairs: { type: 'integer' }, mean: { type: 'number' }, sd: { type: 'number' } } },
          sameArtwork: { type: 'boolean', description: 'one artwork under two films (duplicate rule): a copy, not a borrowing' },
        },
        required: ['from', 'to', 'channel', 'similarity', 'z', 'reference', 'sameArtwork'],
      },
    },
  },
  required: ['channel', 'borrowings'],
} as const;

const channelProperty = { type: 'string', enum: [...BORROWING_CHANNELS], default: 'layout' } as const;

export function registerBorrowingRoutes(app: Api, ctx: ServerContext): void {
  const finder = (channel: BorrowingChannel) => ctx.cached(`borrowings-finder:${channel}`, BorrowingFinder.readsOf(channel), () => BorrowingFinder.load(ctx.engine.indexes, channel));

  app.get(
    '/api/borrowings',
    {
      schema: {
        summary: 'Posters unusually like an earlier film\'s poster on a channel, earlier → later, most unusual for their decades and genres first',
        querystring: { type: 'object', properties: { channel: channelProperty, k: { type: 'integer', minimum: 1, maximum: 500, default: 50 }, copies: { type: 'boolean', default: false } }, additionalProperties: false },
        response: { 200: borrowingsSchema },
      },
    },
    async (req) => {
      const { channel, k, copies } = req.query;
      // The whole list is a stored analysis, computed by a background job per channel and library state; k only cuts it.
      return { channel, borrowings: (await ctx.analysisResults.borrowings(channel, copies)).slice(0, k) };
    },
  );

  app.get(
    '/api/movies/:id/borrowings',
    {
      schema: {
        summary: 'Later posters that look unusually like this film\'s poster (direction=later), or earlier ones it looks like (earlier)',
        params: idParam,
        querystring: {
          type: 'object',
          properties: {
            channel: channelProperty,
            direction: { type: 'string', enum: ['later', 'earlier'], default: 'later' },
            k: { type: 'integer', minimum: 1, maximum: 100, default: 8 },
            rank: { type: 'integer', minimum: 0, default: 0, description: 'which of the film\'s posters (0: its main one)' },
            copies: { type: 'boolean', default: false },
          },
          additionalProperties: false,
        },
        response: { 200: borrowingsSchema, 404: errorSchema },
      },
    },
    async (req) => {
      const { channel, direction, k, rank, copies } = req.query;
      const poster = await filmPoster(ctx.library, req.params.id, rank);
      return { channel, borrowings: await (await finder(channel)).around(poster.key, direction, k, copies) };
    },
  );
}
