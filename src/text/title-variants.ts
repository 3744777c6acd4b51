/**
 * The ways a film's title may be printed on its poster: the catalog title; an original title given
 * in parentheses ("The Blue Angel (Blaue Engel, Der)"); original and alternate titles from the
 * catalog's extra columns; the part before a colon ("Star Wars: Episode IV …" → "Star Wars"); each
 * without a leading article ("The Game" → "Game"), and MovieLens's trailing article moved to the
 * front ("Blaue Engel, Der" → "Der Blaue Engel"). Returned squashed (normalize.ts), unique.
 */
import { squash } from './normalize.js';

const ARTICLES = ['the', 'a', 'an', 'le', 'la', 'les', "l'", 'il', 'lo', 'gli', 'i', 'der', 'die', 'das', 'el', 'los', 'las', 'de', 'het', 'een', 'o', 'os', 'as'];
const LEADING = new RegExp(`^(${ARTICLES.join('|')})\\s+`, 'i');
const TRAILING = new RegExp(`^(.*),\\s*(${ARTICLES.join('|')})$`, 'i');

/** Catalog columns that may hold other titles of the film (pipe- or semicolon-separated). */
const EXTRA_TITLE_FIELDS = ['original_title', 'originalTitle', 'alternate_titles', 'alternative_titles', 'aka'];

function forms(title: string): string[] {
  const t = title.trim();
  const out = [t];
  const trailing = TRAILING.exec(t);
  if (trailing) out.push(`${trailing[2]} ${trailing[1]}`, trailing[1]!);
  for (const f of [...out]) {
    const colon = f.split(/\s*[:–—]\s+|\s+-\s+/)[0]!;
    if (colon !== f && colon.length >= 3) out.push(colon);
  }
  for (const f of [...out]) if (LEADING.test(f)) out.push(f.replace(LEADING, ''));
  return out;
}

export function titleVariants(title: string, extra: Record<string, unknown> = {}): string[] {
  const names: string[] = [];
  const paren = /^(.*?)\s*\(([^)]+)\)\s*$/.exec(title);
  if (paren) names.push(paren[1]!, paren[2]!);
  else names.push(title);
  for (const field of EXTRA_TITLE_FIELDS) {
    const v = extra[field];
    if (typeof v === 'string') names.push(...v.split(/[|;]/));
    else if (Array.isArray(v)) names.push(...v.filter((x): x is string => typeof x === 'string'));
  }
  const out = new Set<string>();
  for (const n of names) for (const f of forms(n)) {
    const s = squash(f);
    if (s.length >= 2) out.add(s);
  }
  return [...out];
}
