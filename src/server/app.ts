/** The HTTP API (fastify) over the same library and engine the CLI uses. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import swagger from '@fastify/swagger';
import { explainMatch } from '../analysis/explain.js';
import { findDuplicatePairs, groupDuplicates } from '../analysis/duplicates.js';
import { closestPairs, type ClosestPair } from '../analysis/pairs.js';
import { storedPosterImage } from '../analysis/poster-image.js';
import { GenreService } from '../genres/predict.js';
import { SearchEngine } from '../search/engine.js';
import { parseWeights, type ChannelWeights, type SearchQuery } from '../search/query.js';
import { IMAGE_CHANNELS, type ImageChannel } from '../store/channels.js';
import type { Store } from '../store/store.js';
import { errorHandler, HttpError } from './errors.js';
import cors from '@fastify/cors';
import { requireReadAccess, type AccessConfig } from './access.js';
import { registerAdminRoutes } from './admin-routes.js';
import { JobRunner } from './jobs.js';
import { registerStillsRoutes } from './stills-routes.js';
import { StillsService } from '../stills/service.js';
import type { AtlasMeta } from '../atlas/build.js';
import { SHEET_SIZE, TILE_H, TILE_W, TILES_PER_ROW } from '../atlas/sheets.js';
import { errorSchema, genresSchema, paletteSchema, resultSchema, resultsSchema, searchBodySchema } from './schemas.js';
import { listField, numberField, readUpload, MAX_UPLOAD_BYTES } from './uploads.js';

export interface ServerOptions {
  library: Store;
  /** Log every request; otherwise only errors (5xx) are logged, to stdout as JSON lines. */
  logger?: boolean;
  /** Token, read access and CORS; default: public reads, writes disabled, CORS off. */
  access?: AccessConfig;
}

/** Bounds on every request (documented in the README's "Guarantees and limits"). */
export const REQUEST_LIMITS = {
  /** JSON bodies. */
  bodyBytes: 1024 * 1024,
  /** Time to receive a whole request. */
  requestTimeoutMs: 60_000,
  /** Idle keep-alive connections are closed after this. */
  keepAliveTimeoutMs: 10_000,
} as const;

interface SearchBody {
  id?: string;
  text?: string;
  colors?: string[];
  weights?: ChannelWeights;
  weightImage?: number;
  filters?: SearchQuery['filters'];
  k?: number;
}

const idParam = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 200 } }, required: ['id'] } as const;

export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const { library } = opts;
  const access = opts.access ?? { readAccess: 'public', corsOrigins: [] };
  const engine = await SearchEngine.fromLibrary(library);
  const genres = new GenreService(engine);
  // Unknown fields are errors, not silently dropped (ajv's fastify default is to remove them).
  const app = Fastify({
    logger: { level: opts.logger ? 'info' : 'error' },
    bodyLimit: REQUEST_LIMITS.bodyBytes,
    requestTimeout: REQUEST_LIMITS.requestTimeoutMs,
    keepAliveTimeout: REQUEST_LIMITS.keepAliveTimeoutMs,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array' } },
  });
  app.setErrorHandler(errorHandler);
  if (access.corsOrigins.length) await app.register(cors, { origin: access.corsOrigins.includes('*') ? '*' : access.corsOrigins, methods: ['GET', 'POST', 'DELETE'], allowedHeaders: ['Authorization', 'Content-Type'] });
  app.addHook('onRequest', async (req) => {
    if (req.url.startsWith('/api/')) requireReadAccess(access, req);
  });
  await app.register(swagger, {
    openapi: { info: { title: 'Marquee API', version: '0.1.0', description: 'Visual search over a poster library.' } },
  });
  await app.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 2 } });
  const analysisCache = new Map<string, Promise<unknown>>();
  const stills = new StillsService(engine);
  const changed = (): void => {
    engine.invalidate();
    genres.reset();
    stills.reset();
    analysisCache.clear();
  };
  const jobs = new JobRunner(library.connection, changed);
  // Another server's ingest, a CLI index run or a job's child process changed the library:
  // drop what is cached; it reloads on next use (PostgreSQL: LISTEN/NOTIFY; SQLite: data_version).
  const stopWatching = await library.onExternalChange(changed);
  app.addHook('onClose', async () => {
    jobs.stopAll();
    await stopWatching();
    await engine.close();
  });
  registerAdminRoutes(app, { library, engine, jobs, access, changed });
  registerStillsRoutes(app, library, stills);

  const cached = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    let p = analysisCache.get(key) as Promise<T> | undefined;
    if (!p) {
      p = fn();
      analysisCache.set(key, p);
      p.catch(() => analysisCache.delete(key));
    }
    return p;
  };

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/api/health', { schema: { response: { 200: { type: 'object', properties: { ok: { type: 'boolean' }, movies: { type: 'integer' }, posters: { type: 'integer' } } } } } }, async () => {
    const s = await library.stats();
    return { ok: true, movies: s.movies, posters: s.posters };
  });

  app.post<{ Body: SearchBody }>(
    '/api/search',
    { schema: { summary: 'Search by movie id, text, palette, or id + text', body: searchBodySchema, response: { 200: resultsSchema, 400: errorSchema } } },
    async (req) => ({ results: await engine.search({ ...req.body }) }),
  );

  app.post(
    '/api/search/image',
    {
      schema: {
        summary: 'Search by an uploaded image (multipart: image, optional image2 to blend; fields text, weights, weightImage, mix, blend, k, yearFrom, yearTo, genres, countries)',
        consumes: ['multipart/form-data'],
        response: { 200: resultsSchema, 400: errorSchema, 413: errorSchema, 415: errorSchema, 422: errorSchema },
      },
    },
    async (req) => {
      const { files, fields } = await readUpload(req, ['image', 'image2']);
      const image = files.get('image');
      if (!image) throw new HttpError(400, 'missing_image', 'the "image" file field is required');
      const image2 = files.get('image2');
      const blend = fields.get('blend');
      if (blend !== undefined && blend !== 'embedding' && blend !== 'pixel') throw new HttpError(400, 'invalid_field', 'blend must be "embedding" or "pixel"');
      let weights: ChannelWeights | undefined;
      try {
        weights = fields.get('weights') ? parseWeights(fields.get('weights')!) : undefined;
      } catch (err) {
        throw new HttpError(400, 'invalid_field', (err as Error).message);
      }
      const results = await engine.search({
        image: { bytes: image.bytes, source: `upload ${image.filename}` },
        image2: image2 ? { bytes: image2.bytes, source: `upload ${image2.filename}` } : undefined,
        text: fields.get('text') || undefined,
        weights,
        weightImage: numberField(fields, 'weightImage', 0, 1),
        mix: numberField(fields, 'mix', 0, 1),
        blend: blend as SearchQuery['blend'],
        k: numberField(fields, 'k', 1, 200, true) ?? 24,
        filters: {
          yearFrom: numberField(fields, 'yearFrom', 1800, 2200, true),
          yearTo: numberField(fields, 'yearTo', 1800, 2200, true),
          genres: listField(fields, 'genres'),
          countries: listField(fields, 'countries'),
        },
      });
      return { results };
    },
  );

  app.post(
    '/api/genres/predict',
    { schema: { summary: 'Genre probabilities of an uploaded poster (multipart: image, optional field overview)', consumes: ['multipart/form-data'], response: { 200: genresSchema, 400: errorSchema, 422: errorSchema } } },
    async (req) => {
      const { files, fields } = await readUpload(req, ['image']);
      const image = files.get('image');
      if (!image) throw new HttpError(400, 'missing_image', 'the "image" file field is required');
      return { genres: await genres.predict({ bytes: image.bytes, source: `upload ${image.filename}` }, fields.get('overview')) };
    },
  );

  const movieOr404 = async (id: string) => {
    const m = await library.getMovie(id);
    if (!m) throw new HttpError(404, 'not_found', `no movie with id "${id}"`);
    return m;
  };

  app.get<{ Params: { id: string } }>(
    '/api/movies/:id',
    {
      schema: {
        summary: 'A movie: metadata, palette, faces, predicted genres, neighbours per channel',
        params: idParam,
        response: {
          200: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              title: { type: 'string' },
              year: { type: ['integer', 'null'] },
              genres: { type: 'array', items: { type: 'string' } },
              countries: { type: 'array', items: { type: 'string' } },
              overview: { type: 'string' },
              tagline: { type: 'string' },
              imdbId: { type: ['string', 'null'] },
              extra: { type: 'object', additionalProperties: { type: 'string' } },
              hasPoster: { type: 'boolean' },
              palette: paletteSchema,
              faces: { type: 'integer' },
              stills: { type: 'integer' },
              predictedGenres: { type: ['array', 'null'], items: { type: 'object', properties: { genre: { type: 'string' }, p: { type: 'number' } } } },
              neighbours: { type: 'object', additionalProperties: { type: 'array', items: resultSchema } },
            },
          },
          404: errorSchema,
        },
      },
    },
    async (req) => {
      const m = await movieOr404(req.params.id);
      const key = m.key;
      const neighbours: Record<string, unknown> = {};
      if (m.hasPoster) for (const c of IMAGE_CHANNELS) neighbours[c] = await engine.search({ id: m.id, weights: { [c]: 1 } as ChannelWeights, k: 8 });
      let predictedGenres = null;
      const path = (await library.posterFile(m.id))?.path;
      if (path && existsSync(path) && (await library.getGenreModel('poster'))) predictedGenres = await genres.predict({ bytes: await readFile(path), source: m.id }, undefined, key);
      return { ...m, palette: (await library.getPalette(key)) ?? [], faces: (await library.getFaces(key)).length, stills: await library.stillsOfMovie(key), predictedGenres, neighbours };
    },
  );

  const sendImage = async (id: string, kind: 'thumbnail' | 'poster', ifNoneMatch: string | undefined, reply: FastifyReply) => {
    const m = await movieOr404(id);
    const file = await library.posterFile(m.id);
    if (!file) throw new HttpError(404, 'no_poster', `movie "${id}" has no poster`);
    const etag = `"${file.contentHash.slice(0, 32)}-${kind[0]}"`;
    reply.header('ETag', etag).header('Cache-Control', 'public, max-age=3600');
    if (ifNoneMatch === etag) return reply.status(304).send();
    if (kind === 'thumbnail') return reply.type('image/jpeg').send(await library.getThumbnail(m.id));
    // The path comes from the library (written at index time), never from the request; the format was sniffed then too.
    if (!existsSync(file.path)) throw new HttpError(404, 'poster_missing', `the poster file of "${id}" is no longer on disk`);
    return reply.type(`image/${file.format}`).send(await readFile(file.path));
  };

  app.get<{ Params: { id: string } }>('/api/movies/:id/thumbnail', { schema: { summary: 'JPEG thumbnail (ETag, cacheable)', params: idParam } }, async (req, reply) =>
    sendImage(req.params.id, 'thumbnail', req.headers['if-none-match'], reply),
  );
  app.get<{ Params: { id: string } }>('/api/movies/:id/poster', { schema: { summary: 'The original poster (ETag, cacheable)', params: idParam } }, async (req, reply) =>
    sendImage(req.params.id, 'poster', req.headers['if-none-match'], reply),
  );

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
      const all = await cached<ClosestPair[]>(`pairs:${req.query.channel}`, () => closestPairs(engine, req.query.channel as ImageChannel, 1000));
      return { pairs: all.slice(0, req.query.k) };
    },
  );

  app.get('/api/dupes', { schema: { summary: 'Groups of near-duplicate posters', response: { 200: { type: 'object', properties: { groups: { type: 'array', items: { type: 'array', items: { type: 'string' } } } } } } } }, async () =>
    cached('dupes', async () => {
      const groups = groupDuplicates(await findDuplicatePairs(engine));
      const movies = await library.getMoviesByKeys(groups.flat());
      return { groups: groups.map((g) => g.map((k) => movies.get(k)!.id)) };
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
      await movieOr404(req.query.a);
      await movieOr404(req.query.b);
      const poster = await storedPosterImage(library, req.query.a);
      if (!poster) throw new HttpError(404, 'no_poster', `movie "${req.query.a}" has no poster`);
      const target = (await engine.movieVectors(req.query.b)).vectors.content!;
      const result = await explainMatch(engine, poster, target);
      return reply.type('image/png').header('X-Similarity', String(result.score)).send(result.png);
    },
  );

  app.get<{ Querystring: { channel: string } }>(
    '/api/atlas',
    {
      schema: {
        summary: 'The atlas of a channel: every poster with its projections, grid cell, cluster and sprite; cluster labels',
        querystring: { type: 'object', properties: { channel: { type: 'string', enum: ['content', 'color', 'layout', 'text'], default: 'content' } } },
      },
    },
    async (req) => {
      const meta = await library.loadAtlasMeta<AtlasMeta>(req.query.channel);
      if (!meta) throw new HttpError(404, 'no_atlas', `no ${req.query.channel} atlas yet: run "marquee atlas build --channel ${req.query.channel}"`);
      const pts = await library.loadAtlasPoints(req.query.channel);
      const sprites = await library.loadAtlasSprites();
      const movies = await library.getMoviesByKeys(pts.map((p) => p.key));
      return {
        meta: { ...meta, tile: { width: TILE_W, height: TILE_H, perRow: TILES_PER_ROW, sheetSize: SHEET_SIZE } },
        points: pts.map((p) => {
          const m = movies.get(p.key)!;
          const sp = sprites.get(p.key);
          return { id: m.id, title: m.title, year: m.year, genres: m.genres, cluster: p.cluster, pca: p.pca, umap: p.umap, tsne: p.tsne, cell: p.cell, sheet: sp?.sheet ?? -1, slot: sp?.slot ?? -1 };
        }),
      };
    },
  );

  app.get<{ Params: { n: number } }>(
    '/api/atlas/sheets/:n',
    { schema: { summary: 'A texture-atlas sheet (JPEG) of poster tiles', params: { type: 'object', properties: { n: { type: 'integer', minimum: 0, maximum: 100000 } }, required: ['n'] } } },
    async (req, reply) => {
      const jpeg = await library.loadAtlasSheet(req.params.n);
      if (!jpeg) throw new HttpError(404, 'not_found', `no sheet ${req.params.n}`);
      const etag = `"sheet-${req.params.n}-${jpeg.length}"`;
      reply.header('ETag', etag).header('Cache-Control', 'public, max-age=3600');
      if (req.headers['if-none-match'] === etag) return reply.status(304).send();
      return reply.type('image/jpeg').send(jpeg);
    },
  );

  // The web UI (built by vite into dist-web), with client-side routes falling back to index.html.
  const webRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist-web');
  if (existsSync(join(webRoot, 'index.html'))) {
    await app.register(fastifyStatic, { root: webRoot, prefix: '/', wildcard: false, index: 'index.html', maxAge: '1h' });
    app.setNotFoundHandler((req, reply) => {
      if (req.method === 'GET' && !req.url.startsWith('/api/')) return reply.sendFile('index.html', { maxAge: 0 });
      return reply.status(404).send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` } });
    });
  }

  return app;
}
