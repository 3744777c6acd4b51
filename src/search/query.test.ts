import { describe, expect, it } from 'vitest';
import { allowedKeys, checkFilters, hasFilters, matchesFilters, parseYearRange } from '../store/filters.js';
import { parseWeights } from './query.js';

describe('weights', () => {
  it('parses channel=number lists; unnamed channels get 0', () => {
    expect(parseWeights('content=0.6, color=0.3,layout=0.1')).toEqual({ content: 0.6, color: 0.3, layout: 0.1 });
    expect(parseWeights('faces=1')).toEqual({ faces: 1 });
  });
  it('names what is wrong', () => {
    expect(() => parseWeights('shape=0.5')).toThrow(/unknown channel "shape"/);
    expect(() => parseWeights('content=2')).toThrow(/between 0 and 1/);
    expect(() => parseWeights('content')).toThrow(/invalid weight "content"/);
    expect(() => parseWeights('content=0,color=0')).toThrow(/at least one/);
  });
});

describe('filters', () => {
  it('parses year ranges', () => {
    expect(parseYearRange('1980-1999')).toEqual({ yearFrom: 1980, yearTo: 1999 });
    expect(parseYearRange('1995')).toEqual({ yearFrom: 1995, yearTo: 1995 });
    expect(parseYearRange('1980-')).toEqual({ yearFrom: 1980, yearTo: undefined });
    expect(parseYearRange('-1999')).toEqual({ yearFrom: undefined, yearTo: 1999 });
    expect(() => parseYearRange('1999-1980')).toThrow(/start is after end/);
    expect(() => parseYearRange('nineties')).toThrow(/invalid year range/);
  });

  it('genres must all match (any case), countries any, unknown years never pass a year filter', () => {
    const row = { key: 1, year: 1994, genres: ['Drama', 'Crime'], countries: ['us'] };
    expect(matchesFilters(row, { genres: ['drama', 'CRIME'] })).toBe(true);
    expect(matchesFilters(row, { genres: ['drama', 'Comedy'] })).toBe(false);
    expect(matchesFilters(row, { countries: ['FR', 'US'] })).toBe(true);
    expect(matchesFilters(row, { yearFrom: 1995 })).toBe(false);
    expect(matchesFilters({ ...row, year: null }, { yearTo: 2000 })).toBe(false);
    expect(hasFilters({ genres: [] })).toBe(false);
    expect(allowedKeys([row, { ...row, key: 2, year: 2001 }], { yearTo: 2000 })).toEqual(new Set([1]));
    expect(allowedKeys([row], {})).toBeUndefined();
  });
});

describe('filter values the library does not have', () => {
  const rows = [
    { key: 1, year: 1994, genres: ['Drama', 'Crime'], countries: ['US'] },
    { key: 2, year: 2001, genres: ['Comedy'], countries: ['GB', 'FR'] },
  ];

  it('names a typo\'d genre, suggests the nearest and lists the known ones', () => {
    expect(() => checkFilters({ genres: ['Comdy'] }, rows)).toThrow(/unknown genre "Comdy" \(did you mean "Comedy"\?\): the library's genres are Comedy, Crime, Drama/);
    expect(() => checkFilters({ genres: ['comedy'] }, rows)).not.toThrow();
  });

  it('rejects countries only when none is known, and reads UK as GB', () => {
    expect(() => checkFilters({ countries: ['XX'] }, rows)).toThrow(/unknown country "XX".*FR, GB, US/);
    expect(checkFilters({ countries: ['XX', 'us'] }, rows)?.countries).toEqual(['XX', 'US']);
    expect(checkFilters({ countries: ['uk'] }, rows)?.countries).toEqual(['GB']);
  });

  it('takes a country by its English name, and suggests the code of a misspelt one', () => {
    expect(checkFilters({ countries: ['France'] }, rows)?.countries).toEqual(['FR']);
    expect(checkFilters({ countries: ['united states'] }, rows)?.countries).toEqual(['US']);
    expect(() => checkFilters({ countries: ['Frnace'] }, rows)).toThrow(/unknown country "Frnace" \(did you mean "FR" \(France\)\?\)/);
    expect(() => checkFilters({ countries: ['Atlantis'] }, rows)).toThrow(/unknown country "Atlantis": the library's countries are FR, GB, US/);
  });

  it('explains a reversed year range', () => {
    expect(() => checkFilters({ yearFrom: 1999, yearTo: 1980 }, rows)).toThrow(/start is after end/);
    expect(() => parseYearRange('1999-1980')).toThrow(/start is after end/);
  });
});
