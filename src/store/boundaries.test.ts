/**
 * The store's boundary, checked on the source: no module outside src/store issues SQL or imports
 * a database driver, and within it only the SQLite implementation imports better-sqlite3 and only
 * the PostgreSQL implementation imports node-postgres, pg-boss or PGlite; the query builder
 * (Kysely) is imported inside src/store only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

const DRIVERS: Record<string, RegExp> = {
  sqlite: /from ['"]better-sqlite3['"]/,
  postgres: /from ['"](pg|pg-boss|@electric-sql\/[\w-]+)['"]|import\(['"](pg|pg-boss|@electric-sql\/[\w-]+)['"]\)/,
};
/** Kysely: the repositories' query builder, inside src/store only. */
const QUERY_BUILDER = /from ['"]kysely['"]/;
const SQL = /\b(SELECT\s+[\w*,\s().:]+?\s+FROM\s+\w|INSERT\s+(OR\s+\w+\s+)?INTO\s+\w|UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s+\w|CREATE\s+(TABLE|INDEX|EXTENSION)\s|PRAGMA\s+\w)/i;

describe('store boundary', () => {
  const files = sources(SRC).map((file) => ({ file: relative(SRC, file), text: readFileSync(file, 'utf8') }));

  it('finds the sources it checks', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.some((f) => f.file === join('store', 'sqlite', 'sqlite-store.ts') && DRIVERS.sqlite!.test(f.text))).toBe(true);
    expect(files.some((f) => f.file === join('store', 'postgres', 'postgres-store.ts') && DRIVERS.postgres!.test(f.text))).toBe(true);
  });

  it('keeps SQL and drivers inside src/store', () => {
    const outside = files.filter((f) => !f.file.startsWith(`store${'/'}`));
    expect(outside.filter((f) => SQL.test(f.text)).map((f) => f.file)).toEqual([]);
    expect(outside.filter((f) => DRIVERS.sqlite!.test(f.text) || DRIVERS.postgres!.test(f.text) || QUERY_BUILDER.test(f.text)).map((f) => f.file)).toEqual([]);
  });

  it('lets each implementation import only its own driver', () => {
    const store = files.filter((f) => f.file.startsWith(`store${'/'}`));
    expect(store.filter((f) => DRIVERS.sqlite!.test(f.text)).every((f) => f.file.startsWith(join('store', 'sqlite')))).toBe(true);
    expect(store.filter((f) => DRIVERS.postgres!.test(f.text)).every((f) => f.file.startsWith(join('store', 'postgres')))).toBe(true);
  });
});
