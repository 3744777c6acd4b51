/**
 * The HTTP API (fastify) over the same library and engine the CLI uses: plugins, access and
 * error handling here; the routes live in one module per area (routes/), the pages they
 * assemble in services/.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import cors from '@fastify/cors';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { GenreService } from '../genres/predict.js';
import { SearchEngine } from '../search/engine.js';
import { StillsService } from '../stills/service.js';
import type { Store } from '../store/store.js';
import type { Job } from '../jobs/job-queue.js';
import { requireReadAccess, type AccessConfig } from './access.js';
import type { ApiTypes, ServerContext } from './context.js';
import { errorHandler } from './errors.js';
import { errorSchema } from './schemas.js';
import { documentMultipart } from './multipart-docs.js';
import { GenreTraining } from './genre-training.js';
import { defaultCpuBudget, JobWorkers } from '../jobs/workers.js';
import { JOB_PRIORITY, libraryJobHandlers, POSTER_TEXT_JOB } from '../ingest/library-jobs.js';
import { AnalysisCache } from './analysis-cache.js';
import { LibraryChanges } from './library-changes.js';
import { touches } from '../store/revisions.js';
import { AnalysisResults } from './services/analysis-results.js';
import { registerAdminRoutes } from './routes/admin.js';
import { registerJobRoutes } from './routes/jobs.js';
import { registerAnalysisRoutes } from './routes/analysis.js';
import { registerAtlasRoutes } from './routes/atlas.js';
import { registerMovieRoutes } from './routes/movies.js';
import { registerSearchRoutes } from './routes/search.js';
import { registerStillsRoutes } from './routes/stills.js';
import { registerFilmRoutes } from './routes/films.js';
import { registerTrendRoutes } from './routes/trends.js';
import { registerBorrowingRoutes } from './routes/borrowings.js';
import { registerPosterVsFilmRoutes } from './routes/poster-vs-film.js';
import { registerTextRoutes } from './routes/text.js';
import { MAX_UPLOAD_BYTES } from './uploads.js';

export interface ServerOptions {
  library: Store;
  /** Log every request; otherwise only errors (5xx) are logged, to stdout as JSON lines. */
  logger?: boolean;
  /** Token, read access and CORS; default: public reads, writes disabled, CORS off. */
  access?: AccessConfig;
  /** Read the posters' printed text in the background (`serve --read-text`): enqueues the OCR pass. */
  readText?: boolean;
  /** Run the library's background jobs in this process (default: yes). */
  runJobs?: boolean;
  /** Cores the jobs share (default: all but one, MARQUEE_JOB_CPUS). */
  cpuBudget?: number;
  /** Train the genre model in the background when there is none usable (`serve --train-genres`). */
  trainGenres?: boolean;
  /** Compute the closest pairs and duplicate groups at start and after changes (a serving process), not on first request. */
  computeAhead?: boolean;
}

/** Bounds on every request (documented in docs/guarantees-and-limits.md). */
export const REQUEST_LIMITS = {
  /** JSON bodies. */
  bodyBytes: 1024 * 1024,
  /** Time to receive a whole request. */
  requestTimeoutMs: 60_000,
  /** Idle keep-alive connections are closed after this. */
  keepAliveTimeoutMs: 10_000,
} as const;

export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const { library } = opts;
  const access = opts.access ?? { readAccess: 'public', corsOrigins: [] };
  const engine = await SearchEngine.fromLibrary(library);
  const genres = new GenreService(library, engine.embedder);
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
  // Every route that validates its input (params, query, body) can answer 400 with the error body
  // (errors.ts): documented once here rather than on every route.
  app.addHook('onRoute', (route) => {
    const schema = route.schema as { hide?: boolean; params?: unknown; querystring?: unknown; body?: unknown; response?: Record<string, unknown> } | undefined;
    if (!schema || schema.hide || !(schema.params || schema.querystring || schema.body)) return;
    if (!schema.response?.['400']) schema.response = { 400: errorSchema, ...schema.response };
  });
  await app.register(swagger, {
    transform: documentMultipart,
    openapi: { info: { title: 'Marquee API', version: '0.1.0', description: 'Visual search over a poster library.' } },
  });
  await app.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 2 } });
  const analyses = new AnalysisCache();
  const stills = new StillsService(library, engine.embedder);
  let startJob: (kind: string, key?: string, payload?: unknown) => Promise<{ job: Job; created: boolean }> = () => Promise.reject(new Error('jobs are not ready yet'));
  const analysisResults = new AnalysisResults(engine, library.jobs, (kind, key, payload) => startJob(kind, key, payload), opts.computeAhead === true);
  // Every write, by this process or another (an index run, a worker, a job's child process), moves
  // the revisions of the areas it touched; what read another area is kept (store/revisions.ts).
  const changes = await LibraryChanges.watch(library);
  changes.onChange((changed) => {
    engine.invalidate(changed);
    if (touches(changed, GenreService.READS)) genres.reset();
    if (touches(changed, StillsService.READS)) stills.reset();
    analyses.invalidate(changed);
    analysisResults.reset(changed);
    // Readings or tiles written here or by any worker: the genre model may learn from more of them.
    if (touches(changed, ['printed-text', 'genre-model', 'vectors:tile-*'])) genreTraining.changed();
  });
  // Background work is jobs in the library's queue, run here under a CPU budget (and by any
  // `marquee worker` on the same library); a job that ends here reloads what it changed at once.
  const cpuBudget = opts.cpuBudget ?? defaultCpuBudget();
  const workers = new JobWorkers(library.jobs, libraryJobHandlers(library, cpuBudget), {
    cpuBudget,
    onFinished: () => {
      void changes.check().catch((err: unknown) => app.log.error(err));
      // A reading job that ended without writing (its last readings long stored) also lets the genre model learn from them.
      genreTraining.changed();
    },
  });
  startJob = async (kind: string, key?: string, payload?: unknown): Promise<{ job: Job; created: boolean }> => {
    const started = await library.jobs.enqueue({ kind, key, payload, priority: JOB_PRIORITY[kind] ?? 0 });
    void workers.poll();
    return started;
  };
  const genreTraining = new GenreTraining(library, genres, library.jobs, startJob, opts.trainGenres === true);
  if (opts.runJobs !== false) await workers.start();
  if (opts.readText) await startJob(POSTER_TEXT_JOB);
  genreTraining.ensure().catch((err: unknown) => app.log.error(err));
  analysisResults.warm();
  // Which-movie and looks read every still once; done now, not by the first query.
  if (opts.runJobs !== false) stills.warm();
  // Before the server waits for requests in flight: one waiting for a first analysis ends now.
  app.addHook('preClose', async () => analysisResults.close());
  app.addHook('onClose', async () => {
    genreTraining.close();
    await workers.stop();
    await changes.close();
    await engine.close();
  });
  const changed = async (): Promise<void> => void (await changes.check());
  const cached = <T>(key: string, reads: readonly string[], fn: () => Promise<T>): Promise<T> => analyses.get(key, reads, fn);

  const ctx: ServerContext = { library, engine, genres, genreTraining, stills, analysisResults, access, jobs: library.jobs, workers, startJob, changed, cached };

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/api/health', { schema: { response: { 200: { type: 'object', properties: { ok: { type: 'boolean' }, movies: { type: 'integer' }, posters: { type: 'integer' } } } } } }, async () => {
    const s = await library.library.stats();
    return { ok: true, movies: s.movies, posters: s.posters };
  });

  const api = app.withTypeProvider<ApiTypes>();
  registerSearchRoutes(api, ctx);
  registerMovieRoutes(api, ctx);
  registerAnalysisRoutes(api, ctx);
  registerAtlasRoutes(api, ctx);
  registerStillsRoutes(api, ctx);
  registerFilmRoutes(api, ctx);
  registerTrendRoutes(api, ctx);
  registerBorrowingRoutes(api, ctx);
  registerPosterVsFilmRoutes(api, ctx);
  registerTextRoutes(api, ctx);
  registerAdminRoutes(api, ctx);
  registerJobRoutes(api, ctx);

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
