/**
 * The one place a SearchQuery is built from loose values, whichever way a request arrived: CLI
 * flags, a JSONL batch line, an HTTP JSON body or multipart form fields. Each caller only maps
 * its own names onto QueryFields; types and lists are checked here, and what the values mean
 * (ranges, combinations) is checked by the engine's validation. Errors are QueryErrors (kind
 * bad_query).
 */
import { parseYearRange, type SearchFilters } from '../store/filters.js';
import { parseWeights, QueryError, RESULT_UNITS, type BlendMode, type ImageInput, type ResultUnit, type SearchQuery } from './query.js';

export interface QueryFields {
  image?: ImageInput;
  image2?: ImageInput;
  id?: unknown;
  text?: unknown;
  /** "content=0.6,color=0.4" or {"content": 0.6, "color": 0.4}. */
  weights?: unknown;
  weightImage?: unknown;
  mix?: unknown;
  blend?: unknown;
  /** "1980-1999", "1995", "1980-" or "-1999". */
  year?: unknown;
  yearFrom?: unknown;
  yearTo?: unknown;
  /** A list, or one comma-separated string. */
  genres?: unknown;
  countries?: unknown;
  colors?: unknown;
  k?: unknown;
  /** An image model id of the library. */
  model?: unknown;
  /** "film" or "poster": one result per film, or per poster. */
  per?: unknown;
}

function num(v: unknown, name: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new QueryError(`${name} must be a number, got ${JSON.stringify(v)}`);
  return n;
}

function str(v: unknown, name: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') throw new QueryError(`${name} must be a string`);
  return v;
}

function list(v: unknown, name: string): string[] | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const items = typeof v === 'string' ? v.split(',') : Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
  if (!items) throw new QueryError(`${name} must be a string or an array of strings`);
  const clean = items.map((s) => s.trim()).filter(Boolean);
  return clean.length ? clean : undefined;
}

function weights(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && !Array.isArray(v)) return Object.entries(v as Record<string, unknown>).map(([c, w]) => `${c}=${String(w)}`).join(',');
  throw new QueryError('weights must be a string like "content=0.6,color=0.4" or an object');
}

export function searchQueryFrom(f: QueryFields, defaults: { k?: number } = {}): SearchQuery {
  const blend = str(f.blend, 'blend');
  if (blend !== undefined && blend !== 'embedding' && blend !== 'pixel') throw new QueryError(`blend must be "embedding" or "pixel", got "${blend}"`);
  const per = str(f.per, 'per') || undefined;
  if (per !== undefined && !(RESULT_UNITS as readonly string[]).includes(per)) throw new QueryError(`per must be "film" or "poster", got "${per}"`);
  let filters: SearchFilters;
  let parsedWeights: SearchQuery['weights'];
  try {
    const year = str(f.year, 'year');
    filters = {
      ...(year ? parseYearRange(year) : {}),
      ...(num(f.yearFrom, 'yearFrom') !== undefined ? { yearFrom: num(f.yearFrom, 'yearFrom') } : {}),
      ...(num(f.yearTo, 'yearTo') !== undefined ? { yearTo: num(f.yearTo, 'yearTo') } : {}),
      genres: list(f.genres, 'genres'),
      countries: list(f.countries, 'countries'),
    };
    const w = weights(f.weights);
    parsedWeights = w ? parseWeights(w) : undefined;
  } catch (err) {
    throw err instanceof QueryError ? err : new QueryError((err as Error).message);
  }
  return {
    image: f.image,
    image2: f.image2,
    id: str(f.id, 'id'),
    text: str(f.text, 'text'),
    weightImage: num(f.weightImage, 'weight-image'),
    mix: num(f.mix, 'mix'),
    blend: blend as BlendMode | undefined,
    filters,
    weights: parsedWeights,
    colors: list(f.colors, 'colors'),
    k: num(f.k, 'k') ?? defaults.k,
    model: str(f.model, 'model') || undefined,
    ...(per ? { per: per as ResultUnit } : {}),
  };
}
