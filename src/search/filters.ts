/** Metadata filters, resolved in memory to the set of allowed movie keys. */
import type { FilterRow } from '../store/types.js';

export interface SearchFilters {
  yearFrom?: number;
  yearTo?: number;
  /** A movie must have every one of these genres (case-insensitive). */
  genres?: string[];
  /** A movie must have at least one of these countries (ISO codes, case-insensitive). */
  countries?: string[];
}

/** Parses "1980-1999", "1995", "1980-" or "-1999". */
export function parseYearRange(s: string): { yearFrom?: number; yearTo?: number } {
  const m = /^\s*(\d{4})?\s*(-)?\s*(\d{4})?\s*$/.exec(s);
  if (!m || (!m[1] && !m[3])) throw new Error(`invalid year range "${s}": use 1995, 1980-1999, 1980- or -1999`);
  const from = m[1] ? Number(m[1]) : undefined;
  const to = m[3] ? Number(m[3]) : m[2] ? undefined : from;
  if (from !== undefined && to !== undefined && from > to) throw new Error(`invalid year range "${s}": start is after end`);
  return { yearFrom: from, yearTo: to };
}

export function hasFilters(f: SearchFilters | undefined): boolean {
  return !!f && (f.yearFrom !== undefined || f.yearTo !== undefined || !!f.genres?.length || !!f.countries?.length);
}

export function matchesFilters(row: FilterRow, f: SearchFilters): boolean {
  if (f.yearFrom !== undefined && (row.year === null || row.year < f.yearFrom)) return false;
  if (f.yearTo !== undefined && (row.year === null || row.year > f.yearTo)) return false;
  if (f.genres?.length) {
    const have = new Set(row.genres.map((g) => g.toLowerCase()));
    if (!f.genres.every((g) => have.has(g.toLowerCase()))) return false;
  }
  if (f.countries?.length) {
    const have = new Set(row.countries.map((c) => c.toUpperCase()));
    if (!f.countries.some((c) => have.has(c.toUpperCase()))) return false;
  }
  return true;
}

/** undefined means "no filter" (every key allowed). */
export function allowedKeys(rows: FilterRow[], f: SearchFilters | undefined): Set<number> | undefined {
  if (!hasFilters(f)) return undefined;
  const out = new Set<number>();
  for (const r of rows) if (matchesFilters(r, f!)) out.add(r.key);
  return out;
}
