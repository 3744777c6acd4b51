import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseRow, parseYear } from './record.js';
import { CatalogTextDecoder } from './text-decoding.js';
import { cleanText, fixMojibake, splitList } from './text.js';

describe('catalog rows', () => {
  it('parses a dirty row into a clean record, keeping unknown columns', () => {
    const { record, poster } = parseRow({ id: ' 42 ', title: 'CafÃ© Society', year: '2016-07-15', genres: 'Comedy, Drama|Romance|Comedy', countries: 'us; gb', director: 'W. Allen', poster: 'posters/42.jpg' });
    expect(record).toMatchObject({ id: '42', title: 'Café Society', year: 2016, genres: ['Comedy', 'Drama', 'Romance'], countries: ['US', 'GB'], imdbId: null, extra: { director: 'W. Allen' } });
    expect(poster).toBe('posters/42.jpg');
    expect(parseRow({ id: 'x' }).record.title).toBe('x');
    expect(parseRow({ id: 'x', genres: ['Horror', 'Thriller'] }).record.genres).toEqual(['Horror', 'Thriller']);
  });

  it('refuses rows without a usable id', () => {
    expect(() => parseRow({ title: 'no id' })).toThrow(/missing id/);
    expect(() => parseRow({ id: 'x'.repeat(201) })).toThrow(/longer than 200/);
  });

  it('reads years leniently and only plausible ones', () => {
    expect(parseYear('1999')).toBe(1999);
    expect(parseYear(' 1999-12-01')).toBe(1999);
    expect(parseYear('1700')).toBeNull();
    expect(parseYear('unknown')).toBeNull();
  });

  it('cleans text: mojibake, control characters, list splitting', () => {
    expect(fixMojibake('Pok\u00c3\u00a9mon')).toBe('Pokémon');
    expect(fixMojibake('Straße')).toBe('Straße');
    expect(cleanText('  a\u0000b\u0007 ')).toBe('ab');
    expect(splitList('A | B;A,, C')).toEqual(['A', 'B', 'C']);
  });

  it('decodes UTF-8 lines and falls back to Windows-1252 per line, remembering which', async () => {
    const decoder = new CatalogTextDecoder();
    const chunks = [Buffer.from('id,title\n1,Café\n'), Buffer.from([0x32, 0x2c, 0x50, 0xe9, 0x70, 0xe9, 0x0a]), Buffer.from('3,€uro')];
    let text = '';
    for await (const part of Readable.from(chunks).pipe(decoder)) text += String(part);
    expect(text).toBe('id,title\n1,Café\n2,Pépé\n3,€uro');
    expect([...decoder.nonUtf8Lines]).toEqual([3]);
    expect(decoder.anyNonUtf8(1, 2)).toBe(false);
    expect(decoder.anyNonUtf8(2, 4)).toBe(true);
  });
});
