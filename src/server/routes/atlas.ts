/** Atlas routes: the atlas view of a channel (services/atlas-view) and its texture-atlas sheets. */
import type { Api, ServerContext } from '../context.js';
import { HttpError } from '../errors.js';
import { atlasSchema, errorSchema, fileReply, notModified } from '../schemas.js';
import { atlasView } from '../services/atlas-view.js';
import { channelModel } from '../../atlas/build.js';
import { ATLAS_BUILD_JOB } from '../../ingest/library-jobs.js';

export function registerAtlasRoutes(app: Api, ctx: ServerContext): void {
  const { library } = ctx;

  app.get(
    '/api/atlas',
    {
      schema: {
        summary: 'The atlas of a channel: every poster with its projections, grid cell, cluster and sprite; cluster labels',
        querystring: {
          type: 'object',
          properties: {
            channel: { type: 'string', enum: ['content', 'color', 'layout', 'text'], default: 'content' },
            model: { type: 'string', maxLength: 200, description: 'image model of the content atlas (default: the library\'s first)' },
          },
        },
        response: { 200: atlasSchema, 404: errorSchema },
      },
      // Documented, not filtered: the points go out as JSON.stringify writes them (up to 50,000 of them).
      serializerCompiler: () => (data: unknown) => JSON.stringify(data),
    },
    async (req) => {
      const { channel } = await channelModel(library, req.query.channel, req.query.model);
      const view = await atlasView(library, channel);
      const how = `--channel ${req.query.channel}${req.query.model ? ` --model ${req.query.model}` : ''}`;
      if (!view) {
        // The default map is built by a background job after `marquee index --background` (npm start): say so, and the page waits for it.
        const job = (await ctx.jobs.list({ kind: ATLAS_BUILD_JOB, limit: 1 }))[0];
        if (req.query.channel === 'content' && !req.query.model && job && (job.state === 'waiting' || job.state === 'running')) {
          const paused = (await ctx.jobs.pausedKinds()).includes(ATLAS_BUILD_JOB);
          const doing = paused ? 'atlas jobs are paused: resume them on /jobs' : `${job.state}${job.progress?.message ? `: ${job.progress.message}` : ''}`;
          throw new HttpError(404, 'atlas_building', `the atlas is being built in the background (job ${job.id}, ${doing}); it shows here when ready`);
        }
        throw new HttpError(404, 'no_atlas', `no ${req.query.channel}${req.query.model ? ` (${req.query.model})` : ''} atlas yet: run "marquee atlas build ${how}"`);
      }
      return view;
    },
  );

  app.get(
    '/api/atlas/sheets/:n',
    { schema: { summary: 'A texture-atlas sheet (JPEG) of poster tiles', params: { type: 'object', properties: { n: { type: 'integer', minimum: 0, maximum: 100000 } }, required: ['n'] }, response: { 200: fileReply('image/jpeg', 'the sheet'), 304: notModified, 404: errorSchema } } },
    async (req, reply) => {
      const jpeg = await library.atlas.loadSheet(req.params.n);
      if (!jpeg) throw new HttpError(404, 'not_found', `no sheet ${req.params.n}`);
      const etag = `"sheet-${req.params.n}-${jpeg.length}"`;
      reply.header('ETag', etag).header('Cache-Control', 'public, max-age=3600');
      if (req.headers['if-none-match'] === etag) return reply.status(304).send();
      return reply.type('image/jpeg').send(jpeg);
    },
  );
}
