/**
 * Lexical retrieval in the store's engine: a stemmed field index over each movie's title, other
 * titles, tagline and overview (SQLite FTS5 with BM25, PostgreSQL tsvector + GIN), and a trigram
 * index over the printed text of each poster (OCR lines squashed to letters and digits: SQLite
 * FTS5 trigram, PostgreSQL pg_trgm). Both are kept by triggers in the transaction that writes the
 * rows they index, so nothing lexical is loaded into a serving process (issue 26: the in-process
 * trigram indexes made a text query 1.5 s p50 on the demo catalog with every poster read).
 *
 * This file holds what both engines share: the interface and how a typed query becomes words.
 */
import type { SearchFilters } from './filters.js';
import { squash } from '../text/normalize.js';

/** The fields of a movie's lexical document, in the order the engines index them. */
export const LEXICAL_FIELDS = ['title', 'alt_titles', 'tagline', 'overview'] as const;
export type LexicalField = (typeof LEXICAL_FIELDS)[number];
/** The fields a whole query is matched in as a phrase (a synopsis holding the query's words in order says little). */
export const PHRASE_FIELDS = ['title', 'alt_titles', 'tagline'] as const;
export type PhraseField = (typeof PHRASE_FIELDS)[number];

/** Catalog `extra` columns holding other titles of a film: the ones title-variants.ts reads. */
export { EXTRA_TITLE_FIELDS } from '../text/title-variants.js';

export interface MovieTextHit {
  /** Movie key. */
  key: number;
  /** Engine relevance, higher is better (BM25 in SQLite, ts_rank in PostgreSQL): a rank, not a scale. */
  score: number;
  /** Fields holding a query word. */
  fields: LexicalField[];
}

export interface PhraseHit {
  key: number;
  /** The field holding the whole query as a phrase. */
  field: PhraseField;
}

export interface PrintedTextCandidate {
  /** Poster key. */
  key: number;
  /** The poster's printed lines in reading order. */
  lines: string[];
}

export interface TitleCandidate {
  /** Movie key. */
  key: number;
  title: string;
}

export interface LexicalSearch {
  /** Movies whose title shares the most letter trigrams with the query (typos: "termnator"), best first: candidates the caller scores. */
  titleCandidates(query: string, k: number, filter?: SearchFilters): Promise<TitleCandidate[]>;
  /**
   * Titles that may be printed in these texts (an upload's lines and runs of lines, the largest
   * text first): films whose titles hold the texts' words (whole words, stemmed; the best
   * TITLE_WORD_CANDIDATES), and for each of the first TITLE_TRIGRAM_TEXTS texts of at most
   * TITLE_TRIGRAM_LETTERS letters the `kEach` titles sharing the most letter trigrams with it
   * (misread letters); each film once. No filters: which film a poster shows does not depend on
   * what the user narrowed the results to.
   */
  titlesInText(texts: string[], kEach: number): Promise<TitleCandidate[]>;
  /** Movies whose fields hold any of the query's words, best first (at most k), filters applied in the engine. */
  searchMovies(query: string, k: number, filter?: SearchFilters): Promise<MovieTextHit[]>;
  /** Movies whose title, other titles or tagline hold the whole query as a phrase (stemmed; at most k). */
  phraseMovies(query: string, k: number, filter?: SearchFilters): Promise<PhraseHit[]>;
  /**
   * Posters whose current reading (reader `version`, on the poster's current bytes) shares the
   * most letter trigrams with the query's words, best first: candidates that the caller scores by
   * edit distance. Filters apply to the poster's movie.
   */
  printedCandidates(query: string, version: string, k: number, filter?: SearchFilters): Promise<PrintedTextCandidate[]>;
}

/** Titles holding a poster's words taken as candidates (titlesInText). */
export const TITLE_WORD_CANDIDATES = 60;
/** Texts looked up by letter trigrams (the largest ones: a title is rarely small print), and their longest (titles longer are rare). */
export const TITLE_TRIGRAM_TEXTS = 10;
export const TITLE_TRIGRAM_LETTERS = 40;

/** The texts titlesInText looks up by trigrams, squashed. */
export function trigramTitleTexts(texts: string[]): string[] {
  return texts
    .map(squashText)
    .filter((t) => t.length >= 3 && t.length <= TITLE_TRIGRAM_LETTERS)
    .slice(0, TITLE_TRIGRAM_TEXTS);
}

/** Words that carry no meaning of their own in a search box (a short English list; BM25 gives them little weight anyway, but they cost a long posting list each). */
const STOPWORDS = new Set(
  `a about after all also an and any are as at be been before being but by can could did do does for from had has have he her him his how i if in into is it its just me more most my no not now of on one only or our out over she so some such than that the their them then there these they this those through to too up very was we were what when where which while who whom why will with would you your`.split(' '),
);

/** Lower-cased words of a query, accents folded, apostrophes dropped ("don't" → "dont"), in order. */
export function queryWords(query: string): string[] {
  return query
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/** The words a query is searched by: no stopwords (all of them when the query is only stopwords: "it", "up"), each once. */
export function searchTerms(query: string): string[] {
  const words = queryWords(query);
  const content = words.filter((w) => !STOPWORDS.has(w));
  return [...new Set(content.length ? content : words)].slice(0, 32);
}

/** Letters and digits only, lower case, accents folded: how printed text and titles are indexed (PP-OCRv4 often drops spaces); the squash OCR text is compared by. */
export const squashText = squash;

/** Query words worth looking up in printed text: squashed, at least 3 letters, stopwords out (a lone stopword query keeps its words). */
export function printedTerms(query: string): string[] {
  return searchTerms(query)
    .map(squashText)
    .filter((w) => w.length >= 3);
}

/**
 * Overlapping pieces of `size` letters of each word (a shorter word whole, from 3 letters): what
 * printed-text candidates are looked up by. A 4-letter piece occurs in far fewer posters than a
 * trigram, so the engine ranks far fewer matches (at 100k posters most of them share some
 * trigram with any query), and a word misread in one letter still keeps most of its pieces.
 */
export function wordPieces(words: string[], size: number): string[] {
  const out = new Set<string>();
  for (const w of words) {
    if (w.length < 3) continue;
    if (w.length <= size) out.add(w);
    else for (let i = 0; i + size <= w.length; i++) out.add(w.slice(i, i + size));
  }
  return [...out];
}

/**
 * The pieces printed text is looked up by: letter trigrams for a short query (a title, a name:
 * one misread letter must not lose the poster; 4-letter pieces cost 3 of 153 misspelt-title
 * queries their first place on the dev half), 4-letter pieces for a longer one.
 */
export function printedPieces(terms: string[]): string[] {
  const letters = terms.reduce((s, w) => s + w.length, 0);
  return wordPieces(terms, letters > SHORT_PRINTED_LETTERS ? 4 : 3);
}
const SHORT_PRINTED_LETTERS = 24;

/** The distinct letter trigrams of some words (what titles are shortlisted by). */
export function wordTrigrams(words: string[]): string[] {
  return wordPieces(words, 3);
}
