import { describe, expect, it } from 'vitest';
import { fixMojibake, implausible, repairMojibake } from './mojibake.js';
import { MAX_TEXT_REPAIR_EXAMPLES, tallyTextRepairs, type TextRepairTally } from './read-catalog.js';
import { describeTextRepair, ORIGINAL_TEXT_PREFIX, parseRow } from './record.js';

/**
 * Windows-1252's 0x80–0x9F as the WHATWG index has them, written out here: Node's TextDecoder reads
 * windows-1252 as Latin-1 since v20.18.3/v22.13.0 (nodejs/node#60888).
 */
const WINDOWS_1252_80_9F = ['€', '\u0081', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u008D', 'Ž', '\u008F', '\u0090', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u009D', 'ž', 'Ÿ'];

/** What a program that read UTF-8 as the code page made of the text. */
const misread = (s: string, codePage: 'macintosh' | 'windows-1252'): string =>
  codePage === 'macintosh'
    ? new TextDecoder('macintosh').decode(Buffer.from(s, 'utf8'))
    : [...Buffer.from(s, 'utf8')].map((b) => (b >= 0x80 && b <= 0x9f ? WINDOWS_1252_80_9F[b - 0x80]! : String.fromCharCode(b))).join('');
const misreadLatin1 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

const REAL = [
  'Alien³',
  'Pokémon: The First Movie',
  'Ri¢hie Ri¢h',
  'Naked Gun 33⅓: The Final Insult',
  'Pr\u00eat-\u00e0-Porter',
  '8½',
  '¡Three Amigos!',
  'Three Colours: Red by Kieślowski',
  'Kōzuke no suke',
  'It’s “The Saint” — and Jimmy’s… in love',
  'Lois Lane − who’s in love',
  'Déjà Vu',
  'Weird sex · Obsession · Comic books',
  'Life of π',
  'Привет, мир',
  'Ἀθῆναι and Ελλάδα',
  '東京物語',
  'Amélie 🎬',
  'Crème brûlée for €5 ™',
  'La Cérémonie (1995) – Chabrol',
  'e\u0301te\u0301', // decomposed (NFD) accents, as macOS file names have them
];

describe('mojibake', () => {
  it('reads Mac Roman with the platform decoder', () => {
    expect(new TextDecoder('macintosh').decode(Uint8Array.of(0x80, 0xa7, 0xc3, 0xdb, 0xd5, 0xf0))).toBe('Äß√€’\uF8FF');
  });

  it('repairs UTF-8 that was read as Mac Roman', () => {
    expect(fixMojibake('Alien¬≥')).toBe('Alien³');
    expect(fixMojibake('Pok√©mon')).toBe('Pokémon');
    expect(fixMojibake('Ri¬¢hie Ri¬¢h')).toBe('Ri¢hie Ri¢h');
    for (const s of REAL) {
      const bad = misread(s, 'macintosh');
      expect(bad).not.toBe(s);
      expect(repairMojibake(bad), bad).toEqual({ text: s, codePages: ['mac-roman'] });
    }
  });

  it('repairs UTF-8 that was read as Windows-1252 or Latin-1', () => {
    expect(fixMojibake('PokÃ©mon')).toBe('Pokémon');
    expect(fixMojibake('itâ€™s â‚¬5â„¢')).toBe('it’s €5™');
    expect(fixMojibake('it\u00e2\u0080\u0099s')).toBe('it’s'); // read as Latin-1: C1 controls
    for (const s of REAL) {
      const bad = misread(s, 'windows-1252');
      expect(repairMojibake(bad), bad).toEqual({ text: s, codePages: ['windows-1252'] });
      expect(fixMojibake(misreadLatin1(s)), misreadLatin1(s)).toBe(s);
    }
  });

  it('repairs double-encoded text in two passes, each with its own code page', () => {
    expect(repairMojibake(misread(misread('Pokémon', 'windows-1252'), 'windows-1252'))).toEqual({ text: 'Pokémon', codePages: ['windows-1252', 'windows-1252'] });
    expect(repairMojibake(misread(misread('Alien³', 'macintosh'), 'windows-1252'))).toEqual({ text: 'Alien³', codePages: ['windows-1252', 'mac-roman'] });
    expect(repairMojibake(misread(misread('Déjà Vu', 'macintosh'), 'macintosh')).text).toBe('Déjà Vu');
    // Three layers: only two are taken off.
    const triple = misread(misread(misread('Déjà Vu', 'windows-1252'), 'windows-1252'), 'windows-1252');
    expect(repairMojibake(triple)).toEqual({ text: misread('Déjà Vu', 'windows-1252'), codePages: ['windows-1252', 'windows-1252'] });
  });

  it('leaves genuine text alone', () => {
    const genuine = [
      'Café', 'naïve', 'Señor', '½', 'Æon Flux', 'Ça', 'Straße', 'Pokémon', 'Alien³', 'Amélie', 'Les Misérables',
      'Crème brûlée', '8½ Women', '¡Three Amigos!', 'Mañana', 'Łódź', 'Ελλάδα', 'Москва', '東京物語', '😀',
      '“Quoted” – dashed — ellipsis…', '«Ça» et «Émile»', '»Émile«', '„Groß“', 'It’s',
      // Valid UTF-8 pairs by accident when read as Mac Roman bytes ("’è" = D5 8F, "—à" = D1 88):
      'C’è ancora domani', 'Com’è', 'l’école', 'Retour à l’été', 'Mais —à la fin', 'Et puis…à la fin',
      // … and as Windows-1252 bytes ("É™" = C9 99, "Ã©" = C3 A9 but genuine here in no way; kept for the letters):
      'CAFÉ™', 'ÀÖ',
      'Cr&#8230;a la Femme', 'plain ASCII', '',
      // A U+FFFD read as Windows-1252: the letter was lost before, nothing to repair.
      'Pokï¿½mon the Movie 2000',
    ];
    for (const s of genuine) expect(repairMojibake(s), s).toEqual({ text: s, codePages: [] });
  });

  it('says why a decoding is not believable text', () => {
    expect(implausible('Pokémon')).toBeNull();
    expect(implausible('CՏ ancora')).toMatch(/touches a Latin letter/);
    expect(implausible('Mais ш la fin')).toMatch(/lone Cyrillic/);
    expect(implausible('Et puisɈ la fin')).toMatch(/hardly uses/);
    expect(implausible('a\u0089b')).toMatch(/not text/);
    expect(implausible('Ph\uFFFDrpa')).toMatch(/not text/);
    expect(implausible('Life of π')).toBeNull();
  });
});

describe('catalog rows with mojibake', () => {
  it('stores the repaired text and keeps each original in extra', () => {
    const { record, textRepairs } = parseRow({
      id: '1320', title: ' Alien¬≥ ', overview: 'It‚Äôs back.', tagline: 'In space', genres: 'Sci-Fi|Com√©die', countries: 'us', director: 'David Fincher', note: 'd√©j√† vu', poster: 'posters/1320.jpg',
    });
    expect(record).toMatchObject({ title: 'Alien³', overview: 'It’s back.', tagline: 'In space', genres: ['Sci-Fi', 'Comédie'], countries: ['US'] });
    expect(record.extra).toEqual({
      director: 'David Fincher',
      note: 'déjà vu',
      [`${ORIGINAL_TEXT_PREFIX}title`]: 'Alien¬≥',
      [`${ORIGINAL_TEXT_PREFIX}overview`]: 'It‚Äôs back.',
      [`${ORIGINAL_TEXT_PREFIX}genres`]: 'Sci-Fi|Com√©die',
      [`${ORIGINAL_TEXT_PREFIX}note`]: 'd√©j√† vu',
    });
    expect(textRepairs.map((r) => r.column).sort()).toEqual(['genres', 'note', 'overview', 'title']);
    expect(describeTextRepair(textRepairs.find((r) => r.column === 'title')!)).toBe('title "Alien¬≥" → "Alien³" (Mac Roman)');
  });

  it('clips a long repaired text around the first change', () => {
    const before = `${'x'.repeat(100)} fianc√©e ${'y'.repeat(100)}`;
    const text = describeTextRepair({ column: 'overview', before, after: fixMojibake(before), codePages: ['mac-roman'] }, 30);
    // The change is at 106; both sides show the 30 characters from 96.
    expect(text).toBe(`overview "…xxxx fianc√©e ${'y'.repeat(16)}…" → "…xxxx fiancée ${'y'.repeat(17)}…" (Mac Roman)`);
  });

  it('counts repaired rows once each and keeps a few examples, a title preferred', () => {
    const tally: TextRepairTally = { textRepaired: 0, textRepairExamples: [] };
    for (let i = 1; i <= 5; i++) {
      const { record, textRepairs } = parseRow({ id: String(i), title: `Alien¬≥ ${i}`, overview: 'It‚Äôs back.' });
      tallyTextRepairs(tally, { where: `movies.csv:${i + 1} (id ${i})`, record, textRepairs });
    }
    tallyTextRepairs(tally, { where: 'movies.csv:7 (id 6)', record: parseRow({ id: '6', title: 'Clean' }).record });
    expect(tally.textRepaired).toBe(5);
    expect(tally.textRepairExamples).toHaveLength(MAX_TEXT_REPAIR_EXAMPLES);
    expect(tally.textRepairExamples[0]).toBe('movies.csv:2 (id 1): title "Alien¬≥ 1" → "Alien³ 1" (Mac Roman)');
  });

  it('records nothing for clean rows', () => {
    const { record, textRepairs } = parseRow({ id: '7', title: 'Café Society', overview: 'naïve' });
    expect(textRepairs).toEqual([]);
    expect(record.extra).toEqual({});
  });
});
