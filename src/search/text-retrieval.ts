/**
 * The text side of a query as one channel: candidates from every text retriever — lexical fields
 * (BM25 over title, other titles, tagline, overview, in the store's engine), titles spelt nearly
 * like the query (trigram candidates from the engine, scored by edit distance), a phrase match (the
 * whole query in a title or tagline), synopsis vectors, printed text on posters (trigram
 * candidates from the engine, scored here by edit distance), and a dual encoder's visual channel —
 * fused by weighted reciprocal rank: score(key) = Σ w_c / (K + rank_c(key)).
 *
 * Why ranks: BM25, cosines and edit-distance scores live on unrelated scales that move with the
 * query (BM25 grows with query length), and most keys score nothing on the lexical channels, so
 * z-scores against a library sample were unstable. The fusion and its weights were chosen on the
 * development half of the query sets (bench/queries, `npm run bench -- relevance`), see
 * docs/search-relevance.md for the alternatives tried and the measured figures.
 *
 * Movie-level retrievers (lexical, phrase, synopsis) score a film's further posters as the film;
 * poster-level ones (printed, visual) score the poster itself.
 */
import type { LexicalField, LexicalSearch } from '../store/lexical.js';
import { printedTerms, squashText } from '../store/lexical.js';
import { containment, similarity } from '../text/fuzzy.js';
import { titleVariants } from '../text/title-variants.js';
import type { SearchFilters } from './filters.js';
import type { LoadedChannel } from './index-factory.js';
import type { PosterOwners } from './poster-owners.js';
import type { QueryChannel } from './query-channel.js';
import { referenceSample } from './fusion.js';

/** Weighted reciprocal-rank fusion settings (chosen on the development sets; see the header). */
export interface RankFusion {
  k: number;
  lexical: number;
  /** Titles spelt nearly like the query (typos), by edit distance. */
  title: number;
  phrase: number;
  synopsis: number;
  printed: number;
  visual: number;
}

export const DEFAULT_RANK_FUSION: RankFusion = { k: 10, lexical: 1, title: 1, phrase: 3, synopsis: 0.7, printed: 1, visual: 0.5 };

/** How many candidates each retriever contributes. */
const LIST_DEPTH = 100;
/** Printed-text candidates scored by edit distance per query. */
const PRINTED_CANDIDATES = 200;
/** Printed matches below this are noise: fewer than half the query's letters found (dev half: 0.5 beat 0.7 on R@10 and MRR). */
export const MIN_PRINTED_SCORE = 0.5;
/** Words this short must be printed exactly (a 4-letter word one edit away is usually another word: "love" / "lovett"). */
const EXACT_WORD_LENGTH = 4;
/** A word matched with edits counts from this similarity on. */
const MIN_WORD_SCORE = 0.75;
/** A title counts as the query misspelt from this similarity on (one wrong letter in five letters: 0.8). */
export const MIN_TITLE_SIMILARITY = 0.75;
/** Phrase queries: at least this many words (a one- or two-word phrase is just the words). */
const MIN_PHRASE_WORDS = 3;

/**
 * How well a query is printed on a poster (0–1): the whole query in one piece with few edits
 * (spaces ignored: the reader drops them), or the share of the query's letters whose words are
 * printed somewhere — so a query half of whose words are found scores about 0.5, below the bar,
 * however exactly those words match ("space" alone for "in space no one can hear you scream").
 */
export function printedScore(query: string, text: string): number {
  const terms = printedTerms(query);
  if (!text.length || !terms.length) return 0;
  const phrase = containment(squashText(query), text);
  let found = 0, total = 0;
  for (const w of terms) {
    const c = containment(w, text);
    const ok = w.length <= EXACT_WORD_LENGTH ? c === 1 : c >= MIN_WORD_SCORE;
    total += w.length;
    if (ok) found += w.length * c;
  }
  return Math.max(phrase, 0.95 * (found / total));
}

export interface TextMatch {
  /** Movie fields holding query words. */
  fields: LexicalField[];
  /** The field holding the whole query as a phrase. */
  phrase?: LexicalField;
  /** Printed lines of this poster that hold query words. */
  printed?: string[];
}

interface RankedList {
  weight: number;
  /** Keys best first. */
  keys: number[];
  /** Movie keys (a film's further posters share the rank) or poster keys. */
  level: 'movie' | 'poster';
}

export interface TextRetrievalInput {
  query: string;
  weight: number;
  lexical: LexicalSearch;
  ocrVersion: string | undefined;
  synopsis?: { vector: Float32Array; loaded: LoadedChannel };
  visual?: { vector: Float32Array; loaded: LoadedChannel };
  owners: PosterOwners;
  /** Every searchable key (the z-score reference of mixed queries is sampled from them). */
  referenceKeys: number[];
  filter: SearchFilters | undefined;
  exclude: ReadonlySet<number>;
  fusion?: RankFusion;
}

/** Runs every text retriever once and returns the fused channel and what matched per key. */
export async function textRetrieval(input: TextRetrievalInput): Promise<{ channel: QueryChannel; matches: Map<number, TextMatch> }> {
  const f = input.fusion ?? DEFAULT_RANK_FUSION;
  const { lexical, query, filter, exclude, owners } = input;
  const words = query.trim().split(/\s+/).length;
  const [lex, titles, phrase, synopsis, printed, visual] = await Promise.all([
    f.lexical > 0 ? lexical.searchMovies(query, LIST_DEPTH, filter) : [],
    f.title > 0 ? lexical.titleCandidates(query, 50, filter) : [],
    f.phrase > 0 && words >= MIN_PHRASE_WORDS ? lexical.phraseMovies(query, 20, filter) : [],
    input.synopsis && f.synopsis > 0 ? input.synopsis.loaded.index.search(input.synopsis.vector, LIST_DEPTH, { filter, exclude }) : [],
    input.ocrVersion && f.printed > 0 ? lexical.printedCandidates(query, input.ocrVersion, PRINTED_CANDIDATES, filter) : [],
    input.visual && f.visual > 0 ? input.visual.loaded.index.search(input.visual.vector, LIST_DEPTH, { filter, exclude }) : [],
  ]);
  const matches = new Map<number, TextMatch>();
  const matchOf = (key: number): TextMatch => {
    let m = matches.get(key);
    if (!m) matches.set(key, (m = { fields: [] }));
    return m;
  };
  for (const h of lex) matchOf(h.key).fields = h.fields;
  for (const h of phrase) matchOf(h.key).phrase = h.field;
  const squashedQuery = squashText(query);
  const titleHits = titles
    .map((c) => ({ key: c.key, score: Math.max(0, ...titleVariants(c.title).map((v) => similarity(squashedQuery, v))) }))
    .filter((h) => h.score >= MIN_TITLE_SIMILARITY)
    .sort((a, b) => b.score - a.score || a.key - b.key);
  for (const h of titleHits) if (!matchOf(h.key).fields.includes('title')) matchOf(h.key).fields.push('title');
  const printedHits = printed
    .map((c) => ({ key: c.key, lines: c.lines, score: printedScore(query, c.lines.map(squashText).join('')) }))
    .filter((h) => h.score >= MIN_PRINTED_SCORE)
    .sort((a, b) => b.score - a.score || a.key - b.key);
  const terms = printedTerms(query);
  for (const h of printedHits) matchOf(h.key).printed = h.lines.filter((l) => terms.some((w) => containment(w, squashText(l)) >= (w.length <= EXACT_WORD_LENGTH ? 1 : MIN_WORD_SCORE)));

  const lists: RankedList[] = [
    { weight: f.lexical, keys: lex.map((h) => h.key), level: 'movie' },
    { weight: f.title, keys: titleHits.map((h) => h.key), level: 'movie' },
    { weight: f.phrase, keys: phrase.map((h) => h.key), level: 'movie' },
    { weight: f.synopsis, keys: synopsis.map((h) => h.key), level: 'movie' },
    { weight: f.printed, keys: printedHits.map((h) => h.key), level: 'poster' },
    { weight: f.visual, keys: visual.map((h) => h.key), level: 'poster' },
  ].filter((l): l is RankedList => l.keys.length > 0 && l.weight > 0);
  const total = lists.reduce((s, l) => s + l.weight, 0) || 1;
  // Fused score per poster key; scaled so that first place on every retriever is 1.
  const fused = new Map<number, number>();
  const add = (key: number, s: number) => fused.set(key, (fused.get(key) ?? 0) + s);
  for (const l of lists) {
    const seen = new Set<number>();
    l.keys.forEach((key, rank) => {
      if (seen.has(key)) return;
      seen.add(key);
      const s = (l.weight * (f.k + 1)) / (total * (f.k + rank + 1));
      if (l.level === 'poster') return add(key, s);
      add(key, s);
      for (const p of owners.furtherOf(key)) add(p, s);
    });
  }
  for (const key of exclude) fused.delete(key);
  const ranked = [...fused.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const score = (key: number): number => fused.get(key) ?? 0;
  const channel: QueryChannel = {
    name: 'text',
    weight: input.weight,
    needsKeys: false,
    // Mostly-zero like the other text channels: a lone weak match must not look like a miracle in a mixed query.
    minStd: 0.1,
    search: async (k) => ranked.slice(0, k).map(([key, s]) => ({ key, score: s })),
    scores: async (keys) => Float32Array.from(keys, score),
    reference: async () => Float32Array.from(referenceSample(input.referenceKeys), score),
  };
  return { channel, matches };
}
