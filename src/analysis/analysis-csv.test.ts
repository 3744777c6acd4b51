/** Pairs and borrowings as CSV read back by csv-parse. */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { borrowingsCsv, pairsCsv } from './analysis-csv.js';

describe('analysis CSV', () => {
  it('pairs: one row per pair, booleans as words, titles with commas intact', () => {
    const rows = parse(pairsCsv([{ a: '1', b: '2', aTitle: 'Se7en', aYear: 1995, bTitle: 'Seven Samurai, The', bYear: null, score: 0.123456, channel: 'content', model: 'mobilenet', duplicate: true }]), { columns: true }) as Record<string, string>[];
    expect(rows).toEqual([{ rank: '1', channel: 'content', model: 'mobilenet', score: '0.1235', a: '1', a_title: 'Se7en', a_year: '1995', b: '2', b_title: 'Seven Samurai, The', b_year: '', duplicate: 'true' }]);
  });

  it('borrowings: earlier and later poster, z, similarity and the reference pairs', () => {
    const poster = (id: string, year: number, rank = 0) => ({ id, title: `Film ${id}`, year, rank, kind: null });
    const rows = parse(borrowingsCsv([{ from: poster('x', 1960), to: poster('y', 1990, 1), channel: 'layout', similarity: 0.9, z: 4.25, reference: { pairs: 500, mean: 0.4, sd: 0.1 }, sameArtwork: false }]), { columns: true }) as Record<string, string>[];
    expect(rows[0]).toMatchObject({ rank: '1', channel: 'layout', z: '4.25', from: 'x', from_year: '1960', to: 'y', to_poster: '1', reference_pairs: '500', same_artwork: 'false' });
  });
});
