import type { MovieRecord } from '../store/types.js';

/** The text a movie is searched by: overview plus tagline ('' when the catalog has neither). */
export function synopsisOf(m: Pick<MovieRecord, 'overview' | 'tagline'>): string {
  return [m.overview, m.tagline].filter((s) => s.trim()).join(' ').trim();
}
