/** Metadata filters, resolved in memory to the set of allowed movie keys. */
import type { FilterRow } from './types.js';
import { levenshtein } from '../text/fuzzy.js';
import { MarqueeError } from '../util/errors.js';

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
  if (!m || (!m[1] && !m[3])) throw new MarqueeError('bad_query', `invalid year range "${s}": use 1995, 1980-1999, 1980- or -1999`);
  const from = m[1] ? Number(m[1]) : undefined;
  const to = m[3] ? Number(m[3]) : m[2] ? undefined : from;
  if (from !== undefined && to !== undefined && from > to) throw new MarqueeError('bad_query', `invalid year range "${s}": start is after end`);
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
    const have = new Set(row.countries.map(countryCode));
    if (!f.countries.some((c) => have.has(countryCode(c)))) return false;
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

/**
 * Rejects filters that can only match nothing by mistake: a genre or country the library does
 * not have (a typo'd "Comdy" used to answer an empty list, as if no comedy matched), and a year
 * range whose start is after its end. The message lists what the library does have. Returns the
 * filters with country codes normalised (upper case, UK as GB) for every index to apply alike.
 */
export function checkFilters(f: SearchFilters | undefined, rows: FilterRow[]): SearchFilters | undefined {
  if (!f) return f;
  if (f.yearFrom !== undefined && f.yearTo !== undefined && f.yearFrom > f.yearTo)
    throw new MarqueeError('bad_query', `invalid year range ${f.yearFrom}-${f.yearTo}: start is after end`);
  const known = (pick: (r: FilterRow) => string[], norm: (s: string) => string) => {
    const out = new Map<string, string>();
    for (const r of rows) for (const v of pick(r)) out.set(norm(v), v);
    return out;
  };
  if (f.genres?.length) {
    const genres = known((r) => r.genres, (g) => g.toLowerCase());
    for (const g of f.genres) if (!genres.has(g.toLowerCase())) throw new MarqueeError('bad_query', unknownValue('genre', g, [...genres.values()]));
  }
  if (f.countries?.length) {
    const countries = known((r) => r.countries, countryCode);
    const codes = f.countries.map((c) => resolveCountry(c, countries.keys()) ?? countryCode(c));
    // Countries are alternatives: only when none is known can the filter match nothing.
    const unknown = f.countries.filter((_, i) => !countries.has(codes[i]!));
    if (unknown.length === f.countries.length) throw new MarqueeError('bad_query', unknownValue('country', unknown[0]!, [...countries.values()]));
    return { ...f, countries: codes };
  }
  return f;
}

const REGION_NAMES = new Intl.DisplayNames(['en'], { type: 'region' });

/** A country code's English name ("FR" → "France"), or undefined for a code ICU does not know. */
function countryName(code: string): string | undefined {
  try {
    const name = REGION_NAMES.of(code);
    return name && name !== code ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The code among `known` (upper-case ISO codes) a country filter means: its code in any case
 * ("uk" is GB) or its English name ("France", "united states"); undefined when none.
 */
export function resolveCountry(value: string, known: Iterable<string>): string | undefined {
  const code = countryCode(value);
  const codes = [...known];
  if (codes.includes(code)) return code;
  const name = value.trim().toLowerCase();
  return codes.find((c) => countryName(c)?.toLowerCase() === name);
}

/** ISO 3166 codes compared upper-case; "UK" (reserved by ISO for the United Kingdom) means GB. */
export function countryCode(c: string): string {
  const u = c.trim().toUpperCase();
  return u === 'UK' ? 'GB' : u;
}

/**
 * The known value a mistyped one most likely meant, when it is close (an edit per three letters,
 * at least one); `spellings` gives the forms a known value may be typed as (a country's name).
 */
export function nearestKnown(value: string, known: string[], spellings: (k: string) => string[] = (k) => [k]): string | undefined {
  const typed = value.trim().toLowerCase();
  const best = known.map((k) => ({ k, d: Math.min(...spellings(k).map((n) => levenshtein(typed, n.toLowerCase()))) })).sort((a, b) => a.d - b.d)[0];
  return best && best.d <= Math.max(1, Math.floor(value.length / 3)) ? best.k : undefined;
}

/** "unknown genre \"Comdy\" (did you mean \"Comedy\"?): the library's genres are …" — the nearest known value suggested when close. */
export function unknownValue(what: string, value: string, known: string[]): string {
  const sorted = [...known].sort((a, b) => a.localeCompare(b));
  const nameOf = (k: string) => (what === 'country' ? countryName(countryCode(k)) : undefined);
  // A country is also matched by its name ("Frnace" → FR, France).
  const nearest = nearestKnown(value, sorted, (k) => [k, ...(nameOf(k) ? [nameOf(k)!] : [])]);
  const hint = nearest ? ` (did you mean "${nearest}"${nameOf(nearest) ? ` (${nameOf(nearest)})` : ''}?)` : '';
  const list = sorted.length > 60 ? `${sorted.slice(0, 60).join(', ')}, … (${sorted.length} in all)` : sorted.join(', ');
  return `unknown ${what} "${value}"${hint}: the library's ${what === 'country' ? 'countries' : `${what}s`} are ${list || 'none'}`;
}
