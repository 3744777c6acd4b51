/** Turns one raw catalog row (CSV or JSONL) into a validated MovieRecord. */
import type { MovieRecord } from '../store/types.js';
import { repairMojibake, type CodePage } from './mojibake.js';
import { cleanText, splitList, tidyText } from './text.js';

export const KNOWN_COLUMNS = new Set(['id', 'title', 'year', 'genres', 'countries', 'overview', 'tagline', 'imdb_id', 'tmdb_id', 'poster', 'posters']);

export type RawRow = Record<string, unknown>;

/**
 * A repaired text field's value before the repair is kept in the record's extra under this prefix
 * and the column's name: extra["original_text.title"] = "Alien¬≥" (extra holds strings only).
 */
export const ORIGINAL_TEXT_PREFIX = 'original_text.';

/** A text field repaired from mojibake (UTF-8 read as Mac Roman or Windows-1252, mojibake.ts). */
export interface TextRepair {
  column: string;
  before: string;
  after: string;
  codePages: CodePage[];
}

export interface ParsedRow {
  record: MovieRecord;
  /** The main poster path as written in the row ('' if none). */
  poster: string;
  /** Further poster paths of the row: `poster` may list several paths separated by "|", and a `posters` column more. */
  morePosters: string[];
  /** The text fields whose mojibake was repaired (their originals are in record.extra, ORIGINAL_TEXT_PREFIX). */
  textRepairs: TextRepair[];
}

/** Poster paths of a field, "|"-separated (commas and semicolons may be part of a file name). */
function pathList(s: string): string[] {
  return s.split('|').map((p) => cleanText(p)).filter(Boolean);
}

function field(row: RawRow, name: string): string {
  const v = row[name];
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.map(String).join('|');
  return String(v);
}

export function parseYear(s: string): number | null {
  const m = /^\s*(\d{4})/.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  return y >= 1870 && y <= 2100 ? y : null;
}

/**
 * Throws an Error with the reason when the row cannot be used. Every text field that ends up in
 * the record (title, overview, tagline, genres, countries, the extra columns) is repaired from
 * mojibake, its original kept in extra; the id, the external ids and the poster paths are keys
 * rather than text and are only cleaned as before (cleanText), as posters.csv and stills are.
 */
export function parseRow(row: RawRow): ParsedRow {
  const id = cleanText(field(row, 'id'));
  if (!id) throw new Error('missing id');
  if (id.length > 200) throw new Error('id is longer than 200 characters');
  const textRepairs: TextRepair[] = [];
  const text = (column: string, raw: string): string => {
    const repair = repairMojibake(raw);
    const after = tidyText(repair.text);
    if (repair.codePages.length) textRepairs.push({ column, before: tidyText(raw), after, codePages: repair.codePages });
    return after;
  };
  const extra: Record<string, string> = {};
  for (const [k, v] of Object.entries(row)) {
    if (!KNOWN_COLUMNS.has(k) && v !== undefined && v !== null && String(v) !== '') extra[k] = text(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
  const imdb = cleanText(field(row, 'imdb_id'));
  const tmdb = cleanText(field(row, 'tmdb_id'));
  const record: MovieRecord = {
    id,
    title: text('title', field(row, 'title')) || id,
    year: parseYear(field(row, 'year')),
    genres: splitList(text('genres', field(row, 'genres')).replace(/,/g, '|')),
    countries: splitList(text('countries', field(row, 'countries'))).map((c) => c.toUpperCase()),
    overview: text('overview', field(row, 'overview')),
    tagline: text('tagline', field(row, 'tagline')),
    imdbId: imdb || null,
    tmdbId: tmdb || null,
    extra,
  };
  for (const r of textRepairs) extra[ORIGINAL_TEXT_PREFIX + r.column] = r.before;
  return { record, ...posterPaths(row), textRepairs };
}

/** One repair for a message: the column, then the text before and after (long text clipped around the first change). */
export function describeTextRepair(r: TextRepair, width = 60): string {
  const clip = (s: string, at: number): string => {
    if (s.length <= width) return s;
    const start = Math.max(0, Math.min(at - Math.floor(width / 3), s.length - width));
    return `${start > 0 ? '…' : ''}${s.slice(start, start + width)}${start + width < s.length ? '…' : ''}`;
  };
  let at = 0;
  while (at < r.before.length && r.before[at] === r.after[at]) at++;
  return `${r.column} "${clip(r.before, at)}" → "${clip(r.after, at)}" (${r.codePages.map((c) => (c === 'mac-roman' ? 'Mac Roman' : 'Windows-1252')).join(', then ')})`;
}

function posterPaths(row: RawRow): { poster: string; morePosters: string[] } {
  const paths = [...new Set([...pathList(field(row, 'poster')), ...pathList(field(row, 'posters'))])];
  return { poster: paths[0] ?? '', morePosters: paths.slice(1) };
}
