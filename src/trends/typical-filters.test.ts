import { describe, expect, it } from 'vitest';
import { typicalFiltersKey } from './typical-posters.js';

describe('typical posters key', () => {
  it('names the same selection once, however the filters are spelt', () => {
    expect(typicalFiltersKey({ by: 'decade', genre: 'Horror', country: 'us' })).toBe(typicalFiltersKey({ by: 'decade', genre: 'horror', country: 'US', mainOnly: false }));
    expect(typicalFiltersKey({ by: 'decade', genre: '' })).toBe(typicalFiltersKey({ by: 'decade' }));
  });

  it('tells different selections apart', () => {
    const keys = [{ by: 'decade' }, { by: 'year' }, { by: 'decade', genre: 'Drama' }, { by: 'decade', country: 'FR' }, { by: 'decade', mainOnly: true }, { by: 'year', genre: 'Drama', country: 'FR', mainOnly: true }, { by: 'decade', genre: 'x;country=FR' }, { by: 'decade', genre: 'x', country: 'FR' }] as const;
    expect(new Set(keys.map(typicalFiltersKey)).size).toBe(keys.length);
  });
});
