import { describe, expect, it } from 'vitest';
import { catalogJoins } from './catalog-join.js';

const row = (key: number, id: string, title: string, year: number | null) => ({ key, id, title, year, extra: {} });

describe('joining stills films to catalog films', () => {
  const catalog = [row(1, '1136', 'Monty Python and the Holy Grail', 1974), row(2, '10', 'The Ring', 2002), row(3, '11', 'The Ring', 2003), row(4, '12', 'Amélie', 2001)];

  it('joins by title within a year, ignoring case, accents and punctuation', () => {
    expect(catalogJoins([{ ref: 'monty-python', title: 'Monty Python and the Holy Grail', year: 1975, imdbId: null }], catalog)).toEqual(['1136']);
    expect(catalogJoins([{ ref: 'amelie', title: 'AMELIE', year: 2001, imdbId: null }], catalog)).toEqual(['12']);
  });

  it('joins nothing when the year is further off, the title is ambiguous, or an IMDb id decides', () => {
    expect(catalogJoins([{ ref: 'mp', title: 'Monty Python and the Holy Grail', year: 1980, imdbId: null }], catalog)).toEqual([undefined]);
    expect(catalogJoins([{ ref: 'ring', title: 'The Ring', year: 2002, imdbId: null }], catalog)).toEqual([undefined]);
    expect(catalogJoins([{ ref: 'mp', title: 'Monty Python and the Holy Grail', year: 1974, imdbId: 'tt0071853' }], catalog)).toEqual([undefined]);
    expect(catalogJoins([{ ref: 'frozen', title: 'Frozen', year: 2013, imdbId: null }], catalog)).toEqual([undefined]);
  });
});
