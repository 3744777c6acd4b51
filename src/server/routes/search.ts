/** Search routes: by JSON (id, text, palette, weights, filters) and by uploaded image(s); genre prediction of an upload. */
import { searchQueryFrom } from '../../search/query-input.js';
import { identificationOf, IDENTIFY_MODES, type IdentifyMode } from '../../search/identify.js';
import { DEFAULT_IMAGE_WEIGHTS } from '../../search/query.js';
import type { Api, ServerContext } from '../context.js';
import { HttpError } from '../errors.js';
import { errorSchema, genreModelStatusSchema, genresSchema, identifiedSchema, MAX_RESULTS, resultSchema, resultsSchema, searchBodySchema } from '../schemas.js';

const imageResultsSchema = {
  type: 'object',
  properties: {
    results: { type: 'array', items: resultSchema },
    identified: identifiedSchema,
    identify: { type: 'string', enum: [...IDENTIFY_MODES], description: 'how the upload\'s identity was handled: fused (read and fused in), later (not read: ask POST /api/identify)' },
  },
  required: ['results', 'identify'],
} as const;
import { file, integer, text } from '../multipart-docs.js';
import { readUpload, requireFile } from '../uploads.js';

export function registerSearchRoutes(app: Api, ctx: ServerContext): void {
  const { engine, genres } = ctx;

  app.post(
    '/api/search',
    { schema: { summary: 'Search by movie id, text, palette, or id + text', body: searchBodySchema, response: { 200: resultsSchema } } },
    async (req) => {
      const b = req.body;
      const f = b.filters ?? {};
      const query = searchQueryFrom({ id: b.id, text: b.text, colors: b.colors, weights: b.weights, weightImage: b.weightImage, yearFrom: f.yearFrom, yearTo: f.yearTo, genres: f.genres, countries: f.countries, k: b.k, model: b.model, per: b.per });
      return { results: await engine.search(query) };
    },
  );

  app.post(
    '/api/search/image',
    {
      schema: {
        summary: 'Search by an uploaded image (multipart: image, optional image2 to blend; fields text, weights, weightImage, mix, blend, k, yearFrom, yearTo, genres, countries)',
        consumes: ['multipart/form-data'],
        multipartBody: {
          type: 'object',
          properties: {
            image: file('the query poster (JPEG, PNG, WebP, GIF, AVIF or TIFF)'),
            image2: file('a second poster: find posters between image and image2'),
            text: text('free text or a synopsis, searched together with the image'),
            weights: text('poster channel weights, e.g. "content=0.7,color=0.15,layout=0.15,identity=0.5"'),
            weightImage: text('image side weight (0-1) when text is given'),
            mix: text('blend position between image (0) and image2 (1)'),
            blend: text('how to blend two images', { enum: ['embedding', 'pixel'] }),
            k: integer('number of results', 1, MAX_RESULTS),
            yearFrom: text('earliest year'),
            yearTo: text('latest year'),
            genres: text('comma-separated genres, all must match'),
            countries: text('comma-separated ISO country codes, any may match'),
            model: text('image model of the content channel (an id from GET /api/models; default: the library\'s first)'),
            per: text('one result per film (its best poster; default) or per poster', { enum: ['film', 'poster'] }),
            identify: text(
              'fused (default): the upload\'s printed text is read and which film it shows is fused into the ranking and answered in `identified`; later: the image channels only, at once (ask POST /api/identify with the same image for the film; the upload is read once)',
              { enum: [...IDENTIFY_MODES] },
            ),
          },
          required: ['image'],
        },
        response: { 200: imageResultsSchema, 400: errorSchema, 413: errorSchema, 415: errorSchema, 422: errorSchema },
      },
    },
    async (req) => {
      const upload = await readUpload(req, ['image', 'image2']);
      const { files, fields } = upload;
      const image = requireFile(upload, 'image');
      const image2 = files.get('image2');
      const allowed = new Set(['text', 'weights', 'weightImage', 'mix', 'blend', 'k', 'yearFrom', 'yearTo', 'genres', 'countries', 'model', 'per', 'identify']);
      const unknown = [...fields.keys()].filter((k) => !allowed.has(k));
      if (unknown.length) throw new HttpError(400, 'invalid_field', `unknown field(s): ${unknown.join(', ')}`);
      const get = (name: string): string | undefined => fields.get(name) || undefined;
      const query = searchQueryFrom(
        {
          image: { bytes: image.bytes, source: `upload ${image.filename}` },
          image2: image2 ? { bytes: image2.bytes, source: `upload ${image2.filename}` } : undefined,
          text: get('text'), weights: get('weights'), weightImage: get('weightImage'), mix: get('mix'), blend: get('blend'), k: get('k'),
          yearFrom: get('yearFrom'), yearTo: get('yearTo'), genres: get('genres'), countries: get('countries'), model: get('model'), per: get('per'),
        },
        { k: 24 },
      );
      if ((query.k ?? 0) > MAX_RESULTS) throw new HttpError(400, 'invalid_field', `k must be an integer from 1 to ${MAX_RESULTS}, got ${query.k}`);
      const mode = (get('identify') ?? 'fused') as IdentifyMode;
      if (!IDENTIFY_MODES.includes(mode)) throw new HttpError(400, 'invalid_field', `identify must be one of ${IDENTIFY_MODES.join(', ')}, got "${mode}"`);
      // Later: nothing is read now, so the image channels answer at once.
      if (mode === 'later') query.weights = { ...(query.weights ?? DEFAULT_IMAGE_WEIGHTS), identity: 0, typography: 0 };
      const results = await engine.search(query);
      // One upload, nothing blended or mixed in: say which film it is when the evidence is strong (whatever the filters).
      const identified = mode === 'fused' && !query.image2 && !query.text ? await identificationOf(engine, query, results) : null;
      return { results, identified, identify: mode };
    },
  );

  app.post(
    '/api/genres/predict',
    {
      schema: {
        summary: 'Genre probabilities of an uploaded poster (multipart: image, optional field overview)',
        consumes: ['multipart/form-data'],
        multipartBody: { type: 'object', properties: { image: file('the poster'), overview: text('a synopsis: uses the poster + synopsis model') }, required: ['image'] },
        response: { 200: genresSchema, 400: errorSchema, 409: errorSchema, 422: errorSchema },
      },
    },
    async (req) => {
      const upload = await readUpload(req, ['image']);
      const { fields } = upload;
      const image = requireFile(upload, 'image');
      return { genres: await genres.predict({ bytes: image.bytes, source: `upload ${image.filename}` }, fields.get('overview')) };
    },
  );

  app.get(
    '/api/models',
    {
      schema: {
        summary: 'The image models of the library, the default first: what a search\'s "model" may name',
        response: {
          200: {
            type: 'object',
            properties: {
              models: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { id: { type: 'string' }, version: { type: 'string' }, dimension: { type: 'integer' }, metric: { type: 'string' }, normalize: { type: 'boolean' }, default: { type: 'boolean' } },
                  required: ['id', 'dimension', 'metric', 'default'],
                },
              },
            },
            required: ['models'],
          },
        },
      },
    },
    async () => ({ models: engine.embedder.models.images.map((m, i) => ({ id: m.id, version: m.version, dimension: m.dimension, metric: m.metric, normalize: m.normalize, default: i === 0 })) }),
  );

  app.get(
    '/api/genres/status',
    { schema: { summary: 'Whether genre predictions work: ready, training (with its progress line), missing, stale (trained on another image model) or failed', response: { 200: genreModelStatusSchema } } },
    async () => ctx.genreTraining.status(),
  );
}
