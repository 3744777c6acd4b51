/** Analysis routes: closest pairs per channel, near-duplicate groups, and explain heatmaps. */
import { explainMatch } from '../../analysis/explain.js';
import { colourMask, layoutAgreement, renderLayoutAgreement, sharedColours } from '../../analysis/explain-design.js';
import { storedPosterImage } from '../../analysis/poster-image.js';
import { COLOR_CHANNEL, IMAGE_CHANNELS, type ImageChannel } from '../../store/channels.js';
import { MarqueeError } from '../../util/errors.js';
import type { Api, ServerContext } from '../context.js';
import { HttpError } from '../errors.js';
import { errorSchema, fileReply } from '../schemas.js';
import { COLOR_MODEL } from '../../design/design-features.js';
import { dot } from '../../util/vectors.js';

const paletteColorSchema = { type: 'object', properties: { hex: { type: 'string' }, lab: { type: 'array', items: { type: 'number' } }, share: { type: 'number' } } } as const;

export function registerAnalysisRoutes(app: Api, ctx: ServerContext): void {
  const { library, engine, cached } = ctx;

  const { analysisResults } = ctx;
  const progressSchema = { type: 'object', properties: { state: { type: 'string', enum: ['idle', 'computing', 'ready', 'failed'] }, updating: { type: 'boolean' }, computedAt: { type: ['string', 'null'] }, error: { type: ['string', 'null'] }, done: { type: 'integer' }, total: { type: 'integer' } } } as const;

  app.get(
    '/api/pairs',
    {
      schema: {
        summary: 'Closest pairs of the collection for a channel, near-duplicates flagged, with titles (computed once per library state; progress: GET /api/analyses/status)',
        querystring: {
          type: 'object',
          properties: {
            channel: { type: 'string', enum: [...IMAGE_CHANNELS], default: 'content' },
            k: { type: 'integer', minimum: 1, maximum: 1000, default: 200 },
            model: { type: 'string', maxLength: 200, description: 'image model of the content channel (default: the library\'s first)' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              pairs: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    a: { type: 'string' }, b: { type: 'string' }, aTitle: { type: 'string' }, aYear: { type: ['integer', 'null'] }, bTitle: { type: 'string' }, bYear: { type: ['integer', 'null'] },
                    score: { type: 'number' }, channel: { type: 'string' }, model: { type: 'string' }, duplicate: { type: 'boolean' },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (req) => ({ pairs: (await analysisResults.pairs(req.query.channel as ImageChannel, req.query.model || undefined)).slice(0, req.query.k) }),
  );

  app.get(
    '/api/dupes',
    {
      schema: {
        summary: 'Groups of near-duplicate posters, with the title and year of each movie in them',
        response: {
          200: {
            type: 'object',
            properties: {
              groups: { type: 'array', items: { type: 'array', items: { type: 'string' } } },
              movies: { type: 'object', additionalProperties: { type: 'object', properties: { title: { type: 'string' }, year: { type: ['integer', 'null'] } } } },
              model: { type: 'string', description: 'the image model whose content vectors proposed the candidates' },
            },
          },
        },
      },
    },
    async () => analysisResults.dupes(),
  );

  app.get(
    '/api/analyses/status',
    {
      schema: {
        summary: 'Progress of the closest-pairs (per channel) and duplicate computations: idle, computing (posters done of total), ready or failed',
        response: { 200: { type: 'object', properties: { pairs: { type: 'object', additionalProperties: progressSchema }, dupes: progressSchema } } },
      },
    },
    async () => analysisResults.status(),
  );

  const explainQuery = {
    type: 'object',
    properties: {
      a: { type: 'string', maxLength: 200 },
      b: { type: 'string', maxLength: 200 },
      channel: { type: 'string', enum: [...IMAGE_CHANNELS], default: 'content' },
      side: { type: 'string', enum: ['a', 'b'], default: 'a' },
    },
    required: ['a', 'b'],
  } as const;

  const posterOf = async (id: string) => {
    const key = await library.movies.keyOf(id);
    if (key === undefined) throw new MarqueeError('unknown_movie', `no movie with id "${id}"`);
    const poster = await storedPosterImage(library, id);
    if (!poster) throw new HttpError(404, 'no_poster', `movie "${id}" has no poster`);
    return { key, poster };
  };

  app.get(
    '/api/explain',
    {
      schema: {
        summary:
          'PNG explaining why posters a and b match on a channel, drawn over one of them (side a or b). content: regions whose occlusion lowers the similarity (warmer = matters more); color: the poster with only its colours shared with the other kept; layout: cells where light/dark masses and edges agree',
        querystring: explainQuery,
        response: { 200: fileReply('image/png', 'the explanation; X-Similarity: the two posters\' similarity on the channel'), 404: errorSchema },
      },
    },
    async (req, reply) => {
      const { a, b, channel, side } = req.query;
      const [pa, pb] = await Promise.all([posterOf(a), posterOf(b)]);
      const [self, other] = side === 'a' ? [pa, pb] : [pb, pa];
      const { png, score } = await cached(`explain:${channel}:${self.key}:${other.key}`, ['vectors', 'posters'], async () => {
        if (channel === 'color') {
          const [own, theirs] = await Promise.all([library.posters.palette(self.key), library.posters.palette(other.key)]);
          const shared = sharedColours(own ?? [], theirs ?? []);
          const [va, vb] = await Promise.all([library.vectors.get(self.key, COLOR_CHANNEL, COLOR_MODEL), library.vectors.get(other.key, COLOR_CHANNEL, COLOR_MODEL)]);
          return { png: await colourMask(self.poster.bytes, self.poster.source, shared.map((c) => c.a.lab)), score: va && vb ? dot(va, vb) : Number.NaN };
        }
        if (channel === 'layout') {
          const agreement = await layoutAgreement(self.poster, other.poster);
          return { png: await renderLayoutAgreement(self.poster, agreement), score: agreement.score };
        }
        const target = (await engine.movieVectors(side === 'a' ? b : a)).vectors.content!;
        const explained = await explainMatch(engine.embedder, self.poster, target);
        return { png: explained.png, score: explained.score };
      });
      // X-Similarity: the two posters' similarity on the channel (content: model cosine; color: histogram cosine; layout: layout cosine).
      return reply.type('image/png').header('cache-control', 'private, max-age=3600').header('X-Similarity', String(Math.round(score * 1e6) / 1e6)).send(png);
    },
  );

  app.get(
    '/api/explain/colors',
    {
      schema: {
        summary: 'The palette colours posters a and b share (CIE76 ΔE ≤ 20), closest first, with each colour\'s share of its poster',
        querystring: { type: 'object', properties: { a: { type: 'string', maxLength: 200 }, b: { type: 'string', maxLength: 200 } }, required: ['a', 'b'] },
        response: {
          200: {
            type: 'object',
            properties: {
              shared: {
                type: 'array',
                items: { type: 'object', properties: { a: paletteColorSchema, b: paletteColorSchema, deltaE: { type: 'number' } } },
              },
            },
          },
          404: errorSchema,
        },
      },
    },
    async (req) => {
      const [pa, pb] = await Promise.all([posterOf(req.query.a), posterOf(req.query.b)]);
      const [ca, cb] = await Promise.all([library.posters.palette(pa.key), library.posters.palette(pb.key)]);
      return { shared: sharedColours(ca ?? [], cb ?? []) };
    },
  );
}
