/** Routes for film stills: a movie's look, barcode, stills, similar looks; which movie a frame is from; kinds of shot; the map of every still. */
import { createHash } from 'node:crypto';
import { idParam, type Api, type ServerContext } from '../context.js';
import { HttpError } from '../errors.js';
import { errorSchema, fileReply, movieLookSchema, notModified, stillsAtlasSchema, stillsClustersSchema, stillsMoviesSchema } from '../schemas.js';
import { stillsAtlasView } from '../services/stills-atlas-view.js';
import { STILLS_ATLAS_JOB } from '../../ingest/library-jobs.js';
import { StillsError } from '../../stills/service.js';
import { file, integer } from '../multipart-docs.js';
import { numberField, readUpload, requireFile } from '../uploads.js';


const movieMatches = { type: 'object', properties: { movies: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, title: { type: 'string' }, score: { type: 'number' }, parts: { type: 'object', additionalProperties: { type: 'number' } } } } } } } as const;

export function registerStillsRoutes(app: Api, ctx: ServerContext): void {
  const { library, stills } = ctx;
  const keyOr404 = async (id: string): Promise<number> => {
    const key = await library.movies.keyOf(id);
    if (key === undefined) throw new HttpError(404, 'not_found', `no movie with id "${id}"`);
    return key;
  };

  app.get(
    '/api/movies/:id/look',
    { schema: { summary: "A movie's look from its stills: palette (named colours), HSL statistics, barcode colours, and its frames in film order", params: idParam, response: { 200: movieLookSchema, 404: errorSchema } } },
    async (req) => {
      const key = await keyOr404(req.params.id);
      const look = await stills.look(req.params.id);
      if (!look) throw new HttpError(404, 'no_stills', `movie "${req.params.id}" has no stills`);
      return { ...look, frames: (await library.stills.ofMovie(key)).map((s) => ({ seq: s.seq, timestamp: s.timestamp })) };
    },
  );

  app.get('/api/movies/:id/barcode', { schema: { summary: 'Colour barcode PNG: one column per still, in film order', params: idParam, response: { 200: fileReply('image/png', 'the barcode'), 404: errorSchema } } }, async (req, reply) => {
    await keyOr404(req.params.id);
    const png = await stills.barcode(req.params.id);
    if (!png) throw new HttpError(404, 'no_stills', `movie "${req.params.id}" has no stills`);
    return reply.type('image/png').header('Cache-Control', 'public, max-age=300').send(png);
  });

  app.get(
    '/api/movies/:id/stills/:seq/thumbnail',
    { schema: { summary: 'JPEG thumbnail of a still', params: { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 200 }, seq: { type: 'integer', minimum: 1, maximum: 10_000_000 } }, required: ['id', 'seq'] }, response: { 200: fileReply('image/jpeg', 'the thumbnail'), 404: errorSchema } } },
    async (req, reply) => {
      const jpeg = await library.stills.thumbnail(await keyOr404(req.params.id), req.params.seq);
      if (!jpeg) throw new HttpError(404, 'not_found', `movie "${req.params.id}" has no still ${req.params.seq}`);
      return reply.type('image/jpeg').header('Cache-Control', 'public, max-age=300').send(jpeg);
    },
  );

  app.get(
    '/api/movies/:id/looks',
    { schema: { summary: 'Movies with a similar look (sets and sequences of stills, palette, HSL), best first', params: idParam, querystring: { type: 'object', properties: { k: { type: 'integer', minimum: 1, maximum: 200, default: 12 } } }, response: { 200: movieMatches, 404: errorSchema, 409: errorSchema } } },
    async (req) => {
      await keyOr404(req.params.id);
      return { movies: await stills.similarLooks(req.params.id, req.query.k) };
    },
  );

  app.post(
    '/api/stills/which-movie',
    {
      schema: {
        summary: 'Which indexed movie an uploaded still comes from (multipart: image, optional field k)',
        consumes: ['multipart/form-data'],
        multipartBody: { type: 'object', properties: { image: file('the still (a frame of a film)'), k: integer('number of movies', 1, 200) }, required: ['image'] },
        response: {
          200: {
            type: 'object',
            properties: {
              ...movieMatches.properties,
              confident: { type: 'boolean', description: 'the best film scores at least threshold (measured on the stills); false: likely a frame of no indexed film' },
              threshold: { type: 'number' },
            },
          },
          400: errorSchema,
          409: errorSchema,
          422: errorSchema,
        },
      },
    },
    async (req) => {
      const upload = await readUpload(req, ['image']);
      const { fields } = upload;
      const image = requireFile(upload, 'image');
      const k = numberField(fields, 'k', 1, 200, true) ?? 5;
      return stills.whichMovie(image.bytes, `upload ${image.filename}`, k);
    },
  );

  app.get('/api/stills', { schema: { summary: 'Movies that have stills, with their still counts', response: { 200: stillsMoviesSchema } } }, async () => {
    const counts = await library.stills.movies();
    const movies = await library.movies.byKeys(counts.map((c) => c.key));
    return { movies: counts.map((c) => ({ id: movies.get(c.key)!.id, title: movies.get(c.key)!.title, year: movies.get(c.key)!.year, stills: c.count })) };
  });

  // A stored analysis computed by a job (analysis/stored-analyses.ts): the last result at once, a newer one in the background.
  app.get('/api/stills/clusters', { schema: { summary: 'Kinds of shot across movies: clusters of stills with labels and grid cells', response: { 200: stillsClustersSchema, 409: errorSchema } } }, async () => {
    if ((await library.stills.movies()).length === 0) throw new StillsError('no_stills', `library ${library.location} has no stills: run "marquee index --stills <folder>"`);
    return ctx.analysisResults.stillsClusters();
  });

  app.get(
    '/api/stills/atlas',
    {
      schema: { summary: 'The map of every still: PCA plane, grid cell, cluster, hue and thumbnail sprite of each, in columns; films; cluster labels', response: { 200: stillsAtlasSchema, 304: notModified, 404: errorSchema } },
      // Documented, not filtered: the columns go out as JSON.stringify writes them (six figures of stills).
      serializerCompiler: () => (data: unknown) => JSON.stringify(data),
    },
    async (req, reply) => {
      // The build's meta says which build this is before 132,617 stills are read for the view.
      const meta = await library.stillsAtlas.file('meta');
      if (!meta) {
        const job = (await ctx.jobs.list({ kind: STILLS_ATLAS_JOB, limit: 1 }))[0];
        if (job && (job.state === 'waiting' || job.state === 'running'))
          throw new HttpError(404, 'atlas_building', `the stills atlas is being built in the background (job ${job.id}, ${job.state}${job.progress?.message ? `: ${job.progress.message}` : ''}); it shows here when ready`);
        throw new HttpError(404, 'no_atlas', 'no stills atlas yet: run "marquee stills atlas"');
      }
      // A still deleted since (its place goes with it) changes the count.
      const etag = `"stills-atlas-${createHash('sha1').update(meta).digest('hex').slice(0, 16)}-${await library.stillsAtlas.count()}"`;
      reply.header('ETag', etag).header('Cache-Control', 'no-cache');
      if (req.headers['if-none-match'] === etag) return reply.status(304).send();
      const view = await stillsAtlasView(library);
      if (!view) throw new HttpError(404, 'no_atlas', 'no stills atlas yet: run "marquee stills atlas"');
      return view;
    },
  );

  app.get(
    '/api/stills/atlas/sheets/:n',
    { schema: { summary: 'A sheet (JPEG) of the stills atlas\'s 16:9 thumbnail tiles', params: { type: 'object', properties: { n: { type: 'integer', minimum: 0, maximum: 100000 } }, required: ['n'] }, response: { 200: fileReply('image/jpeg', 'the sheet'), 304: notModified, 404: errorSchema } } },
    async (req, reply) => {
      const jpeg = await library.stillsAtlas.file(`sheet.${req.params.n}`);
      if (!jpeg) throw new HttpError(404, 'not_found', `no stills atlas sheet ${req.params.n}`);
      // A rebuild writes the same sheet numbers again: the ETag is the bytes' hash.
      const etag = `"stills-sheet-${req.params.n}-${createHash('sha1').update(jpeg).digest('hex').slice(0, 16)}"`;
      reply.header('ETag', etag).header('Cache-Control', 'no-cache');
      if (req.headers['if-none-match'] === etag) return reply.status(304).send();
      return reply.type('image/jpeg').send(jpeg);
    },
  );
}
