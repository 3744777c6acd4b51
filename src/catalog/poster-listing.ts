/**
 * Further posters of a catalog's films (teaser, final, international, re-release): a
 * `posters.csv` beside movies.csv with columns movie_id, file and optionally kind, country, year,
 * one row per poster, in the order the posters should be shown. Read whole before the movies are
 * streamed (one short row per poster); rows that cannot be used are reported, never guessed at.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { PosterMeta } from '../store/types.js';
import { parseYear } from './record.js';
import { cleanText } from './text.js';

export const POSTER_LISTING_FILE = 'posters.csv';

/** One poster a catalog lists for a film, with what it says of it. */
export interface PosterListing {
  /** The file as written (relative to the catalog folder). */
  ref: string;
  meta: PosterMeta;
  /** "posters.csv:12", or "movies.csv:3" for a path of the movie row's own poster column. */
  where: string;
}

export const NO_META: PosterMeta = { kind: null, country: null, year: null };

export interface PosterListings {
  byMovie: Map<string, PosterListing[]>;
  /** Rows that could not be used, with the reason. */
  problems: { where: string; reason: string }[];
}

export async function readPosterListings(root: string): Promise<PosterListings> {
  const out: PosterListings = { byMovie: new Map(), problems: [] };
  const file = join(root, POSTER_LISTING_FILE);
  if (!existsSync(file)) return out;
  let rows: Record<string, string>[];
  try {
    rows = parse(await readFile(file), { columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as Record<string, string>[];
  } catch (err) {
    out.problems.push({ where: POSTER_LISTING_FILE, reason: `CSV is malformed, not used: ${(err as Error).message}` });
    return out;
  }
  if (rows.length > 0 && (!('movie_id' in rows[0]!) || !('file' in rows[0]!))) {
    out.problems.push({ where: POSTER_LISTING_FILE, reason: `needs columns movie_id and file (found: ${Object.keys(rows[0]!).join(', ')})` });
    return out;
  }
  rows.forEach((r, i) => {
    const where = `${POSTER_LISTING_FILE}:${i + 2}`;
    const id = cleanText(r.movie_id);
    const ref = cleanText(r.file);
    if (!id || !ref) return void out.problems.push({ where, reason: !id ? 'missing movie_id' : 'missing file' });
    const yearText = cleanText(r.year);
    const year = yearText ? parseYear(yearText) : null;
    if (yearText && year === null) return void out.problems.push({ where, reason: `year "${yearText}" is not a year from 1870 to 2100` });
    const listing: PosterListing = { ref, where, meta: { kind: cleanText(r.kind) || null, country: cleanText(r.country).toUpperCase() || null, year } };
    const list = out.byMovie.get(id) ?? [];
    if (list.some((l) => l.ref === ref)) return void out.problems.push({ where, reason: `${ref} is listed twice for movie ${id}` });
    list.push(listing);
    out.byMovie.set(id, list);
  });
  return out;
}
