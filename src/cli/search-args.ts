/** Maps CLI flags and JSONL batch lines onto the one query builder (search/query-input); query images are read here. */
import { readFile } from 'node:fs/promises';
import { searchQueryFrom } from '../search/query-input.js';
import type { ImageInput, SearchQuery } from '../search/query.js';

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
  model?: string;
  per?: string;
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

const BATCH_KEYS = new Set(['weights', 'colors', 'qid', 'image', 'image2', 'id', 'text', 'weight-image', 'weightImage', 'mix', 'blend', 'year', 'genre', 'genres', 'country', 'countries', 'k', 'model', 'per']);

/** A JSONL batch line: the flag names ("weight-image", "genre") and camelCase/plural ones are both accepted. */
export async function queryFromJson(obj: Record<string, unknown>): Promise<SearchQuery> {
  const unknown = Object.keys(obj).filter((key) => !BATCH_KEYS.has(key));
  if (unknown.length) throw new Error(`unknown key(s): ${unknown.join(', ')}`);
  const get = (...names: string[]): unknown => names.map((n) => obj[n]).find((v) => v !== undefined);
  const path = (v: unknown, name: string): string | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw new Error(`${name} must be a file path`);
    return v;
  };
  const [image, image2] = await Promise.all([path(obj.image, 'image'), path(obj.image2, 'image2')].map((p) => (p ? readImage(p) : undefined)));
  return searchQueryFrom({
    image, image2, id: obj.id, text: obj.text, weights: obj.weights, weightImage: get('weight-image', 'weightImage'), mix: obj.mix, blend: obj.blend,
    year: obj.year, genres: get('genre', 'genres'), countries: get('country', 'countries'), colors: obj.colors, k: obj.k, model: obj.model, per: obj.per,
  });
}

export async function queryFromFlags(f: SearchFlags): Promise<SearchQuery> {
  const [image, image2] = await Promise.all([f.image ? readImage(f.image) : undefined, f.image2 ? readImage(f.image2) : undefined]);
  return searchQueryFrom({
    image, image2, id: f.id, text: f.text, weights: f.weights, weightImage: f.weightImage, mix: f.mix, blend: f.blend, year: f.year,
    genres: f.genre, countries: f.country, colors: f.colors, k: f.k, model: f.model, per: f.per,
  });
}
