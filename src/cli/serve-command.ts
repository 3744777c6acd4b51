import { accessConfigFromEnv } from '../server/access.js';
import { buildServer } from '../server/app.js';
import { openExistingLibrary } from './open-library.js';

export async function runServeCommand(opts: { db?: string; port: number; host: string; readText?: boolean; trainGenres?: boolean }): Promise<number> {
  const access = accessConfigFromEnv();
  const library = await openExistingLibrary(opts.db);
  let app: Awaited<ReturnType<typeof buildServer>> | undefined;
  let address: string;
  try {
    app = await buildServer({ library, logger: false, access, readText: opts.readText, trainGenres: opts.trainGenres, computeAhead: true });
    address = browsable(await app.listen({ port: opts.port, host: opts.host }));
  } catch (err) {
    await app?.close();
    await library.close();
    throw err;
  }
  // The page a person opens comes first; the API is for programs.
  process.stdout.write(`Marquee is running: open ${address}/ in a browser\n`);
  process.stderr.write(`API on ${address}/api (OpenAPI: ${address}/api/openapi.json)\n`);
  if (opts.readText) process.stderr.write('reading poster text in the background (jobs: GET /api/jobs, /jobs)\n');
  const pending = (await library.jobs.list({ limit: 200 })).filter((j) => j.state === 'waiting' || j.state === 'running');
  if (pending.length) process.stderr.write(`background jobs: ${[...new Set(pending.map((j) => j.kind))].join(', ')} (progress: ${address}/jobs)\n`);
  if (opts.trainGenres) process.stderr.write('genre model: trained in the background when missing or out of date (GET /api/genres/status)\n');
  process.stderr.write(
    `reads: ${access.readAccess}; writes: ${access.token ? 'need the token' : 'disabled (set MARQUEE_TOKEN)'}; CORS: ${access.corsOrigins.length ? access.corsOrigins.join(', ') : 'off'}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  // Closing the server stops its jobs (they go back to the queue and resume at the next start).
  await app.close();
  await library.close();
  return 0;
}

/** A listening address as a person can open it: the wildcard interfaces become localhost. */
function browsable(address: string): string {
  return address.replace(/\/\/(0\.0\.0\.0|\[::\])(?=:)/, '//localhost');
}
