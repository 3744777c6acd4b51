/** Search results as CSV read back by csv-parse: rank order, per-channel scores, lists and awkward titles intact. */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { SearchResult } from './query.js';
import { resultsCsv } from './results-csv.js';

const result = (id: string, title: string, extra: Partial<SearchResult> = {}): SearchResult => ({ id, title, year: 1999, score: 0.5, match: 0.91234, genres: ['Drama', 'Crime'], countries: ['US'], scores: { content: 0.8 }, ...extra });

describe('resultsCsv', () => {
  it('writes one row per result in rank order, with every channel that scored and what matched', () => {
    const csv = resultsCsv([
      result('a', 'Crouching Tiger, "Hidden" Dragon', { scores: { content: 0.81, color: null }, printed: ['HIDDEN DRAGON'] }),
      result('b', 'Line\nbreak', { year: null, match: null, phrase: 'tagline', fields: ['tagline', 'overview'], poster: { rank: 2, kind: 'teaser', country: null, year: null } }),
    ]);
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual(['rank', 'id', 'title', 'year', 'match', 'score', 'score_content', 'score_color', 'genres', 'countries', 'poster', 'matched']);
    expect(rows.map((r) => [r.rank, r.id, r.title, r.year, r.match, r.score_content, r.score_color, r.poster])).toEqual([
      ['1', 'a', 'Crouching Tiger, "Hidden" Dragon', '1999', '0.9123', '0.81', '', ''],
      ['2', 'b', 'Line\nbreak', '', '', '0.8', '', '2'],
    ]);
    expect(rows[0]!.genres).toBe('Drama; Crime');
    expect(rows[0]!.matched).toBe('printed: HIDDEN DRAGON');
    expect(rows[1]!.matched).toBe('phrase in tagline; tagline; overview');
  });

  it('quotes a lone carriage return, so a reader splitting on CR keeps the row whole', () => {
    const csv = resultsCsv([result('c', 'Old\rMac')]);
    expect(csv).toContain('"Old\rMac"');
    expect((parse(csv, { columns: true }) as { title: string }[])[0]!.title).toBe('Old\rMac');
  });

  it('no results is a header line', () => {
    expect(resultsCsv([]).trim()).toBe('rank,id,title,year,match,score,genres,countries,poster,matched');
  });
});
