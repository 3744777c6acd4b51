/**
 * Routes that change the library: ingest a movie, delete one (jobs: routes/jobs.ts). All need the token (see access.ts). Ingest and delete hold the library's index lock
 * (so they are refused while `marquee index` runs) and are serialised inside the server.
 */
import { addMovie, deleteMovie } from '../../ingest/add-movie.js';
import type { RawRow } from '../../catalog/record.js';
import { requireWriteAccess } from '../access.js';
import type { Api, ServerContext } from '../context.js';
import { HttpError } from '../errors.js';
import { errorSchema } from '../schemas.js';
import { file, text } from '../multipart-docs.js';
import { readUpload, requireFile } from '../uploads.js';


const MAX_METADATA_CHARS = 20_000;

export function registerAdminRoutes(app: Api, ctx: ServerContext): void {
  const { library, engine, access } = ctx;
  const write = { onRequest: async (req: Parameters<typeof requireWriteAccess>[1]) => requireWriteAccess(access, req) };

  let queue: Promise<unknown> = Promise.resolve();
  /** Runs one library change at a time, holding the index lock. */
  const mutate = <T>(fn: () => Promise<T> | T): Promise<T> => {
    const run = queue.then(async () => {
      const release = await library.runs.acquireIndexLock(); // StoreError 'busy' answers 409 (errors.ts)
      try {
        return await fn();
      } finally {
        await release();
        await ctx.changed();
      }
    });
    queue = run.catch(() => undefined);
    return run;
  };

  app.post(
    '/api/movies',
    {
      ...write,
      schema: {
        summary: 'Add or update a movie (token). Multipart: file "poster", field "movie" = JSON metadata {id, title, year, genres, countries, overview, tagline, imdb_id, …}',
        consumes: ['multipart/form-data'],
        multipartBody: {
          type: 'object',
          properties: {
            poster: file('the poster image'),
            movie: text('JSON metadata: {"id","title","year","genres","countries","overview","tagline","imdb_id",…}; id and title are required'),
          },
          required: ['poster', 'movie'],
        },
        response: {
          201: { type: 'object', properties: { id: { type: 'string' }, created: { type: 'boolean' } } },
          200: { type: 'object', properties: { id: { type: 'string' }, created: { type: 'boolean' } } },
          400: errorSchema, 401: errorSchema, 403: errorSchema, 409: errorSchema, 413: errorSchema, 415: errorSchema, 422: errorSchema,
        },
      },
    },
    async (req, reply) => {
      const upload = await readUpload(req, ['poster']);
      const { fields } = upload;
      const poster = requireFile(upload, 'poster');
      const raw = fields.get('movie');
      if (!raw) throw new HttpError(400, 'missing_movie', 'the "movie" field (JSON metadata) is required');
      if (raw.length > MAX_METADATA_CHARS) throw new HttpError(413, 'too_large', `"movie" is over ${MAX_METADATA_CHARS} characters`);
      let metadata: unknown;
      try {
        metadata = JSON.parse(raw);
      } catch (err) {
        throw new HttpError(400, 'invalid_movie', `"movie" is not JSON: ${(err as Error).message}`);
      }
      if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) throw new HttpError(400, 'invalid_movie', '"movie" must be a JSON object');
      const [images, text] = await Promise.all([engine.embedder.channelModels(), engine.embedder.textModelForIndexing() ?? null]);
      const result = await mutate(() => addMovie(library, { images, text }, metadata as RawRow, { bytes: poster.bytes, name: `upload ${poster.filename}` }));
      if (result.problems.length) throw new HttpError(422, 'not_indexed', result.problems.map((p) => `${p.item}: ${p.reason}`).join('; '));
      return reply.status(result.created ? 201 : 200).send({ id: result.id, created: result.created });
    },
  );

  app.delete(
    '/api/movies/:id',
    {
      ...write,
      schema: {
        summary: 'Delete a movie with its poster, vectors and atlas place (token)',
        params: { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 200 } }, required: ['id'] },
        response: { 204: { description: 'deleted' }, 404: errorSchema, 401: errorSchema, 403: errorSchema, 409: errorSchema },
      },
    },
    async (req, reply) => {
      const deleted = await mutate(() => deleteMovie(library, req.params.id));
      if (!deleted) throw new HttpError(404, 'not_found', `no movie with id "${req.params.id}"`);
      return reply.status(204).send();
    },
  );
}
