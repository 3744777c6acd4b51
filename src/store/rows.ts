/** Row shapes both engines return alike (same column names, numbers and blobs), mapped to records once. */
import type { DetectedFace } from '../models/face-model.js';
import { fromBlob } from './blob.js';
import type { PendingStrip, TextLine } from '../text/types.js';
import type { PosterTextReading, StoredPosterText } from './store.js';
import type { AtlasPoint, PosterScope, StoredPoster } from './types.js';

type Row = Record<string, unknown>;

export function rowToAtlasPoint(r: Row): AtlasPoint {
  return {
    key: r.movie_key as number,
    pca: [r.pca_x as number, r.pca_y as number],
    umap: [r.umap_x as number, r.umap_y as number],
    tsne: [r.tsne_x as number, r.tsne_y as number],
    cell: r.cell as number,
    cluster: r.cluster as number,
    placed: r.placed as AtlasPoint['placed'],
  };
}

export function rowToFace(r: Row): DetectedFace {
  return {
    box: { x: r.x as number, y: r.y as number, width: r.width as number, height: r.height as number },
    score: r.score as number,
    descriptor: fromBlob(r.descriptor as Buffer),
  };
}

/** SQLite hands JSON columns over as text, PostgreSQL's jsonb as parsed values; both become records here. */
const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

export function rowToPosterText(r: Row): StoredPosterText {
  const readAt = r.read_at instanceof Date ? r.read_at.toISOString() : (r.read_at as string);
  const smallPrint = (r.small_print == null ? null : json<PendingStrip[] | null>(r.small_print)) ?? [];
  return { version: r.version as string, sourceHash: r.source_hash as string, lines: json<TextLine[]>(r.lines), smallPrint, error: (r.error as string | null) ?? null, readAt };
}

export const rowLines = (r: Row): TextLine[] => json<TextLine[]>(r.lines);

/** A reading as its poster_text columns: lines and small print as JSON text (small print NULL when none is left), or the error. */
export function readingColumns(reading: PosterTextReading): { lines: string; smallPrint: string | null; error: string | null } {
  if ('error' in reading) return { lines: '[]', smallPrint: null, error: reading.error };
  return { lines: JSON.stringify(reading.lines), smallPrint: reading.smallPrint?.length ? JSON.stringify(reading.smallPrint) : null, error: null };
}

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
