/**
 * The jobs API: every kind of background job in the library's queue with its counts, the newest
 * jobs with progress, rate and ETA and the reason of each failure; starting, cancelling and
 * retrying jobs and pausing or resuming a kind need the token (like every other write).
 */
import { JOB_STATES, type Job, type KindCounts } from '../../jobs/job-queue.js';
import { STARTABLE_JOBS } from '../../ingest/library-jobs.js';
import { requireWriteAccess } from '../access.js';
import type { Api, ServerContext } from '../context.js';
import { HttpError } from '../errors.js';
import { MarqueeError } from '../../util/errors.js';
import { covering, errorSchema } from '../schemas.js';

const jobSchema = covering<Omit<Job, 'payload'> & { rate: number | null; etaSeconds: number | null }>()({
  type: 'object',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string' },
    key: { type: 'string' },
    state: { type: 'string', enum: [...JOB_STATES] },
    priority: { type: 'integer' },
    attempts: { type: 'integer' },
    maxAttempts: { type: 'integer' },
    progress: { type: ['object', 'null'], properties: { done: { type: 'number' }, total: { type: 'number' }, message: { type: 'string' } } },
    /** Items per second of the running try, and seconds left at that rate. */
    rate: { type: ['number', 'null'] },
    etaSeconds: { type: ['number', 'null'] },
    result: {},
    error: { type: ['string', 'null'] },
    worker: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
    startedAt: { type: ['string', 'null'] },
    finishedAt: { type: ['string', 'null'] },
    runAfter: { type: 'string' },
  },
} as const);

const countsSchema = covering<KindCounts>()({
  type: 'object',
  properties: { kind: { type: 'string' }, paused: { type: 'boolean' }, counts: { type: 'object', additionalProperties: { type: 'integer' } } },
} as const);

const idParams = { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] } as const;
const kindParams = { type: 'object', properties: { kind: { type: 'string', maxLength: 64 } }, required: ['kind'] } as const;

/** A job as the API shows it: with the rate and ETA of its running try. */
function shown(job: Job, now = Date.now()): Job & { rate: number | null; etaSeconds: number | null } {
  const p = job.progress;
  if (job.state !== 'running' || !p || !job.startedAt || p.total <= 0) return { ...job, rate: null, etaSeconds: null };
  const seconds = Math.max(1e-3, (now - Date.parse(job.startedAt)) / 1000);
  const rate = p.done / seconds;
  return { ...job, rate: Math.round(rate * 1000) / 1000, etaSeconds: rate > 0 ? Math.round((p.total - p.done) / rate) : null };
}

export function registerJobRoutes(app: Api, ctx: ServerContext): void {
  const { jobs, access } = ctx;
  const write = { onRequest: async (req: Parameters<typeof requireWriteAccess>[1]) => requireWriteAccess(access, req) };
  const known = (kind: string): void => {
    if (!ctx.workers.kinds().includes(kind)) throw new MarqueeError('unknown_job', `no job kind "${kind}" (kinds: ${ctx.workers.kinds().join(', ')})`);
  };
  const found = async (id: string): Promise<Job> => {
    const job = await jobs.get(id);
    if (!job) throw new MarqueeError('unknown_job', `no job ${id}`);
    return job;
  };

  app.get(
    '/api/jobs',
    {
      schema: {
        summary: 'Background jobs: per kind its waiting, running, done, failed and cancelled counts and whether it is paused; the newest jobs with progress, rate, ETA and failure reasons',
        querystring: { type: 'object', properties: { kind: { type: 'string', maxLength: 64 }, limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 } } },
        response: { 200: { type: 'object', properties: { kinds: { type: 'array', items: countsSchema }, jobs: { type: 'array', items: jobSchema }, cpuBudget: { type: 'integer' } } } },
      },
    },
    async (req) => {
      const counts = await jobs.counts();
      const listed = new Set(counts.map((c) => c.kind));
      // Every kind this server runs is listed, also before its first job.
      for (const kind of ctx.workers.kinds()) if (!listed.has(kind)) counts.push({ kind, paused: false, counts: Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<(typeof JOB_STATES)[number], number> });
      counts.sort((a, b) => a.kind.localeCompare(b.kind));
      const now = Date.now();
      return { kinds: counts, jobs: (await jobs.list({ kind: req.query.kind, limit: req.query.limit })).map((j) => shown(j, now)), cpuBudget: ctx.workers.cpuBudget };
    },
  );

  app.get('/api/jobs/:id', { schema: { summary: 'One background job', params: idParams, response: { 200: jobSchema, 404: errorSchema } } }, async (req) => shown(await found(req.params.id)));

  for (const kind of STARTABLE_JOBS) {
    app.post(
      `/api/jobs/${kind}`,
      { ...write, schema: { summary: `Start a ${kind} job in the background (token); 409 when one is already waiting or running. Poll GET /api/jobs/{id}`, response: { 202: jobSchema, 401: errorSchema, 403: errorSchema, 409: errorSchema } } },
      async (_req, reply) => {
        const { job, created } = await ctx.startJob(kind);
        if (!created) throw new HttpError(409, 'job_running', `a ${kind} job is already ${job.state} (${job.id})`);
        return reply.status(202).send(shown(job));
      },
    );
  }

  app.post(
    '/api/jobs/:id/cancel',
    { ...write, schema: { summary: 'Cancel a waiting or running job (token); a running one stops within seconds', params: idParams, response: { 200: jobSchema, 404: errorSchema, 409: errorSchema } } },
    async (req) => {
      const job = await found(req.params.id);
      if (!(await jobs.cancel(job.id))) throw new HttpError(409, 'job_finished', `job ${job.id} is ${job.state}: nothing to cancel`);
      return shown(await found(job.id));
    },
  );

  app.post(
    '/api/jobs/:id/retry',
    { ...write, schema: { summary: 'Run a failed or cancelled job again (token)', params: idParams, response: { 200: jobSchema, 404: errorSchema, 409: errorSchema } } },
    async (req) => {
      const job = await found(req.params.id);
      const again = await jobs.retry(job.id);
      if (!again) throw new HttpError(409, 'job_not_failed', `job ${job.id} is ${job.state}: only failed or cancelled jobs run again`);
      void ctx.workers.poll();
      return shown(again);
    },
  );

  for (const action of ['pause', 'resume'] as const) {
    app.post(
      `/api/jobs/kinds/:kind/${action}`,
      { ...write, schema: { summary: `${action === 'pause' ? 'Pause' : 'Resume'} a kind of job (token): ${action === 'pause' ? 'no new job of it starts; running ones finish' : 'its waiting jobs start again'}`, params: kindParams, response: { 204: { description: 'done (no content)' }, 404: errorSchema } } },
      async (req, reply) => {
        known(req.params.kind);
        await jobs[action](req.params.kind);
        if (action === 'resume') void ctx.workers.poll();
        return reply.status(204).send();
      },
    );
  }
}
