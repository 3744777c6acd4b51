/**
 * The two store engines for end-to-end tests that must hold on both: a fresh SQLite file, or a
 * fresh database on the test PostgreSQL server (test/setup/postgres.ts).
 */
import { join } from 'node:path';
import { inject } from 'vitest';
import { createTestDatabase } from '../src/store/postgres/databases.testkit.js';
import { tempDir } from './helpers.js';

export const ENGINES = ['sqlite', 'postgres'] as const;
export type Engine = (typeof ENGINES)[number];

export interface TestLibrary {
  /** What --db takes: a file path or a postgres:// URL. */
  db: string;
  drop(): Promise<void>;
}

export async function freshLibrary(engine: Engine): Promise<TestLibrary> {
  if (engine === 'sqlite') return { db: join(tempDir(), 'lib.db'), drop: async () => undefined };
  const d = await createTestDatabase(inject('pgUrl'));
  return { db: d.url, drop: d.drop };
}
