/** Turns one raw catalog row (CSV or JSONL) into a validated MovieRecord. */
import type { MovieRecord } from '../store/types.js';
import { cleanText, splitList } from './text.js';

export const KNOWN_COLUMNS = new Set(['id', 'title', 'year', 'genres', 'countries', 'overview', 'tagline', 'imdb_id', 'tmdb_id', 'poster', 'posters']);

export type RawRow = Record<string, unknown>;

export interface ParsedRow {
  record: MovieRecord;
  /** The main poster path as written in the row ('' if none). */
  poster: string;
  /** Further poster paths of the row: `poster` may list several paths separated by "|", and a `posters` column more. */
  morePosters: string[];
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

/** Throws an Error with the reason when the row cannot be used. */
export function parseRow(row: RawRow): ParsedRow {
  const id = cleanText(field(row, 'id'));
  if (!id) throw new Error('missing id');
  if (id.length > 200) throw new Error('id is longer than 200 characters');
  const extra: Record<string, string> = {};
  for (const [k, v] of Object.entries(row)) {
    if (!KNOWN_COLUMNS.has(k) && v !== undefined && v !== null && String(v) !== '') extra[k] = cleanText(typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
  const imdb = cleanText(field(row, 'imdb_id'));
  const tmdb = cleanText(field(row, 'tmdb_id'));
  return {
    record: {
      id,
      title: cleanText(field(row, 'title')) || id,
      year: parseYear(field(row, 'year')),
      genres: splitList(field(row, 'genres').replace(/,/g, '|')),
      countries: splitList(field(row, 'countries')).map((c) => c.toUpperCase()),
      overview: cleanText(field(row, 'overview')),
      tagline: cleanText(field(row, 'tagline')),
      imdbId: imdb || null,
      tmdbId: tmdb || null,
      extra,
    },
    ...posterPaths(row),
  };
}

function posterPaths(row: RawRow): { poster: string; morePosters: string[] } {
  const paths = [...new Set([...pathList(field(row, 'poster')), ...pathList(field(row, 'posters'))])];
  return { poster: paths[0] ?? '', morePosters: paths.slice(1) };
}
