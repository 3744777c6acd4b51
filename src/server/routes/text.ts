/** Printed text: the OCR pass's progress, a movie's recognised lines, and "which film is this poster". */
import type { Identification } from '../../search/identify.js';
import { identify } from '../../search/identify.js';
import { MarqueeError } from '../../util/errors.js';
import { OCR_SETTINGS, ocrVersionKey } from '../../text/poster-ocr.js';
import { currentReading } from '../../store/current-reading.js';
import { POSTER_TEXT_JOB, SMALL_PRINT_JOB } from '../../ingest/library-jobs.js';
import type { Api, ServerContext } from '../context.js';
import { idParam } from '../context.js';
import { covering, errorSchema, identifiedSchema, resultSchema, textLinesSchema } from '../schemas.js';
import { file } from '../multipart-docs.js';
import { readUpload, requireFile } from '../uploads.js';

const statusSchema = {
  type: 'object',
  properties: {
    read: { type: 'integer' },
    failed: { type: 'integer' },
    pending: { type: 'integer' },
    smallPrint: { type: 'integer', description: `Posters read whose small print (lines shorter than ${OCR_SETTINGS.smallPrintBelow * 100} % of the poster’s height) is still to read, by a later, lower-priority job` },
    running: { type: 'boolean' },
    rate: { type: 'number' },
    error: { type: ['string', 'null'] },
  },
  required: ['read', 'failed', 'pending', 'smallPrint', 'running'],
} as const;

const identifySchema = covering<Identification>()({
  type: 'object',
  properties: {
    match: identifiedSchema,
    candidates: { type: 'array', items: resultSchema },
    lines: textLinesSchema,
  },
  required: ['match', 'candidates', 'lines'],
} as const);

export function registerTextRoutes(app: Api, ctx: ServerContext): void {
  const { library, engine } = ctx;

  app.get('/api/text/status', { schema: { summary: 'How far reading the posters\' printed text (OCR) is', response: { 200: statusSchema } } }, async () => {
    const progress = await library.posterText.progress(ocrVersionKey());
    // The OCR passes are jobs in the library's queue (run here or by any worker on the library): the titles first, then the small print.
    const [titles, smallPrint] = await Promise.all([POSTER_TEXT_JOB, SMALL_PRINT_JOB].map(async (kind) => (await ctx.jobs.list({ kind, limit: 1 }))[0]));
    const working = (j: typeof titles): boolean => j?.state === 'running' || j?.state === 'waiting';
    const job = working(titles) ? titles : working(smallPrint) ? smallPrint : (titles ?? smallPrint);
    const running = job?.state === 'running' || job?.state === 'waiting';
    const seconds = job?.startedAt ? Math.max(1e-3, (Date.now() - Date.parse(job.startedAt)) / 1000) : 0;
    const rate = job?.state === 'running' && job.progress && seconds > 0 ? job.progress.done / seconds : 0;
    return { ...progress, running, rate: Math.round(rate * 100) / 100, error: job?.state === 'failed' ? job.error : null };
  });

  app.get(
    '/api/movies/:id/text',
    {
      schema: {
        summary: 'The printed text read on a movie\'s poster: lines with boxes (fractions of the poster), confidence and reading order',
        params: idParam,
        response: { 200: { type: 'object', properties: { state: { type: 'string', enum: ['read', 'failed', 'pending'] }, lines: textLinesSchema, error: { type: ['string', 'null'] } } }, 404: errorSchema },
      },
    },
    async (req) => {
      const key = await library.movies.keyOf(req.params.id);
      if (key === undefined) throw new MarqueeError('unknown_movie', `no movie with id "${req.params.id}"`);
      const reading = await currentReading(library, key);
      if (!reading) return { state: 'pending' as const, lines: [], error: null };
      return { state: reading.error ? ('failed' as const) : ('read' as const), lines: reading.lines, error: reading.error };
    },
  );

  app.post(
    '/api/identify',
    {
      schema: {
        summary: 'Which catalog film an uploaded poster shows (multipart: image): match with confidence, or null for "not in the catalog"',
        consumes: ['multipart/form-data'],
        multipartBody: { type: 'object', properties: { image: file('the poster') }, required: ['image'] },
        response: { 200: identifySchema, 400: errorSchema, 413: errorSchema, 415: errorSchema, 422: errorSchema },
      },
    },
    async (req) => {
      const upload = await readUpload(req, ['image']);
      const image = requireFile(upload, 'image');
      return identify(engine, { bytes: image.bytes, source: `upload ${image.filename}` });
    },
  );
}
