/**
 * For tests and benchmarks only: the real pgvector (compiled to WebAssembly in @electric-sql/pglite-pgvector) inside
 * PGlite, served on a loopback port by @electric-sql/pglite-socket so the product's node-postgres
 * code runs against it unchanged. PGlite is one connection: open the store with a pool of one.
 * pg_trgm (PGlite's contrib) is loaded as Debian's PostgreSQL has it: the store's title and printed-text
 * lookups use it, and without it identification would differ from SQLite's.
 * Its packages are dev dependencies: only tests and `npm run bench -- scale` load this module.
 */
import { createServer } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface PgliteServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * `maxConnections` above 1 lets several clients (a CLI run's pool) in: pglite-socket runs one
 * query at a time and, inside a transaction, only the transaction's own connection's queries.
 * Session state (advisory locks, LISTEN) is shared by all of them: one PGlite is one backend.
 */
export async function startPglite(opts: { maxConnections?: number } = {}): Promise<PgliteServer> {
  const db = await PGlite.create({ extensions: { vector, pg_trgm } });
  await db.exec('CREATE EXTENSION IF NOT EXISTS vector');
  const port = await freePort();
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: opts.maxConnections ?? 1 });
  await server.start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}
