import { accessConfigFromEnv } from '../server/access.js';
import { buildServer } from '../server/app.js';
import { openExistingLibrary } from './open-library.js';

export async function runServeCommand(opts: { db?: string; port: number; host: string }): Promise<number> {
  const access = accessConfigFromEnv();
  const library = await openExistingLibrary(opts.db);
  const app = await buildServer({ library, logger: false, access });
  const address = await app.listen({ port: opts.port, host: opts.host });
  process.stderr.write(`Marquee API on ${address}/api (OpenAPI: ${address}/api/openapi.json)\n`);
  process.stderr.write(
    `reads: ${access.readAccess}; writes: ${access.token ? 'need the token' : 'disabled (set MARQUEE_TOKEN)'}; CORS: ${access.corsOrigins.length ? access.corsOrigins.join(', ') : 'off'}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await app.close();
  await library.close();
  return 0;
}
