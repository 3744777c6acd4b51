/** Row shapes both engines return alike (same column names, numbers and blobs), mapped to records once. */
import type { PosterScope, StoredPoster } from './types.js';

type Row = Record<string, unknown>;

export const POSTER_COLUMNS = 'key, movie_key, rank, kind, country, year, path, content_hash, width, height, format';

export const rowToPoster = (r: Row): StoredPoster => ({
  key: r.key as number,
  movieKey: r.movie_key as number,
  rank: r.rank as number,
  kind: (r.kind as string | null) ?? null,
  country: (r.country as string | null) ?? null,
  year: (r.year as number | null) ?? null,
  path: r.path as string,
  contentHash: r.content_hash as string,
  width: r.width as number,
  height: r.height as number,
  format: r.format as string,
});

/** SQL condition (same in both engines) keeping one item per film (synopses, main posters) unless every poster is wanted. */
export const scoped = (scope: PosterScope | undefined, column: string): string => (scope === 'posters' ? '' : ` AND ${column} IN (SELECT key FROM movies)`);
