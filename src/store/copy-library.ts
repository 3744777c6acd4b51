/**
 * Copies a whole library from one store to another (either engine, either direction), keys and
 * bytes unchanged, then verifies the copy: the same row count in every table and the same
 * SHA-256 over every vector's key, channel, model and bytes. The target must be empty.
 */
import { createHash } from 'node:crypto';
import { StoreError } from './errors.js';
import type { Store } from './store.js';
import { TABLE_SPECS, type TableSpec } from './tables.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'copy' | 'library' | 'location' | 'vectors'>;

export interface CopyProgress {
  table: string;
  rows: number;
}

export interface CopySummary {
  tables: Record<string, number>;
  vectorChecksum: string;
  seconds: number;
}

async function isEmpty(store: StoreParts): Promise<boolean> {
  const stats = await store.library.stats();
  if (stats.movies > 0 || stats.vectors.length > 0) return false;
  for await (const page of store.copy.exportTable(TABLE_SPECS.find((t) => t.name === 'meta')!)) if (page.length > 0) return false;
  return true;
}

/** Row count of a table and, for vectors, a digest of every vector in key order. */
async function fingerprint(store: StoreParts, spec: TableSpec): Promise<{ rows: number; digest: string }> {
  const hash = createHash('sha256');
  let rows = 0;
  for await (const page of store.copy.exportTable(spec)) {
    rows += page.length;
    if (spec.name === 'vectors')
      for (const r of page) hash.update(`${r.subject_key}\0${r.channel}\0${r.model_id}\0${r.model_version}\0`).update(r.data as Buffer);
  }
  return { rows, digest: hash.digest('hex') };
}

export async function copyLibrary(from: StoreParts, to: StoreParts, onProgress?: (p: CopyProgress) => void): Promise<CopySummary> {
  const started = performance.now();
  if (!(await isEmpty(to))) throw new StoreError('not_empty', `the target library ${to.location} is not empty: migrate copies into an empty library only`);
  const tables: Record<string, number> = {};
  for (const spec of TABLE_SPECS) {
    let n = 0;
    for await (const page of from.copy.exportTable(spec)) {
      await to.copy.importRows(spec, page);
      n += page.length;
      onProgress?.({ table: spec.name, rows: n });
    }
    tables[spec.name] = n;
  }
  await to.copy.finishImport();
  let vectorChecksum = '';
  for (const spec of TABLE_SPECS) {
    const [a, b] = await Promise.all([fingerprint(from, spec), fingerprint(to, spec)]);
    if (a.rows !== b.rows || a.digest !== b.digest)
      throw new StoreError('corrupt', `copy of table ${spec.name} does not match: ${a.rows} rows in ${from.location}, ${b.rows} in ${to.location}${a.digest !== b.digest ? ' (vector checksum differs)' : ''}`);
    if (spec.name === 'vectors') vectorChecksum = a.digest;
  }
  return { tables, vectorChecksum, seconds: (performance.now() - started) / 1000 };
}
