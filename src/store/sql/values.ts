/** Values as both engines hand them back, made alike once (see database.ts; JSON columns: connect.ts). */

/** A time column: SQLite gives ISO text, PostgreSQL's timestamptz a Date. */
export const isoTime = (v: unknown): string => (v instanceof Date ? v.toISOString() : (v as string));

/** A count: SQLite gives a number, PostgreSQL's bigint a string. */
export const count = (v: unknown): number => Number(v ?? 0);

/** Now, as every time column is written. */
export const now = (): string => new Date().toISOString();

/** Rows per multi-row INSERT: below both engines' bound-parameter limits (SQLite 32,766; PostgreSQL 65,535) for tables of up to 30 columns. */
export const INSERT_CHUNK = 1000;

export function chunks<T>(items: T[], size = INSERT_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
