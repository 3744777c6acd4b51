/**
 * Reads a stills folder into movies and their ordered stills. Two layouts:
 * - `movies.csv` (slug, title, year[, imdb_id][, id]) and one folder per slug with its frames;
 *   the frames' order is the file names' natural order (001.jpg, 002.jpg, …);
 * - `stills.csv` (file, movie_id[, timestamp][, title][, year][, imdb_id]); order by timestamp,
 *   else by row order.
 * Paths must stay inside the folder. Problems name the file and line.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parse } from 'csv-parse';
import { IMAGE_EXTENSIONS } from '../catalog/read-catalog.js';
import { requireFolder, resolveInside } from '../catalog/paths.js';
import { parseYear } from '../catalog/record.js';
import { cleanText } from '../catalog/text.js';
import { CatalogTextDecoder } from '../catalog/text-decoding.js';

export interface StillsMovie {
  /** The id the stills name (slug or movie_id). */
  ref: string;
  title: string;
  year: number | null;
  imdbId: string | null;
  stills: { seq: number; path: string; timestamp: number | null; where: string }[];
}

export interface StillsCatalog {
  movies: StillsMovie[];
  problems: { item: string; reason: string }[];
}

async function csvRecords(file: string): Promise<{ line: number; row: Record<string, string> }[]> {
  const parser = createReadStream(file)
    .pipe(new CatalogTextDecoder())
    .pipe(parse({ columns: (h: string[]) => h.map((x) => x.trim().toLowerCase()), bom: true, relax_column_count: true, skip_empty_lines: true, info: true, trim: true }));
  const out: { line: number; row: Record<string, string> }[] = [];
  for await (const item of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) out.push({ line: item.info.lines, row: item.record });
  return out;
}

const natural = new Intl.Collator('en', { numeric: true });

async function fromMoviesCsv(root: string): Promise<StillsCatalog> {
  const problems: StillsCatalog['problems'] = [];
  const movies: StillsMovie[] = [];
  const seen = new Set<string>();
  for (const { line, row } of await csvRecords(join(root, 'movies.csv'))) {
    const where = `movies.csv:${line}`;
    const ref = cleanText(row.id || row.slug || '');
    if (!ref) {
      problems.push({ item: where, reason: 'missing slug' });
      continue;
    }
    if (seen.has(ref)) {
      problems.push({ item: where, reason: `duplicate slug ${ref}` });
      continue;
    }
    seen.add(ref);
    let dir: string;
    try {
      dir = resolveInside(root, row.slug || ref);
    } catch (err) {
      problems.push({ item: where, reason: (err as Error).message });
      continue;
    }
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      problems.push({ item: where, reason: `no folder ${row.slug || ref}/ with its stills` });
      continue;
    }
    const files = (await readdir(dir)).filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase())).sort(natural.compare);
    if (files.length === 0) problems.push({ item: where, reason: `folder ${row.slug || ref}/ has no images` });
    movies.push({
      ref,
      title: cleanText(row.title ?? '') || ref,
      year: parseYear(row.year ?? ''),
      imdbId: cleanText(row.imdb_id ?? '') || null,
      stills: files.map((f, i) => ({ seq: i + 1, path: join(dir, f), timestamp: null, where: `${row.slug || ref}/${f}` })),
    });
  }
  return { movies, problems };
}

async function fromStillsCsv(root: string): Promise<StillsCatalog> {
  const problems: StillsCatalog['problems'] = [];
  const byRef = new Map<string, StillsMovie & { order: { t: number | null; n: number; path: string; where: string }[] }>();
  let n = 0;
  for (const { line, row } of await csvRecords(join(root, 'stills.csv'))) {
    const where = `stills.csv:${line}`;
    const ref = cleanText(row.movie_id ?? '');
    const file = row.file ?? '';
    if (!ref || !file) {
      problems.push({ item: where, reason: !ref ? 'missing movie_id' : 'missing file' });
      continue;
    }
    let path: string;
    try {
      path = resolveInside(root, file);
    } catch (err) {
      problems.push({ item: `${where} (${file})`, reason: (err as Error).message });
      continue;
    }
    const t = row.timestamp ? Number(row.timestamp) : null;
    if (t !== null && !Number.isFinite(t)) problems.push({ item: where, reason: `timestamp "${row.timestamp}" is not a number of seconds (ignored)` });
    let m = byRef.get(ref);
    if (!m) {
      m = { ref, title: cleanText(row.title ?? '') || ref, year: parseYear(row.year ?? ''), imdbId: cleanText(row.imdb_id ?? '') || null, stills: [], order: [] };
      byRef.set(ref, m);
    }
    m.order.push({ t: t !== null && Number.isFinite(t) ? t : null, n: n++, path, where: `${where} (${file})` });
  }
  const movies = [...byRef.values()].map(({ order, ...m }) => {
    order.sort((a, b) => (a.t ?? Infinity) - (b.t ?? Infinity) || a.n - b.n);
    return { ...m, stills: order.map((o, i) => ({ seq: i + 1, path: o.path, timestamp: o.t, where: o.where })) };
  });
  return { movies, problems };
}

export async function readStillsCatalog(root: string): Promise<StillsCatalog> {
  requireFolder(root, 'stills folder');
  if (existsSync(join(root, 'stills.csv'))) return fromStillsCsv(root);
  if (existsSync(join(root, 'movies.csv'))) return fromMoviesCsv(root);
  throw new Error(`stills folder ${root} has neither stills.csv (file, movie_id[, timestamp]) nor movies.csv (slug, title, year) with one folder per slug`);
}
