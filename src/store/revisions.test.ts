import { describe, expect, it } from 'vitest';
import { changedKeys, revisionsOf, stillCurrent, touches } from './revisions.js';

const revs = (o: Record<string, number>) => new Map(Object.entries(o));

describe('revisions', () => {
  it('names the keys that moved, appeared or went', () => {
    expect([...changedKeys(revs({ movies: 1, 'vectors:content': 4 }), revs({ movies: 1, 'vectors:content': 5, 'genre-model': 1 }))].sort()).toEqual(['genre-model', 'vectors:content']);
    expect([...changedKeys(revs({ atlas: 2 }), revs({}))]).toEqual(['atlas']);
    expect(changedKeys(revs({ movies: 3 }), revs({ movies: 3 })).size).toBe(0);
  });

  it('matches `vectors` against every channel and a named channel only against itself', () => {
    expect(touches(new Set(['vectors:color']), ['vectors'])).toBe(true);
    expect(touches(new Set(['vectors:color']), ['vectors:content', 'posters'])).toBe(false);
    expect(touches(new Set(['printed-text']), ['vectors', 'movies'])).toBe(false);
    expect(touches(new Set(['posters']), ['vectors:content', 'posters'])).toBe(true);
  });

  it('matches a read ending in * against every key it begins', () => {
    expect(touches(new Set(['vectors:content:clip-b32']), ['vectors:content*'])).toBe(true);
    expect(touches(new Set(['vectors:content']), ['vectors:content*'])).toBe(true);
    expect(touches(new Set(['vectors:tile-top', 'vectors:text']), ['vectors:content*', 'vectors:color'])).toBe(false);
    const then = revs({ 'vectors:content': 3, 'vectors:content:clip-b32': 2, 'vectors:tile-top': 9 });
    expect(revisionsOf(then, ['vectors:content*'])).toEqual({ 'vectors:content': 3, 'vectors:content:clip-b32': 2 });
    // The genre tiles written later leave a result that reads the content channels current.
    expect(stillCurrent(revisionsOf(then, ['vectors:content*']), revs({ ...Object.fromEntries(then), 'vectors:tile-top': 10, 'vectors:tile-middle': 1 }), ['vectors:content*'])).toBe(true);
  });

  it('keeps what a result read, and tells whether it still holds', () => {
    const then = revs({ movies: 2, posters: 5, 'vectors:content': 7, 'vectors:text': 1, 'genre-model': 3 });
    const read = revisionsOf(then, ['vectors:content', 'posters']);
    expect(read).toEqual({ posters: 5, 'vectors:content': 7 });
    expect(revisionsOf(then, ['vectors'])).toEqual({ 'vectors:content': 7, 'vectors:text': 1 });
    expect(stillCurrent(read, revs({ movies: 9, posters: 5, 'vectors:content': 7, 'genre-model': 4 }), ['vectors:content', 'posters'])).toBe(true);
    expect(stillCurrent(read, revs({ posters: 6, 'vectors:content': 7 }), ['vectors:content', 'posters'])).toBe(false);
    // A channel first written after the result counts as a change to what `vectors` reads.
    expect(stillCurrent(revisionsOf(then, ['vectors']), revs({ ...Object.fromEntries(then), 'vectors:layout': 1 }), ['vectors'])).toBe(false);
  });
});
