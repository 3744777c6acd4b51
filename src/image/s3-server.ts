/**
 * For tests and benchmarks only: a local S3-compatible server (s3rver, a dev dependency) on a
 * loopback port, in a process of its own — the CLI runs as a child that tests wait for
 * synchronously, so a server in their process could not answer it, and a real store is elsewhere
 * too. It stops when its stdin closes (or with the process that started it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { S3Client } from '@aws-sdk/client-s3';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';

export interface LocalS3Server {
  /** The endpoint, as AWS_ENDPOINT_URL. */
  url: string;
  /** Variables that point the AWS SDK (and so Marquee) at this server with its one account. */
  env: Record<string, string>;
  /** A client of this server, for a test or bench to make buckets and put objects with. */
  client: S3Client;
  stop(): Promise<void>;
}

const SCRIPT = `import S3rver from 's3rver';
const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: process.argv[1] });
const { port } = await server.run();
console.log(JSON.stringify({ port }));
process.stdin.resume();
process.stdin.on('end', () => server.close().then(() => process.exit(0)));`;

/** Starts s3rver keeping its buckets in `directory`. */
export async function startLocalS3(directory: string): Promise<LocalS3Server> {
  // Resolved from the project root, where s3rver is installed.
  const child: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT, directory], { cwd: resolve(import.meta.dirname, '../..'), stdio: ['pipe', 'pipe', 'inherit'] });
  const first = await createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next();
  if (first.done) throw new Error('the local S3 server did not start (is s3rver installed? it is a dev dependency)');
  const { port } = JSON.parse(first.value as string) as { port: number };
  const url = `http://127.0.0.1:${port}`;
  const client = new S3Client({ endpoint: url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  return {
    url,
    env: { AWS_ENDPOINT_URL: url, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' },
    client,
    stop: async () => {
      client.destroy();
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.stdin!.end();
      await exited;
    },
  };
}
