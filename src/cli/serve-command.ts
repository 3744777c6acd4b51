import { accessConfigFromEnv } from '../server/access.js';
import { availableParallelism } from 'node:os';
import { buildServer } from '../server/app.js';
import { BackgroundTextReader } from '../server/text-reading.js';
import { openExistingLibrary } from './open-library.js';
import { countingProgress, createProgressReporter } from './progress.js';

export async function runServeCommand(opts: { db?: string; port: number; host: string; readText?: boolean; trainGenres?: boolean }): Promise<number> {
  const access = accessConfigFromEnv();
  const library = await openExistingLibrary(opts.db);
  // Background OCR reports to the server's log as plain lines once a minute (a bar would fight the log).
  const textProgress = createProgressReporter({ json: false, tty: false, label: 'reading poster text', intervalMs: 60_000 });
  const textReader = opts.readText ? new BackgroundTextReader(library, Number(process.env.MARQUEE_OCR_THREADS ?? availableParallelism()), countingProgress(textProgress)) : undefined;
  let app: Awaited<ReturnType<typeof buildServer>> | undefined;
  let address: string;
  try {
    app = await buildServer({ library, logger: false, access, textReader, trainGenres: opts.trainGenres, computeAhead: true });
    address = browsable(await app.listen({ port: opts.port, host: opts.host }));
  } catch (err) {
    await app?.close();
    await library.close();
    throw err;
  }
  // The page a person opens comes first; the API is for programs.
  process.stdout.write(`Marquee is running: open ${address}/ in a browser\n`);
  process.stderr.write(`API on ${address}/api (OpenAPI: ${address}/api/openapi.json)\n`);
  if (textReader) {
    textReader.start();
    process.stderr.write('reading poster text in the background (GET /api/text/status)\n');
  }
  if (opts.trainGenres) process.stderr.write('genre model: trained in the background when missing or out of date (GET /api/genres/status)\n');
  process.stderr.write(
    `reads: ${access.readAccess}; writes: ${access.token ? 'need the token' : 'disabled (set MARQUEE_TOKEN)'}; CORS: ${access.corsOrigins.length ? access.corsOrigins.join(', ') : 'off'}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await textReader?.stop();
  textProgress.stop();
  await app.close();
  await library.close();
  return 0;
}

/** A listening address as a person can open it: the wildcard interfaces become localhost. */
function browsable(address: string): string {
  return address.replace(/\/\/(0\.0\.0\.0|\[::\])(?=:)/, '//localhost');
}
