/** Turns CLI flags or a JSONL batch line into a SearchQuery (files are read here). */
import { readFile } from 'node:fs/promises';
import { parseYearRange, type SearchFilters } from '../search/filters.js';
import { parseWeights, type BlendMode, type ImageInput, type SearchQuery } from '../search/query.js';

export interface SearchFlags {
  image?: string;
  image2?: string;
  id?: string;
  text?: string;
  weightImage?: number;
  mix?: number;
  blend?: string;
  year?: string;
  genre?: string[];
  country?: string[];
  weights?: string;
  colors?: string;
  k?: number;
}

/** Reads a query image file, with a clear error naming it. */
export async function readImage(path: string): Promise<ImageInput> {
  try {
    return { bytes: await readFile(path), source: path };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`${path}: ${code === 'ENOENT' ? 'file does not exist' : `cannot read (${code ?? (err as Error).message})`}`);
  }
}

function num(v: unknown, name: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got ${JSON.stringify(v)}`);
  return n;
}

function list(v: unknown, name: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  throw new Error(`${name} must be a string or an array of strings`);
}

function str(v: unknown, name: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') throw new Error(`${name} must be a string`);
  return v;
}

/** Accepts the flag names ("weight-image") and camelCase ("weightImage") as keys. */
export function flagsFromJson(obj: Record<string, unknown>): SearchFlags {
  const get = (...names: string[]): unknown => names.map((n) => obj[n]).find((v) => v !== undefined);
  const known = new Set(['weights', 'colors', 'qid', 'image', 'image2', 'id', 'text', 'weight-image', 'weightImage', 'mix', 'blend', 'year', 'genre', 'genres', 'country', 'countries', 'k']);
  const unknown = Object.keys(obj).filter((key) => !known.has(key));
  if (unknown.length) throw new Error(`unknown key(s): ${unknown.join(', ')}`);
  return {
    image: str(get('image'), 'image'),
    image2: str(get('image2'), 'image2'),
    id: str(get('id'), 'id'),
    text: str(get('text'), 'text'),
    weightImage: num(get('weight-image', 'weightImage'), 'weight-image'),
    mix: num(get('mix'), 'mix'),
    blend: str(get('blend'), 'blend'),
    year: str(get('year'), 'year'),
    genre: list(get('genre', 'genres'), 'genre'),
    country: list(get('country', 'countries'), 'country'),
    k: num(get('k'), 'k'),
    weights: weightsString(get('weights')),
    colors: list(get('colors'), 'colors')?.join(','),
  };
}

/** weights may be "content=0.6,color=0.4" or {"content":0.6,"color":0.4}. */
function weightsString(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && !Array.isArray(v)) return Object.entries(v as Record<string, unknown>).map(([c, w]) => `${c}=${String(w)}`).join(',');
  throw new Error('weights must be a string like "content=0.6,color=0.4" or an object');
}

export async function queryFromFlags(f: SearchFlags): Promise<SearchQuery> {
  if (f.blend !== undefined && f.blend !== 'embedding' && f.blend !== 'pixel') throw new Error(`blend must be "embedding" or "pixel", got "${f.blend}"`);
  const filters: SearchFilters = {
    ...(f.year ? parseYearRange(f.year) : {}),
    genres: f.genre?.length ? f.genre : undefined,
    countries: f.country?.length ? f.country : undefined,
  };
  const [image, image2] = await Promise.all([f.image ? readImage(f.image) : undefined, f.image2 ? readImage(f.image2) : undefined]);
  return {
    image,
    image2,
    id: f.id,
    text: f.text,
    weightImage: f.weightImage,
    mix: f.mix,
    blend: f.blend as BlendMode | undefined,
    filters,
    weights: f.weights ? parseWeights(f.weights) : undefined,
    colors: f.colors ? f.colors.split(',').map((c) => c.trim()).filter(Boolean) : undefined,
    k: f.k,
  };
}
