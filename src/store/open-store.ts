/**
 * Chooses the store from where the library lives: a postgres:// (or postgresql://) URL opens
 * PostgreSQL, anything else is a SQLite file path. `create: false` (every reading command) never
 * creates a library: a missing file or an empty database is a clear error.
 */
import { existsSync } from 'node:fs';
import { StoreError } from './errors.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';
import type { BatchQueue } from './batch-queue.js';
import { isPostgresUrl } from './location.js';

export { defaultLocation, isPostgresUrl, redactLocation } from './location.js';

/** The index queue of a PostgreSQL library (workers on any machine take batches from it). */
export async function openIndexQueue<T extends object>(store: Store): Promise<BatchQueue<T>> {
  if (store.engine !== 'postgres')
    throw new StoreError('unavailable', `library ${store.location} is a SQLite file: indexing with workers needs a PostgreSQL library (--db postgres://...), where the queue lives`);
  const { openPgBossQueue } = await import('./postgres/pg-boss-queue.js');
  return openPgBossQueue<T>(store.connection);
}

export async function openStore(location: string, opts: { create: boolean }): Promise<Store> {
  if (isPostgresUrl(location)) {
    const { openPostgresStore } = await import('./postgres/postgres-store.js');
    return openPostgresStore(location, opts);
  }
  if (!opts.create && !existsSync(location))
    throw new StoreError('missing', `library ${location} does not exist: run "marquee index <catalog>" first (or pass --db / set MARQUEE_DB)`);
  return openSqliteStore(location, opts);
}
