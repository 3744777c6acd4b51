/**
 * The text retrievers (retriever.ts) over the store's lexical indexes: words in a film's fields
 * (BM25 / ts_rank in the engine), titles spelt nearly like the query (trigram candidates from the
 * engine, scored by edit distance here), the whole query as a phrase of a title or tagline, and
 * words printed on posters (trigram candidates from the engine, scored by edit distance here).
 * Each candidate says what matched, for the results' "in title, tagline…" and printed lines.
 */
import type { LexicalField, LexicalSearch, PhraseField } from '../store/lexical.js';
import { printedTerms, squashText } from '../store/lexical.js';
import { needleOf, similarity } from '../text/fuzzy.js';
import { titleVariants } from '../text/title-variants.js';
import { byScore, type Candidate, type RetrievalScope, type Retriever } from './retriever.js';

/** Printed-text candidates scored by edit distance per query. */
const PRINTED_CANDIDATES = 200;
/** Misspelt-title candidates scored by edit distance per query. */
const TITLE_CANDIDATES = 50;
/** Printed matches below this are noise: fewer than half the query's letters found (dev half: 0.5 beat 0.7 on R@10 and MRR). */
export const MIN_PRINTED_SCORE = 0.5;
/** Words this short must be printed exactly (a 4-letter word one edit away is usually another word: "love" / "lovett"). */
const EXACT_WORD_LENGTH = 4;
/** A word matched with edits counts from this similarity on. */
const MIN_WORD_SCORE = 0.75;
/** A title counts as the query misspelt from this similarity on (one wrong letter in five letters: 0.8). */
export const MIN_TITLE_SIMILARITY = 0.75;
/** Phrase queries: at least this many words (a one- or two-word phrase is just the words). */
export const MIN_PHRASE_WORDS = 3;

/** A text candidate with what matched. */
export interface TextCandidate extends Candidate {
  /** Movie fields holding query words. */
  fields?: LexicalField[];
  /** The field holding the whole query as a phrase. */
  phrase?: PhraseField;
  /** Printed lines of the poster holding query words. */
  printed?: string[];
}

/**
 * How well a query is printed on a poster (0–1): the whole query in one piece with few edits
 * (spaces ignored: the reader drops them), or the share of the query's letters whose words are
 * printed somewhere — so a query half of whose words are found scores about 0.5, below the bar,
 * however exactly those words match ("space" alone for "in space no one can hear you scream").
 */
export function printedScore(query: string, text: string): number {
  return printedQuery(query).score(text, 0);
}

/** A query compiled once for scoring many posters' printed text. */
export interface PrintedQuery {
  /** printedScore when it is at least `min`; below `min` some lower value (the work to find it exactly is skipped). */
  score(text: string, min: number): number;
  /** How well the whole query is printed in one piece, when at least `min` (below it, 0). */
  phrase(text: string, min: number): number;
  /** The lines holding one of the query's words. */
  matchedLines(lines: string[]): string[];
}

/** The bar a printed word must reach: short words exactly. */
const wordBar = (w: string) => (w.length <= EXACT_WORD_LENGTH ? 1 : MIN_WORD_SCORE);

export function printedQuery(query: string): PrintedQuery {
  const terms = printedTerms(query);
  const total = terms.reduce((s, w) => s + w.length, 0);
  // Longest first: once the words left cannot lift the share to the bar, the rest is skipped.
  const words = [...new Set(terms)].map((w) => ({ needle: needleOf(w), letters: w.length * terms.filter((t) => t === w).length, bar: wordBar(w) })).sort((a, b) => b.letters - a.letters);
  const phrase = needleOf(squashText(query));
  return {
    score: (text, min) => {
      if (!text.length || !total) return 0;
      let found = 0, left = total;
      for (const w of words) {
        if ((0.95 * (found + left)) / total < min) break;
        left -= w.letters;
        found += w.letters * w.needle.containmentAtLeast(text, w.bar);
      }
      const share = (0.95 * found) / total;
      return Math.max(share, phrase.containmentAtLeast(text, Math.max(min, share)));
    },
    phrase: phrase.containmentAtLeast,
    matchedLines: (lines) => lines.filter((l) => { const t = squashText(l); return words.some((w) => w.needle.containmentAtLeast(t, w.bar) >= w.bar); }),
  };
}

/** Engine lists filtered by the scope's filter; excluded keys are dropped here (over-fetching by their count). */
const keep = <C extends Candidate>(list: C[], k: number, scope: RetrievalScope): C[] => list.filter((c) => !scope.exclude.has(c.key) && (!scope.allow || scope.allow.has(c.key))).slice(0, k);

/** Films whose fields hold the query's words, by the engine's relevance. */
export function fieldWords(lexical: LexicalSearch, query: string): Retriever<TextCandidate> {
  return {
    name: 'words',
    level: 'movie',
    retrieve: async (k, scope) => keep((await lexical.searchMovies(query, k + scope.exclude.size, scope.filter)).map((h) => ({ key: h.key, score: h.score, fields: h.fields })), k, scope),
  };
}

/**
 * Titles longer than this are not looked up as misspelt (twice the demo catalog's longest, 58
 * letters): a query must be within a quarter of a title's length to be it misspelt, and an
 * overview-long query cost 10–18 ms of trigram lookups for nothing (2026-12-06).
 */
export const MAX_TITLE_LETTERS = 120;

/** Whether a query is short enough to be some title misspelt (misspeltTitles looks it up). */
export const couldBeTitle = (query: string): boolean => squashText(query).length * MIN_TITLE_SIMILARITY <= MAX_TITLE_LETTERS;

/** Films whose title (any printed form) is the query misspelt, by edit similarity. */
export function misspeltTitles(lexical: LexicalSearch, query: string): Retriever<TextCandidate> {
  const squashed = squashText(query);
  const possible = couldBeTitle(query);
  return {
    name: 'title',
    level: 'movie',
    retrieve: async (k, scope) =>
      !possible ? [] : keep(
        (await lexical.titleCandidates(query, TITLE_CANDIDATES + scope.exclude.size, scope.filter))
          .map((c) => ({ key: c.key, score: Math.max(0, ...titleVariants(c.title).map((v) => similarity(squashed, v))), fields: ['title' as LexicalField] }))
          .filter((h) => h.score >= MIN_TITLE_SIMILARITY)
          .sort(byScore),
        k,
        scope,
      ),
  };
}

/** Films whose title, other titles or tagline hold the whole query as a phrase (queries of MIN_PHRASE_WORDS words or more). */
export function phrases(lexical: LexicalSearch, query: string): Retriever<TextCandidate> {
  const long = query.trim().split(/\s+/).length >= MIN_PHRASE_WORDS;
  return {
    name: 'phrase',
    level: 'movie',
    retrieve: async (k, scope) => (long ? keep((await lexical.phraseMovies(query, k + scope.exclude.size, scope.filter)).map((h) => ({ key: h.key, score: 1, phrase: h.field })).sort(byScore), k, scope) : []),
  };
}

/** A printed phrase: the whole query (MIN_PHRASE_WORDS words or more) printed in one piece with at most this share of its letters misread. */
export const MIN_PRINTED_PHRASE = 0.9;

/**
 * Posters whose current reading (reader `version`) holds the query, scored by printedScore
 * (`words`), and those holding the whole query in one piece (`phrase`: a remembered tagline or
 * credit line, as a phrase of the catalog's fields counts for more than its words). Both rank the
 * same engine candidates, fetched once per scope.
 */
export function printedText(lexical: LexicalSearch, query: string, version: string): { words: Retriever<TextCandidate>; phrase: Retriever<TextCandidate> } {
  const printed = printedQuery(query);
  const lookup = printedLookup(query);
  const long = query.trim().split(/\s+/).length >= MIN_PHRASE_WORDS;
  const fetched = new Map<string, Promise<{ key: number; lines: string[]; text: string }[]>>();
  const candidates = (scope: RetrievalScope) => {
    const id = `${scope.exclude.size}|${JSON.stringify(scope.filter ?? {})}`;
    let p = fetched.get(id);
    if (!p) fetched.set(id, (p = lexical.printedCandidates(lookup, version, PRINTED_CANDIDATES + scope.exclude.size, scope.filter).then((cs) => cs.map((c) => ({ key: c.key, lines: c.lines, text: c.lines.map(squashText).join('') })))));
    return p;
  };
  // Both retrievers rank the same candidates by their own score (exact from the bar up); the matched lines are found for the kept ones only.
  const ranked = async (k: number, scope: RetrievalScope, score: (text: string, min: number) => number, min: number): Promise<TextCandidate[]> => {
    const scored = (await candidates(scope)).map((c) => ({ key: c.key, lines: c.lines, score: score(c.text, min) }));
    return keep(scored.filter((h) => h.score >= min).sort(byScore), k, scope).map((h) => ({ key: h.key, score: h.score, printed: printed.matchedLines(h.lines) }));
  };
  return {
    words: { name: 'printed', level: 'poster', retrieve: (k, scope) => ranked(k, scope, printed.score, MIN_PRINTED_SCORE) },
    phrase: { name: 'printed-phrase', level: 'poster', retrieve: async (k, scope) => (long ? ranked(k, scope, printed.phrase, MIN_PRINTED_PHRASE) : []) },
  };
}

/** Queries with more letters than this look up posters by their longest words only. */
const LONG_LOOKUP_LETTERS = 60;

/**
 * The words a query's printed-text candidates are looked up by. A poster reaches the bar only with
 * words holding half the query's letters printed, so it holds one of any set of words with more
 * than half of them: a long query (an overview pasted in) is looked up by its longest words
 * covering 55 % of its letters — one engine lookup of 200 letter trigrams took ≈ 20 ms.
 */
export function printedLookup(query: string): string {
  const terms = printedTerms(query);
  const total = terms.reduce((s, w) => s + w.length, 0);
  if (total <= LONG_LOOKUP_LETTERS) return query;
  const kept: string[] = [];
  let letters = 0;
  for (const w of [...terms].sort((a, b) => b.length - a.length)) {
    if (letters > 0.55 * total) break;
    kept.push(w);
    letters += w.length;
  }
  return kept.join(' ');
}

/** Posters whose current reading holds the query's words (printedText's `words`). */
export function printedWords(lexical: LexicalSearch, query: string, version: string): Retriever<TextCandidate> {
  return printedText(lexical, query, version).words;
}
