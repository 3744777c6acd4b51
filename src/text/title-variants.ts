/**
 * The ways a film's title may be printed on its poster: the catalog title; an original title given
 * in parentheses ("The Blue Angel (Blaue Engel, Der)"); original and alternate titles from the
 * catalog's extra columns; the part before a colon ("Star Wars: Episode IV …" → "Star Wars"); each
 * without a leading article ("The Game" → "Game"), and MovieLens's trailing article moved to the
 * front ("Blaue Engel, Der" → "Der Blaue Engel").
 *
 * `titleVariantWords` gives each variant as words (title-matcher.ts matches whole words) and, for
 * a variant that drops a subtitle, the words it dropped: a sequel's number or subtitle must still
 * be on the poster for the short form to count ("HALLOWEEN" is not "Halloween II").
 */
import { squash } from './normalize.js';

const ARTICLES = ['the', 'a', 'an', 'le', 'la', 'les', "l'", 'il', 'lo', 'gli', 'i', 'der', 'die', 'das', 'el', 'los', 'las', 'de', 'het', 'een', 'o', 'os', 'as'];
const LEADING = new RegExp(`^(${ARTICLES.join('|')})\\s+`, 'i');
const TRAILING = new RegExp(`^(.*),\\s*(${ARTICLES.join('|')})$`, 'i');

/** Catalog columns that may hold other titles of the film (pipe- or semicolon-separated). */
export const EXTRA_TITLE_FIELDS = ['original_title', 'originalTitle', 'alternate_titles', 'alternative_titles', 'aka'] as const;

const ROMAN: Record<string, string> = { ii: '2', iii: '3', iv: '4', v: '5', vi: '6', vii: '7', viii: '8', ix: '9', x: '10' };

/**
 * Words as titles and OCR are compared: squashed (normalize.ts), a number glued to a word split
 * off ("ALIEN3", "Alien³" → alien, 3), roman numerals II–X as digits ("ROCKY IV" → rocky, 4).
 */
export function matchWords(text: string): string[] {
  const out: string[] = [];
  // Words are split at spaces only: OCR often reads a stray mark inside a word ("SCREAM)ERS").
  for (const raw of text.split(/\s+/u)) {
    const w = squash(raw);
    if (!w) continue;
    for (const part of w.match(/\p{L}+|\p{N}+/gu) ?? []) out.push(ROMAN[part] ?? part);
  }
  return out;
}

/** A sequel marker: a number of one or two digits (years are not), or a roman numeral made one. */
export function isMarker(word: string): boolean {
  return /^\d{1,2}$/.test(word);
}

export interface TitleVariant {
  /** Squashed words of the variant (matchWords). */
  words: string[];
  /** Words of a subtitle this variant leaves out (empty for full forms). */
  dropped: string[];
}

function forms(title: string): { text: string; dropped: string }[] {
  const t = title.trim();
  const out = [{ text: t, dropped: '' }];
  const trailing = TRAILING.exec(t);
  if (trailing) out.push({ text: `${trailing[2]} ${trailing[1]}`, dropped: '' }, { text: trailing[1]!, dropped: '' });
  for (const f of [...out]) {
    const [head, ...rest] = f.text.split(/\s*[:–—]\s+|\s+-\s+/);
    if (rest.length && head!.length >= 3) out.push({ text: head!, dropped: rest.join(' ') });
  }
  for (const f of [...out]) if (LEADING.test(f.text)) out.push({ ...f, text: f.text.replace(LEADING, '') });
  return out;
}

function names(title: string, extra: Record<string, unknown>): string[] {
  const out: string[] = [];
  const paren = /^(.*?)\s*\(([^)]+)\)\s*$/.exec(title);
  if (paren) out.push(paren[1]!, paren[2]!);
  else out.push(title);
  for (const field of EXTRA_TITLE_FIELDS) {
    const v = extra[field];
    if (typeof v === 'string') out.push(...v.split(/[|;]/));
    else if (Array.isArray(v)) out.push(...v.filter((x): x is string => typeof x === 'string'));
  }
  return out;
}

/** Every printed form of a title as words, unique, with the subtitle words each leaves out. */
export function titleVariantWords(title: string, extra: Record<string, unknown> = {}): TitleVariant[] {
  const seen = new Map<string, TitleVariant>();
  for (const n of names(title, extra))
    for (const f of forms(n)) {
      const words = matchWords(f.text);
      const key = words.join(' ');
      if (words.join('').length < 2) continue;
      const dropped = matchWords(f.dropped);
      const known = seen.get(key);
      // The same words reached as a full form and as a shortened one are a full form.
      if (!known || dropped.length < known.dropped.length) seen.set(key, { words, dropped });
    }
  return [...seen.values()];
}

/** Every printed form of a title, squashed (letters and digits only), unique. */
export function titleVariants(title: string, extra: Record<string, unknown> = {}): string[] {
  const out = new Set<string>();
  for (const n of names(title, extra))
    for (const f of forms(n)) {
      const s = squash(f.text);
      if (s.length >= 2) out.add(s);
    }
  return [...out];
}
