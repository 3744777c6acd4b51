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

/** The revisions of what a cache reads, as stored with an analysis (`vectors` stands for every channel). */
export function revisionsOf(all: Revisions, reads: Reads): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, rev] of all) if (reads.includes(key) || (reads.includes('vectors') && key.startsWith('vectors:'))) out[key] = rev;
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
 * What a cache reads: areas, and vectors either of named channels (`vectors:content`) or of any
 * channel (`vectors`).
 */
export type Reads = readonly string[];

/** Whether a change touches what a cache reads. */
export function touches(changed: ReadonlySet<string>, reads: Reads): boolean {
  for (const read of reads) {
    if (changed.has(read)) return true;
    if (read === 'vectors') for (const key of changed) if (key.startsWith('vectors:')) return true;
  }
  return false;
}
