/** JSON schemas of the API (validated by fastify, published in the OpenAPI document). */
import type { SearchResult } from '../search/query.js';

/**
 * Fastify writes a reply through its schema, so a field that the returned type has and the schema
 * lacks is dropped without a word. `covering<T>()(schema)` compiles only when the schema names
 * every field of T, optional ones too (checked by removing one); it returns the schema unchanged.
 */
export const covering =
  <T>() =>
  <S extends { readonly properties: { readonly [K in keyof Required<T>]: unknown } }>(schema: S): S =>
    schema;

/** Results one search request may ask for over HTTP, whichever route (the CLI may ask for up to the engine's 1,000). */
export const MAX_RESULTS = 200;

export const errorSchema = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, required: ['code', 'message'] } },
  required: ['error'],
} as const;

export const textLinesSchema = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      text: { type: 'string' },
      confidence: { type: 'number' },
      box: { type: 'array', items: { type: 'array', items: { type: 'number' } } },
      size: { type: 'number' },
      order: { type: 'integer' },
    },
    required: ['text', 'confidence', 'box', 'size', 'order'],
  },
} as const;

/** Which of a film's posters a result or identification is (libraries with several posters per film). */
export const resultPosterSchema = {
  type: 'object',
  description: 'which of the film\'s posters: rank 0 is its main poster, 1, 2… further ones (GET /api/movies/{id}/posters)',
  properties: { rank: { type: 'integer' }, kind: { type: ['string', 'null'] }, country: { type: ['string', 'null'] }, year: { type: ['integer', 'null'] } },
  required: ['rank', 'kind', 'country', 'year'],
} as const;

export const resultSchema = covering<SearchResult>()({
  type: 'object',
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    year: { type: ['integer', 'null'] },
    score: { type: 'number', description: 'ranking score: cosine (one channel) or weighted sum of per-query z-scores (several)' },
    match: { type: ['number', 'null'], description: 'where the movie sits between an average movie of the library (0) and a perfect match on every weighted channel (1), on the fused z-score scale; null when undefined' },
    genres: { type: 'array', items: { type: 'string' } },
    countries: { type: 'array', items: { type: 'string' } },
    scores: { type: 'object', additionalProperties: { type: ['number', 'null'] } },
    printed: { type: 'array', items: { type: 'string' }, description: 'text queries: the lines printed on this poster that hold query words' },
    fields: { type: 'array', items: { type: 'string', enum: ['title', 'alt_titles', 'tagline', 'overview'] }, description: 'text queries: the movie fields holding query words' },
    phrase: { type: 'string', enum: ['title', 'alt_titles', 'tagline'], description: 'text queries: the field holding the whole query as a phrase' },
    identity: { type: 'object', properties: { score: { type: 'number' }, by: { type: 'string', enum: ['title', 'text'] }, text: { type: 'string' } }, required: ['score', 'by', 'text'] },
    poster: resultPosterSchema,
  },
  required: ['id', 'title', 'year', 'score', 'genres', 'countries', 'scores'],
} as const);



/** The film an upload shows (identify), or null. */
export const identifiedSchema = {
  type: ['object', 'null'],
  properties: { id: { type: 'string' }, title: { type: 'string' }, year: { type: ['integer', 'null'] }, confidence: { type: 'number' }, by: { type: 'string', enum: ['title', 'text', 'image'] }, poster: resultPosterSchema },
} as const;

export const resultsSchema = {
  type: 'object',
  properties: { results: { type: 'array', items: resultSchema } },
  required: ['results'],
} as const;

const weights = {
  type: 'object',
  properties: { content: { type: 'number', minimum: 0, maximum: 1 }, color: { type: 'number', minimum: 0, maximum: 1 }, layout: { type: 'number', minimum: 0, maximum: 1 }, faces: { type: 'number', minimum: 0, maximum: 1 }, identity: { type: 'number', minimum: 0, maximum: 1 }, typography: { type: 'number', minimum: 0, maximum: 1 } },
  additionalProperties: false,
} as const;

export const filtersSchema = {
  type: 'object',
  properties: {
    yearFrom: { type: 'integer', minimum: 1800, maximum: 2200 },
    yearTo: { type: 'integer', minimum: 1800, maximum: 2200 },
    genres: { type: 'array', items: { type: 'string', maxLength: 50 }, maxItems: 18 },
    countries: { type: 'array', items: { type: 'string', maxLength: 10 }, maxItems: 50 },
  },
  additionalProperties: false,
} as const;

export const searchBodySchema = {
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 200 },
    text: { type: 'string', minLength: 1, maxLength: 5000 },
    colors: { type: 'array', items: { type: 'string', pattern: '^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$' }, minItems: 1, maxItems: 8 },
    weights,
    weightImage: { type: 'number', minimum: 0, maximum: 1 },
    filters: filtersSchema,
    k: { type: 'integer', minimum: 1, maximum: MAX_RESULTS, default: 24 },
    model: { type: 'string', maxLength: 200, description: 'image model of the content channel (an id from GET /api/models; default: the library\'s first)' },
    per: { type: 'string', enum: ['film', 'poster'], default: 'film', description: 'one result per film (its best poster) or per poster' },
  },
  additionalProperties: false,
} as const;

export const paletteSchema = {
  type: 'array',
  items: { type: 'object', properties: { hex: { type: 'string' }, share: { type: 'number' }, lab: { type: 'array', items: { type: 'number' } } }, required: ['hex', 'share'] },
} as const;

export const genresSchema = {
  type: 'object',
  properties: { genres: { type: 'array', items: { type: 'object', properties: { genre: { type: 'string' }, p: { type: 'number' } }, required: ['genre', 'p'] } } },
  required: ['genres'],
} as const;

export const genreModelStatusSchema = {
  type: 'object',
  properties: {
    state: { type: 'string', enum: ['ready', 'training', 'missing', 'stale', 'failed'] },
    progress: { type: ['string', 'null'] },
    error: { type: ['string', 'null'] },
  },
  required: ['state', 'progress', 'error'],
} as const;

/** A colour of a palette: hex, Lab, share of the pixels, and (for looks) a name. */
const paletteColour = { type: 'object', properties: { hex: { type: 'string' }, lab: { type: 'array', items: { type: 'number' } }, share: { type: 'number' }, name: { type: 'string' } }, required: ['hex', 'share'] } as const;

/**
 * 200 replies documented by their main fields; further fields pass through (additionalProperties),
 * so a field the code adds is never silently dropped by the serialiser.
 */
export const movieLookSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    stills: { type: 'integer', description: 'stills the look was computed from' },
    palette: { type: 'array', items: paletteColour },
    hsl: { type: 'object', additionalProperties: true, description: 'hue, saturation and lightness statistics' },
    stats: { type: 'object', additionalProperties: true, description: 'colour statistics (look-stats.ts)' },
    barcode: { type: 'array', items: { type: 'string' }, description: 'one colour per still, in film order' },
    faces: { type: 'object', additionalProperties: true, description: 'faces on the stills, once scanned' },
    frames: { type: 'array', items: { type: 'object', properties: { seq: { type: 'integer' }, timestamp: { type: ['number', 'null'] } }, required: ['seq'] } },
  },
  required: ['id', 'title', 'stills', 'palette', 'hsl', 'barcode', 'frames'],
} as const;

export const stillsClustersSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    k: { type: 'integer' },
    silhouette: { type: 'number' },
    grid: { type: 'object', properties: { cols: { type: 'integer' }, rows: { type: 'integer' } }, required: ['cols', 'rows'] },
    clusters: { type: 'array', items: { type: 'object', additionalProperties: true } },
    stills: { type: 'array', items: { type: 'object', additionalProperties: true, properties: { movie: { type: 'string' }, seq: { type: 'integer' }, cluster: { type: 'integer' }, cell: { type: 'array', items: { type: 'integer' } } } } },
  },
  required: ['k', 'silhouette', 'grid', 'clusters', 'stills'],
} as const;

export const filmSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    movie: { type: ['object', 'null'], properties: { id: { type: 'string' }, title: { type: 'string' } } },
    source: { type: 'string' },
    shots: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        properties: { start: { type: 'number' }, end: { type: 'number' }, transition: { type: 'string' }, keyframe: { type: 'number' }, color: { type: 'string' }, scale: { type: ['string', 'null'] } },
        required: ['start', 'end', 'transition', 'keyframe'],
      },
    },
    shotCount: { type: 'integer' },
    asl: { type: 'number', description: 'average shot length, seconds' },
    medianShotLength: { type: 'number' },
    duration: { type: 'number' },
    scales: { type: 'boolean', description: 'whether the keyframes\' faces were scanned (shot scales known)' },
  },
  required: ['shots', 'shotCount', 'asl', 'duration'],
} as const;

/** What every period of a trend or of the typical posters says: its label, first year and posters under the filters. */
export const periodProperties = {
  period: { type: 'string' },
  start: { type: 'integer' },
  n: { type: 'integer', description: 'posters of the period under the filters' },
} as const;

export const typicalSchema = {
  type: 'object',
  properties: {
    by: { type: 'string', enum: ['year', 'decade'] },
    periods: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          ...periodProperties,
          medoids: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, rank: { type: 'integer' }, centrality: { type: 'number' } }, required: ['id', 'rank', 'centrality'] } },
          average: { type: 'boolean', description: 'whether GET /api/trends/average has an image for the period' },
        },
        required: ['period', 'start', 'n', 'medoids', 'average'],
      },
    },
  },
  required: ['by', 'periods'],
} as const;

/** A reply that is a file rather than JSON, as OpenAPI documents it: its media type (a range such as image/* where the format varies). */
export const fileReply = (type: string, description: string) => ({ description, content: { [type]: { schema: { type: 'string', format: 'binary' } } } }) as const;

/** A cacheable file's answer to a matching If-None-Match. */
export const notModified = { description: 'not modified (the ETag given in If-None-Match still holds)' } as const;

const pair = { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 } as const;

export const atlasSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    meta: { type: 'object', additionalProperties: true, description: 'projections, clusters and their labels, the model, the build time; tile: sprite size and sheet layout' },
    points: {
      type: 'array',
      items: {
        type: 'object',
        properties: { id: { type: 'string' }, title: { type: 'string' }, year: { type: ['integer', 'null'] }, genres: { type: 'array', items: { type: 'string' } }, cluster: { type: 'integer' }, pca: pair, umap: pair, tsne: pair, cell: { type: 'integer' }, sheet: { type: 'integer', description: 'texture-atlas sheet of its thumbnail (-1: none yet)' }, slot: { type: 'integer' } },
        required: ['id', 'title', 'year', 'genres', 'cluster', 'pca', 'umap', 'tsne', 'cell', 'sheet', 'slot'],
      },
    },
  },
  required: ['meta', 'points'],
} as const;

const column = (description: string) => ({ type: 'array', items: { type: 'number' }, description }) as const;
export const stillsAtlasSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    meta: { type: 'object', additionalProperties: true, description: 'the build: stills, grid, tile (sprite size and sheet layout), sheets, clusters with labels, seconds per stage, stills placed incrementally' },
    films: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, title: { type: 'string' }, year: { type: ['integer', 'null'] } }, required: ['id', 'title', 'year'] } },
    stills: {
      type: 'object',
      description: 'one array per field, a still\'s values at the same index',
      properties: {
        film: column('index into films'),
        seq: column('the still\'s number in its film'),
        x: column('position in the PCA plane, 0-1'),
        y: column('position in the PCA plane, 0-1'),
        cell: column('grid cell (row * cols + col)'),
        cluster: column('cluster id (meta.clusters)'),
        hue: column('dominant hue in degrees, -1 for none'),
        sheet: column('thumbnail sheet'),
        slot: column('slot on the sheet'),
      },
      required: ['film', 'seq', 'x', 'y', 'cell', 'cluster', 'hue', 'sheet', 'slot'],
    },
  },
  required: ['meta', 'films', 'stills'],
} as const;

export const stillsMoviesSchema = {
  type: 'object',
  properties: { movies: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, title: { type: 'string' }, year: { type: ['integer', 'null'] }, stills: { type: 'integer' } }, required: ['id', 'title', 'year', 'stills'] } } },
  required: ['movies'],
} as const;

export const filmsListSchema = {
  type: 'object',
  properties: { films: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, title: { type: 'string' }, shotCount: { type: 'integer' }, asl: { type: 'number' }, duration: { type: 'number' } }, required: ['id', 'title', 'shotCount', 'asl', 'duration'] } } },
  required: ['films'],
} as const;

export const trendMeasuresSchema = {
  type: 'object',
  properties: {
    measures: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, label: { type: 'string' }, unit: { type: 'string' }, needs: { type: 'string', enum: ['index', 'faces', 'text', 'genres'] }, posters: { type: 'integer', description: 'posters with a value' } },
        required: ['name', 'label', 'unit', 'needs', 'posters'],
      },
    },
  },
  required: ['measures'],
} as const;
