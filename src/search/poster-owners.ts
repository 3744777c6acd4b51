/**
 * Which film each poster belongs to. A movie's main poster has the movie's key; a further poster
 * (teaser, international, re-release) has a key of its own (store/sqlite/schema.ts "Poster keys").
 * Search ranks posters and reports films: the engine maps a hit's key to its movie here, lets a
 * further poster inherit its movie's synopsis score, and keeps the best poster per film.
 */
import type { StoredPoster } from '../store/types.js';

export class PosterOwners {
  private readonly owner = new Map<number, number>();
  private readonly further = new Map<number, number[]>();
  private readonly posters = new Map<number, StoredPoster>();

  constructor(posters: StoredPoster[]) {
    for (const p of posters) {
      this.posters.set(p.key, p);
      if (p.key === p.movieKey) continue;
      this.owner.set(p.key, p.movieKey);
      this.further.set(p.movieKey, [...(this.further.get(p.movieKey) ?? []), p.key]);
    }
  }

  /** How many further posters (beyond each film's main one) the library holds. */
  get furtherCount(): number {
    return this.owner.size;
  }

  /** The movie a key belongs to (a movie key is its own). */
  movieOf(key: number): number {
    return this.owner.get(key) ?? key;
  }

  /** The further posters of a movie (not its main one). */
  furtherOf(movieKey: number): readonly number[] {
    return this.further.get(movieKey) ?? [];
  }

  /** A poster (main or further) by key. */
  poster(key: number): StoredPoster | undefined {
    return this.posters.get(key);
  }
}
