import { accessConfigFromEnv } from '../server/access.js';
import { availableParallelism } from 'node:os';
import { buildServer } from '../server/app.js';
import { BackgroundTextReader } from '../server/text-reading.js';
import { openExistingLibrary } from './open-library.js';

export async function runServeCommand(opts: { db?: string; port: number; host: string; readText?: boolean }): Promise<number> {
  const access = accessConfigFromEnv();
  const library = await openExistingLibrary(opts.db);
  const textReader = opts.readText ? new BackgroundTextReader(library, Number(process.env.MARQUEE_OCR_THREADS ?? availableParallelism())) : undefined;
  let app: Awaited<ReturnType<typeof buildServer>> | undefined;
  let address: string;
  try {
    app = await buildServer({ library, logger: false, access, textReader });
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
  process.stderr.write(
    `reads: ${access.readAccess}; writes: ${access.token ? 'need the token' : 'disabled (set MARQUEE_TOKEN)'}; CORS: ${access.corsOrigins.length ? access.corsOrigins.join(', ') : 'off'}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await textReader?.stop();
  await app.close();
  await library.close();
  return 0;
}

/** A listening address as a person can open it: the wildcard interfaces become localhost. */
function browsable(address: string): string {
  return address.replace(/\/\/(0\.0\.0\.0|\[::\])(?=:)/, '//localhost');
}
