/**
 * Trend routes: the measures, one measure's trend by year or decade (filters: genre, country,
 * main posters only), CSV of any set of measures (every chart's export), and each period's
 * typical posters and average image. The poster table and the typical posters are stored
 * analyses (analysis/stored-analyses.ts); a request only groups what is stored.
 */
import type { Trend } from '../../trends/trend-table.js';
import { TrendTable, type TrendUnit } from '../../trends/trend-table.js';
import { trendCsv } from '../../trends/trend-csv.js';
import { MarqueeError } from '../../util/errors.js';
import type { Api, ServerContext } from '../context.js';
import { covering, fileReply, periodProperties, trendMeasuresSchema, typicalSchema } from '../schemas.js';

interface TrendParams {
  measure: string | string[];
  by?: TrendUnit;
  genre?: string;
  country?: string;
  mainOnly?: boolean;
}

const trendQuerySchema = {
  type: 'object',
  properties: {
    measure: { anyOf: [{ type: 'string', maxLength: 80 }, { type: 'array', items: { type: 'string', maxLength: 80 }, maxItems: 40 }], description: 'a measure name (GET /api/trends/measures); CSV takes several' },
    by: { type: 'string', enum: ['year', 'decade'], default: 'decade' },
    genre: { type: 'string', maxLength: 50, description: 'only posters of films of this genre' },
    country: { type: 'string', maxLength: 10, description: 'only posters of this country (the poster\'s own, else its film\'s)' },
    mainOnly: { type: 'boolean', default: false, description: 'only each film\'s main poster' },
  },
  required: ['measure'],
  additionalProperties: false,
} as const;

const trendSchema = covering<Trend>()({
  type: 'object',
  properties: {
    measure: { type: 'string' },
    label: { type: 'string' },
    unit: { type: 'string' },
    by: { type: 'string' },
    filters: { type: 'object', properties: { genre: { type: ['string', 'null'] }, country: { type: ['string', 'null'] }, mainOnly: { type: 'boolean' } } },
    periods: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          ...periodProperties,
          mean: { type: 'number' },
          low: { type: 'number', description: '95 % bootstrap interval of the mean, low end' },
          high: { type: 'number' },
          small: { type: 'boolean', description: 'fewer than 10 posters' },
        },
        required: ['period', 'start', 'n', 'mean', 'low', 'high', 'small'],
      },
    },
    undated: { type: 'integer' },
    missing: { type: 'integer' },
  },
  required: ['measure', 'label', 'unit', 'by', 'filters', 'periods', 'undated', 'missing'],
} as const);

export function registerTrendRoutes(app: Api, ctx: ServerContext): void {
  // The table, and each period's typical posters and average image under the filters, are stored
  // analyses computed by jobs (analysis/stored-analyses.ts), never on a request.
  const table = (): Promise<TrendTable> => ctx.analysisResults.trendTable();
  // Filters are checked against the posters there are before a job is asked for: a stored result per
  // genre or country no poster has would be computed (and kept) for nothing.
  const typical = async (q: Omit<TrendParams, 'measure'> & { by: TrendUnit }) => {
    (await ctx.cached('trend-posters', ['movies', 'posters'], () => TrendTable.loadPosters(ctx.library))).checkFilters(q);
    return ctx.analysisResults.typical(q);
  };
  const trends = async (q: TrendParams) => {
    const t = await table();
    return [q.measure].flat().map((measure) => t.trend({ measure, by: q.by ?? 'decade', genre: q.genre, country: q.country, mainOnly: q.mainOnly }));
  };

  const filtersSchema = { type: 'object', properties: { by: trendQuerySchema.properties.by, genre: trendQuerySchema.properties.genre, country: trendQuerySchema.properties.country, mainOnly: trendQuerySchema.properties.mainOnly }, additionalProperties: false } as const;
  app.get(
    '/api/trends/typical',
    {
      schema: {
        summary: 'The typical posters of each period: the medoids (most like the others on the content model), with the filters of /api/trends',
        querystring: filtersSchema,
        response: { 200: typicalSchema },
      },
    },
    async (req) => {
      const q = { by: req.query.by ?? 'decade', genre: req.query.genre, country: req.query.country, mainOnly: req.query.mainOnly };
      const { periods, averages } = await typical(q);
      return { by: q.by, periods: periods.map((p) => ({ ...p, average: p.period in averages })) };
    },
  );
  app.get(
    '/api/trends/average',
    {
      schema: {
        summary: 'The average image (JPEG) of a period\'s posters, each scaled to one 2:3 frame',
        querystring: { ...filtersSchema, properties: { ...filtersSchema.properties, period: { type: 'string', maxLength: 10, description: '"1990s" or "1994"' } }, required: ['period'] },
        response: { 200: fileReply('image/jpeg', 'the average image') },
      },
    },
    async (req, reply) => {
      const q = { by: req.query.by ?? 'decade', genre: req.query.genre, country: req.query.country, mainOnly: req.query.mainOnly };
      const jpeg = (await typical(q)).averages[req.query.period];
      if (jpeg === undefined) throw new MarqueeError('bad_query', `no poster in period "${req.query.period}" with these filters`);
      return reply.type('image/jpeg').header('Cache-Control', 'public, max-age=300').send(Buffer.from(jpeg, 'base64'));
    },
  );

  app.get('/api/trends/measures', { schema: { summary: 'The trend measures, and how many posters have a value for each', response: { 200: trendMeasuresSchema } } }, async () => ({ measures: (await table()).measures() }));
  app.get(
    '/api/trends',
    { schema: { summary: 'A measure of poster design per year or decade: mean, 95 % bootstrap interval, posters per period (small periods marked)', querystring: trendQuerySchema, response: { 200: trendSchema } } },
    async (req) => (await trends({ ...req.query, measure: [req.query.measure].flat()[0]! }))[0]!,
  );
  app.get(
    '/api/trends/csv',
    { schema: { summary: 'Trends as CSV (measure,by,genre,country,period,start,n,mean,low,high,small), any number of measures', querystring: trendQuerySchema, response: { 200: fileReply('text/csv', 'one row per measure and period') } } },
    async (req, reply) => reply.type('text/csv; charset=utf-8').header('Content-Disposition', 'attachment; filename="marquee-trends.csv"').send(trendCsv(await trends(req.query))),
  );
}
