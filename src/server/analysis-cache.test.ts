import { describe, expect, it } from 'vitest';
import { AnalysisCache } from './analysis-cache.js';

/** A computation whose result the test releases. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: Error) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('AnalysisCache', () => {
  it('computes once, and again only after a change to what it reads', async () => {
    const cache = new AnalysisCache();
    let runs = 0;
    const compute = async (): Promise<number> => ++runs;
    expect(await cache.get('pairs', ['vectors:content', 'posters'], compute)).toBe(1);
    expect(await cache.get('pairs', ['vectors:content', 'posters'], compute)).toBe(1);
    expect(cache.invalidate(new Set(['genre-model', 'printed-text', 'vectors:text']))).toEqual([]);
    expect(await cache.get('pairs', ['vectors:content', 'posters'], compute)).toBe(1);
    expect(runs).toBe(1);
    expect(cache.invalidate(new Set(['vectors:content']))).toEqual(['pairs']);
    // The stale result at once; the new one replaces it when done.
    expect(await cache.get('pairs', ['vectors:content', 'posters'], compute)).toBe(1);
    await cache.latest('pairs');
    expect(await cache.get('pairs', ['vectors:content', 'posters'], compute)).toBe(2);
  });

  it('counts a change to any channel as a change to `vectors`', () => {
    const cache = new AnalysisCache();
    void cache.get('trends', ['vectors', 'movies'], async () => 1);
    expect(cache.invalidate(new Set(['vectors:color']))).toEqual(['trends']);
    expect(cache.invalidate(new Set(['stills']))).toEqual([]);
    expect(cache.invalidate()).toEqual(['trends']);
  });

  it('serves the last result while a newer one is computed, and keeps it when that fails', async () => {
    const cache = new AnalysisCache();
    expect(await cache.get('k', ['movies'], async () => 'first')).toBe('first');
    cache.invalidate(new Set(['movies']));
    const refresh = deferred<string>();
    expect(await cache.get('k', ['movies'], () => refresh.promise)).toBe('first');
    // A second request while it runs starts nothing more.
    let more = 0;
    expect(await cache.get('k', ['movies'], async () => String(++more))).toBe('first');
    expect(more).toBe(0);
    refresh.reject(new Error('boom'));
    await expect(cache.latest('k')).rejects.toThrow('boom');
    // Still served; the failed refresh left it stale, so the next request tries again.
    expect(await cache.get('k', ['movies'], async () => 'second')).toBe('first');
    await cache.latest('k');
    expect(await cache.get('k', ['movies'], async () => 'third')).toBe('second');
  });

  it('forgets a first computation that failed, so the next request tries again', async () => {
    const cache = new AnalysisCache();
    await expect(cache.get('k', ['movies'], async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(await cache.get('k', ['movies'], async () => 'ok')).toBe('ok');
  });

  it('makes a change during the first computation refresh the result on the next request', async () => {
    const cache = new AnalysisCache();
    const first = deferred<string>();
    const p = cache.get('k', ['posters'], () => first.promise);
    cache.invalidate(new Set(['posters']));
    first.resolve('old');
    expect(await p).toBe('old');
    expect(await cache.get('k', ['posters'], async () => 'new')).toBe('old');
    await cache.latest('k');
    expect(await cache.get('k', ['posters'], async () => 'newer')).toBe('new');
  });
});
