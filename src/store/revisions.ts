/**
 * Scoped revisions: the store keeps a counter per area of the library, bumped by triggers in the
 * same transaction as the rows they count (both engines), so a server drops only the caches and
 * analyses that read an area that changed. A genre re-train (genre_models) or a batch of poster
 * readings (poster_text) then leaves the vector indexes and the closest pairs alone, where one
 * library-wide "something changed" used to recompute pairs (≈ 90 s of CPU on the demo catalog)
 * after every one of them.
 *
 * Vectors are counted per channel ("vectors:content", "vectors:text", …): re-embedding synopses
 * invalidates nothing that reads poster vectors. Bookkeeping tables (meta, index runs, failures
 * and batches) have no area: nothing cached reads them.
 */

/** An area of the library that caches depend on. */
export type ChangeArea = 'movies' | 'posters' | 'vectors' | 'palettes' | 'faces' | 'printed-text' | 'genre-model' | 'atlas' | 'stills' | 'films' | 'analyses';

/** Which area each table's rows belong to (vectors: `vectors:<channel>`). */
export const TABLE_AREAS: Readonly<Record<string, ChangeArea>> = {
  movies: 'movies',
  posters: 'posters',
  vectors: 'vectors',
  palettes: 'palettes',
  faces: 'faces',
  face_scans: 'faces',
  poster_text: 'printed-text',
  genre_models: 'genre-model',
  atlas: 'atlas',
  atlas_points: 'atlas',
  atlas_sheets: 'atlas',
  atlas_sprites: 'atlas',
  stills: 'stills',
  movie_looks: 'stills',
  still_faces: 'stills',
  films: 'films',
  analyses: 'analyses',
};

/** The revision key of a channel's vectors. */
export function vectorsArea(channel: string): string {
  return `vectors:${channel}`;
}

/** Revision per key: an area, or `vectors:<channel>`. A key never written is absent (revision 0). */
export type Revisions = ReadonlyMap<string, number>;

/** Whether a revision key is one a read names: itself, `vectors` for any channel, or a prefix ending in `*`. */
function readsKey(read: string, key: string): boolean {
  if (read === key) return true;
  if (read === 'vectors') return key.startsWith('vectors:');
  return read.endsWith('*') && key.startsWith(read.slice(0, -1));
}

/** The revisions of what a cache reads, as stored with an analysis (`vectors` stands for every channel). */
export function revisionsOf(all: Revisions, reads: Reads): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, rev] of all) if (reads.some((read) => readsKey(read, key))) out[key] = rev;
  return out;
}

/** Whether a result computed at `then` (revisionsOf its reads) still holds now. */
export function stillCurrent(then: Readonly<Record<string, number>>, now: Revisions, reads: Reads): boolean {
  const current = revisionsOf(now, reads);
  const keys = new Set([...Object.keys(then), ...Object.keys(current)]);
  for (const key of keys) if ((then[key] ?? 0) !== (current[key] ?? 0)) return false;
  return true;
}

/** The keys whose revision differs between two snapshots. */
export function changedKeys(before: Revisions, after: Revisions): Set<string> {
  const changed = new Set<string>();
  for (const [key, rev] of after) if ((before.get(key) ?? 0) !== rev) changed.add(key);
  for (const key of before.keys()) if (!after.has(key)) changed.add(key);
  return changed;
}

/**
 * What a cache reads: areas, and vectors either of named channels (`vectors:content`), of a family
 * of channels (`vectors:content*`: the default model's content and every other model's
 * `content:<id>`), or of any channel (`vectors`). Naming the channels keeps a pass that writes
 * others (the genre tiles, `vectors:tile-*`) from invalidating what never reads them.
 */
export type Reads = readonly string[];

/**
 * The vectors computed from whole posters: every image model's content channel, the design
 * channels and the grey signature (not the synopses, not the genre tiles): what pairs, duplicate
 * groups, borrowings and the trends read.
 */
export const POSTER_IMAGE_VECTORS: Reads = ['vectors:content*', 'vectors:color', 'vectors:layout', 'vectors:signature'];

/** Whether a change touches what a cache reads. */
export function touches(changed: ReadonlySet<string>, reads: Reads): boolean {
  for (const read of reads) for (const key of changed) if (readsKey(read, key)) return true;
  return false;
}
