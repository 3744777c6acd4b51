/**
 * Stills in the library: one row per still holding all its channels (content, colour, layout
 * vectors and HSL statistics), so a still is either fully indexed or absent; and one row per
 * movie with its aggregated look and barcode, tagged with a hash of the stills it came from.
 */
import type { Library } from '../store/library.js';
import type { PaletteColor } from '../design/palette.js';
import type { LookStats } from './look-stats.js';

/** What a still contributes to its movie's look. */
export interface StillLook {
  stats: LookStats;
  palette: PaletteColor[];
}
import type { MovieLook } from './movie-look.js';

export interface StillRecord {
  movieKey: number;
  seq: number;
  path: string;
  timestamp: number | null;
  contentHash: string;
  width: number;
  height: number;
  thumbnail: Buffer;
  /** Versions of every channel, joined: a change in any re-processes the still. */
  versions: string;
  content: Float32Array;
  color: Float32Array;
  layout: Float32Array;
  look: StillLook;
}

export interface StoredStill {
  key: number;
  movieKey: number;
  seq: number;
  path: string;
  timestamp: number | null;
  contentHash: string;
  content: Float32Array;
  color: Float32Array;
  layout: Float32Array;
  look: StillLook;
}

type Row = Record<string, unknown>;
const blob = (v: Float32Array): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
const floats = (b: Buffer): Float32Array => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));

export function stillState(library: Library, movieKey: number, seq: number): { contentHash: string; versions: string; path: string } | undefined {
  const r = library.db.prepare('SELECT content_hash, versions, path FROM stills WHERE movie_key = ? AND seq = ?').get(movieKey, seq) as Row | undefined;
  return r ? { contentHash: r.content_hash as string, versions: r.versions as string, path: r.path as string } : undefined;
}

export function putStill(library: Library, s: StillRecord): void {
  library.db
    .prepare(
      `INSERT INTO stills (movie_key, seq, path, timestamp, content_hash, width, height, thumbnail, versions, content, color, layout, look)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(movie_key, seq) DO UPDATE SET path = excluded.path, timestamp = excluded.timestamp, content_hash = excluded.content_hash,
         width = excluded.width, height = excluded.height, thumbnail = excluded.thumbnail, versions = excluded.versions,
         content = excluded.content, color = excluded.color, layout = excluded.layout, look = excluded.look`,
    )
    .run(s.movieKey, s.seq, s.path, s.timestamp, s.contentHash, s.width, s.height, s.thumbnail, s.versions, blob(s.content), blob(s.color), blob(s.layout), JSON.stringify(s.look));
}

/** Removes a movie's stills whose sequence number is not in `keep` (files gone from the folder). */
export function pruneStills(library: Library, movieKey: number, keep: Set<number>): number {
  const seqs = (library.db.prepare('SELECT seq FROM stills WHERE movie_key = ?').all(movieKey) as Row[]).map((r) => r.seq as number);
  const del = library.db.prepare('DELETE FROM stills WHERE movie_key = ? AND seq = ?');
  let n = 0;
  for (const seq of seqs) if (!keep.has(seq)) n += del.run(movieKey, seq).changes;
  return n;
}

const rowToStill = (r: Row): StoredStill => ({
  key: r.key as number,
  movieKey: r.movie_key as number,
  seq: r.seq as number,
  path: r.path as string,
  timestamp: r.timestamp as number | null,
  contentHash: r.content_hash as string,
  content: floats(r.content as Buffer),
  color: floats(r.color as Buffer),
  layout: floats(r.layout as Buffer),
  look: JSON.parse(r.look as string) as StillLook,
});

const COLUMNS = 'key, movie_key, seq, path, timestamp, content_hash, content, color, layout, look';

/** All stills in film order, grouped by movie key. */
export function allStills(library: Library): StoredStill[] {
  return (library.db.prepare(`SELECT ${COLUMNS} FROM stills ORDER BY movie_key, seq`).all() as Row[]).map(rowToStill);
}

export function movieStills(library: Library, movieKey: number): StoredStill[] {
  return (library.db.prepare(`SELECT ${COLUMNS} FROM stills WHERE movie_key = ? ORDER BY seq`).all(movieKey) as Row[]).map(rowToStill);
}

export function stillThumbnail(library: Library, movieKey: number, seq: number): Buffer | undefined {
  const r = library.db.prepare('SELECT thumbnail FROM stills WHERE movie_key = ? AND seq = ?').get(movieKey, seq) as Row | undefined;
  return r?.thumbnail as Buffer | undefined;
}

export function moviesWithStills(library: Library): { key: number; count: number }[] {
  return (library.db.prepare('SELECT movie_key AS key, COUNT(*) AS count FROM stills GROUP BY movie_key ORDER BY movie_key').all() as Row[]).map((r) => ({ key: r.key as number, count: r.count as number }));
}

export function stillsOfMovie(library: Library, movieKey: number): number {
  return (library.db.prepare('SELECT COUNT(*) AS n FROM stills WHERE movie_key = ?').get(movieKey) as Row).n as number;
}

export function stillsCount(library: Library): number {
  return (library.db.prepare('SELECT COUNT(*) AS n FROM stills').get() as Row).n as number;
}

export function putMovieLook(library: Library, movieKey: number, stillsHash: string, look: MovieLook, barcode: Buffer): void {
  library.db
    .prepare('INSERT INTO movie_looks (movie_key, stills_hash, look, barcode) VALUES (?, ?, ?, ?) ON CONFLICT(movie_key) DO UPDATE SET stills_hash = excluded.stills_hash, look = excluded.look, barcode = excluded.barcode')
    .run(movieKey, stillsHash, JSON.stringify(look), barcode);
}

export function movieLookHash(library: Library, movieKey: number): string | undefined {
  const r = library.db.prepare('SELECT stills_hash FROM movie_looks WHERE movie_key = ?').get(movieKey) as Row | undefined;
  return r?.stills_hash as string | undefined;
}

export function getMovieLook(library: Library, movieKey: number): MovieLook | undefined {
  const r = library.db.prepare('SELECT look FROM movie_looks WHERE movie_key = ?').get(movieKey) as Row | undefined;
  return r ? (JSON.parse(r.look as string) as MovieLook) : undefined;
}

export function getBarcode(library: Library, movieKey: number): Buffer | undefined {
  const r = library.db.prepare('SELECT barcode FROM movie_looks WHERE movie_key = ?').get(movieKey) as Row | undefined;
  return r?.barcode as Buffer | undefined;
}

export function deleteMovieLook(library: Library, movieKey: number): void {
  library.db.prepare('DELETE FROM movie_looks WHERE movie_key = ?').run(movieKey);
}
