/**
 * Streams a catalog folder as entries: `movies.csv`, else `movies.jsonl`, else a plain
 * folder of images (id = file name). Rows are streamed, never all loaded at once.
 */
import { createReadStream, existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, extname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import type { MovieRecord } from '../store/types.js';
import { requireFolder, resolveInside } from './paths.js';
import { CatalogTextDecoder, NON_UTF8_WARNING } from './text-decoding.js';
import { parseRow, type RawRow } from './record.js';

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
}

export type CatalogKind = 'csv' | 'jsonl' | 'images';

export function catalogKind(dir: string): CatalogKind {
  requireFolder(dir, 'catalog');
  if (existsSync(join(dir, 'movies.csv'))) return 'csv';
  if (existsSync(join(dir, 'movies.jsonl'))) return 'jsonl';
  return 'images';
}

function entryFromRow(root: string, where: string, row: RawRow, seen: Set<string>): CatalogEntry {
  let parsed;
  try {
    parsed = parseRow(row);
  } catch (err) {
    return { where, error: (err as Error).message };
  }
  const { record, poster } = parsed;
  where = `${where} (id ${record.id})`;
  if (seen.has(record.id)) return { where, error: `duplicate id ${record.id} (first occurrence kept)` };
  seen.add(record.id);
  const rel = poster || `posters/${record.id}.jpg`;
  try {
    return { where, record, posterRef: rel, posterPath: resolveInside(root, rel) };
  } catch (err) {
    return { where, record, posterRef: rel, posterError: (err as Error).message };
  }
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
  let lastLine = 1; // the header
  try {
    for await (const item of parser as AsyncIterable<{ record: RawRow; info: { lines: number } }>) {
      const entry = entryFromRow(root, `movies.csv:${item.info.lines}`, item.record, seen);
      if (text.anyNonUtf8(lastLine + 1, item.info.lines)) entry.warning = NON_UTF8_WARNING;
      if (lastLine === 1 && text.anyNonUtf8(1, 1)) entry.warning = `header: ${NON_UTF8_WARNING}`;
      lastLine = item.info.lines;
      yield entry;
    }
  } catch (err) {
    const header = err instanceof CatalogHeaderError;
    yield { where: 'movies.csv', error: header ? (err as Error).message : `CSV is malformed, stopped reading: ${(err as Error).message}` };
  }
}

async function* jsonlRows(root: string): AsyncGenerator<CatalogEntry> {
  const text = new CatalogTextDecoder();
  const lines = createInterface({ input: createReadStream(join(root, 'movies.jsonl')).pipe(text), crlfDelay: Infinity });
  const seen = new Set<string>();
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
    const entry = entryFromRow(root, `movies.jsonl:${n}`, row as RawRow, seen);
    if (text.nonUtf8Lines.has(n)) entry.warning = NON_UTF8_WARNING;
    yield entry;
  }
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
