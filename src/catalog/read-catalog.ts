/**
 * Streams a catalog folder as entries: `movies.csv`, else `movies.jsonl`, else a plain
 * folder of images (id = file name). Rows are streamed, never all loaded at once.
 */
import { createReadStream, existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, extname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import type { MovieRecord, PosterMeta } from '../store/types.js';
import { NO_META, readPosterListings, type PosterListing, type PosterListings } from './poster-listing.js';
import { requireFolder, resolveInside } from './paths.js';
import { CatalogTextDecoder, NON_UTF8_WARNING } from './text-decoding.js';
import { describeTextRepair, parseRow, type RawRow, type TextRepair } from './record.js';

export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif']);

export interface CatalogEntry {
  /** Where the entry came from, for messages: "movies.csv:12" or a file name. */
  where: string;
  record?: MovieRecord;
  /** Absolute poster path, checked to be inside the catalog folder. */
  posterPath?: string;
  /** Why the poster cannot be used (the movie itself is still valid). */
  posterError?: string;
  /** The poster path as the catalog wrote it (for messages). */
  posterRef?: string;
  /** Why the whole row is unusable. */
  error?: string;
  /** Something the row was read despite (e.g. not UTF-8). */
  warning?: string;
  /** The film's further posters (more paths in the row, posters.csv), in order: each resolved, or with its problem. */
  morePosters?: MorePosterEntry[];
  /** What posters.csv says of the main poster, when it lists it. */
  mainMeta?: PosterMeta;
  /** Text fields repaired from mojibake (record.ts; the originals are in record.extra): counted, not a warning. */
  textRepairs?: TextRepair[];
}

/** How many rows of a catalog had text repaired, with a few examples for the output. */
export interface TextRepairTally {
  /** Catalog rows with at least one text field repaired from mojibake. */
  textRepaired: number;
  /** The first few ("movies.csv:1321 (id 1320): title "Alien¬≥" → "Alien³" (Mac Roman)"), a title's repair preferred. */
  textRepairExamples: string[];
}

export const MAX_TEXT_REPAIR_EXAMPLES = 3;

/** Adds an entry's repairs to a tally (one count per row, however many of its fields were repaired). */
export function tallyTextRepairs(tally: TextRepairTally, entry: CatalogEntry): void {
  if (!entry.textRepairs?.length) return;
  tally.textRepaired++;
  if (tally.textRepairExamples.length >= MAX_TEXT_REPAIR_EXAMPLES) return;
  const shown = entry.textRepairs.find((r) => r.column === 'title') ?? entry.textRepairs[0]!;
  tally.textRepairExamples.push(`${entry.where}: ${describeTextRepair(shown)}`);
}

export interface MorePosterEntry extends PosterListing {
  /** Absolute path inside the catalog folder. */
  path?: string;
  /** Why the file cannot be used. */
  error?: string;
}

export type CatalogKind = 'csv' | 'jsonl' | 'images';

export function catalogKind(dir: string): CatalogKind {
  requireFolder(dir, 'catalog');
  if (existsSync(join(dir, 'movies.csv'))) return 'csv';
  if (existsSync(join(dir, 'movies.jsonl'))) return 'jsonl';
  return 'images';
}

/**
 * The film's posters from its row and posters.csv. The main poster is the row's first path, else
 * posters/<id>.jpg when it exists, else the first poster posters.csv lists; the others follow in
 * order (row paths, then posters.csv), each once.
 */
function postersOf(root: string, id: string, rowPaths: string[], where: string, listings: PosterListings): { main: string; mainMeta?: PosterMeta; more: MorePosterEntry[] } {
  const listed = listings.byMovie.get(id) ?? [];
  listings.byMovie.delete(id);
  const fallback = `posters/${id}.jpg`;
  const main = rowPaths[0] ?? (listed.length === 0 || existsSync(join(root, fallback)) ? fallback : listed[0]!.ref);
  const candidates: PosterListing[] = [...rowPaths.slice(1).map((ref) => ({ ref, where, meta: NO_META })), ...listed];
  const more: MorePosterEntry[] = [];
  const seenRefs = new Set([main]);
  for (const l of candidates) {
    if (seenRefs.has(l.ref)) continue;
    seenRefs.add(l.ref);
    try {
      more.push({ ...l, path: resolveInside(root, l.ref) });
    } catch (err) {
      more.push({ ...l, error: (err as Error).message });
    }
  }
  return { main, mainMeta: listed.find((l) => l.ref === main)?.meta, more };
}

function entryFromRow(root: string, where: string, row: RawRow, seen: Set<string>, listings: PosterListings): CatalogEntry {
  let parsed;
  try {
    parsed = parseRow(row);
  } catch (err) {
    return { where, error: (err as Error).message };
  }
  const { record, poster, morePosters, textRepairs } = parsed;
  const line = where;
  where = `${where} (id ${record.id})`;
  if (seen.has(record.id)) return { where, error: `duplicate id ${record.id} (first occurrence kept)` };
  seen.add(record.id);
  const { main: rel, mainMeta, more } = postersOf(root, record.id, poster ? [poster, ...morePosters] : [], line, listings);
  const extras = { ...(more.length ? { morePosters: more } : {}), ...(mainMeta ? { mainMeta } : {}), ...(textRepairs.length ? { textRepairs } : {}) };
  try {
    return { where, record, posterRef: rel, posterPath: resolveInside(root, rel), ...extras };
  } catch (err) {
    return { where, record, posterRef: rel, posterError: (err as Error).message, ...extras };
  }
}

/** posters.csv rows no catalog row took: reported once the catalog has been read. */
function* unusedListings(listings: PosterListings): Generator<CatalogEntry> {
  for (const p of listings.problems) yield { where: p.where, error: p.reason };
  for (const [id, list] of listings.byMovie) yield { where: list[0]!.where, error: `no movie with id ${id} in the catalog (${list.length} poster${list.length === 1 ? '' : 's'} not indexed)` };
}

class CatalogHeaderError extends Error {}

function csvHeader(header: string[]): string[] {
  const names = header.map((h) => h.trim().toLowerCase());
  if (!names.includes('id')) throw new CatalogHeaderError(`the header has no "id" column (found: ${names.slice(0, 12).join(', ') || 'nothing'}); every catalog row needs an id`);
  const dup = names.find((n, i) => n !== '' && names.indexOf(n) !== i);
  if (dup) throw new CatalogHeaderError(`the header names column "${dup}" twice`);
  return names;
}

async function* csvRows(root: string): AsyncGenerator<CatalogEntry> {
  const file = join(root, 'movies.csv');
  const text = new CatalogTextDecoder();
  const parser = createReadStream(file).pipe(text).pipe(
    parse({ columns: csvHeader, bom: true, relax_column_count: true, skip_empty_lines: true, info: true, relax_quotes: true }),
  );
  const seen = new Set<string>();
  const listings = await readPosterListings(root);
  let lastLine = 1; // the header
  try {
    for await (const item of parser as AsyncIterable<{ record: RawRow; info: { lines: number } }>) {
      const entry = entryFromRow(root, `movies.csv:${item.info.lines}`, item.record, seen, listings);
      if (text.anyNonUtf8(lastLine + 1, item.info.lines)) entry.warning = NON_UTF8_WARNING;
      if (lastLine === 1 && text.anyNonUtf8(1, 1)) entry.warning = `header: ${NON_UTF8_WARNING}`;
      lastLine = item.info.lines;
      yield entry;
    }
  } catch (err) {
    const header = err instanceof CatalogHeaderError;
    yield { where: 'movies.csv', error: header ? (err as Error).message : `CSV is malformed, stopped reading: ${(err as Error).message}` };
    return;
  }
  yield* unusedListings(listings);
}

async function* jsonlRows(root: string): AsyncGenerator<CatalogEntry> {
  const text = new CatalogTextDecoder();
  const lines = createInterface({ input: createReadStream(join(root, 'movies.jsonl')).pipe(text), crlfDelay: Infinity });
  const seen = new Set<string>();
  const listings = await readPosterListings(root);
  let n = 0;
  for await (const line of lines) {
    n++;
    if (!line.trim()) continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (err) {
      yield { where: `movies.jsonl:${n}`, error: `invalid JSON (${(err as Error).message})` };
      continue;
    }
    if (!row || typeof row !== 'object' || Array.isArray(row)) {
      yield { where: `movies.jsonl:${n}`, error: 'line is not a JSON object' };
      continue;
    }
    const entry = entryFromRow(root, `movies.jsonl:${n}`, row as RawRow, seen, listings);
    if (text.nonUtf8Lines.has(n)) entry.warning = NON_UTF8_WARNING;
    yield entry;
  }
  yield* unusedListings(listings);
}

async function* imageFiles(root: string): AsyncGenerator<CatalogEntry> {
  const seen = new Map<string, string>();
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase()))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  for (const file of files) {
    const rel = relative(root, file);
    const id = basename(file, extname(file));
    if (seen.has(id)) {
      yield { where: rel, error: `duplicate id ${id} (also ${seen.get(id)})` };
      continue;
    }
    seen.set(id, rel);
    yield {
      where: rel,
      record: { id, title: id, year: null, genres: [], countries: [], overview: '', tagline: '', imdbId: null, tmdbId: null, extra: {} },
      posterPath: resolve(file),
    };
  }
}

export function readCatalog(dir: string): AsyncGenerator<CatalogEntry> {
  const root = resolve(dir);
  const kind = catalogKind(root);
  return kind === 'csv' ? csvRows(root) : kind === 'jsonl' ? jsonlRows(root) : imageFiles(root);
}
