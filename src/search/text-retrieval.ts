/**
 * The text side of a query as one channel: candidates from every text retriever (retriever.ts) —
 * words in a film's fields, titles spelt nearly like the query, a phrase of a title or tagline
 * (text-retrievers.ts, in the store's engine), synopsis vectors, printed text on posters, and a
 * dual encoder's visual channel — fused by weighted reciprocal rank:
 * score(key) = Σ w_c / (K + rank_c(key)).
 *
 * Why ranks: BM25, cosines and edit-distance scores live on unrelated scales that move with the
 * query (BM25 grows with query length), and most keys score nothing on the lexical channels, so
 * z-scores against a library sample were unstable. The fusion and its weights were chosen on the
 * development half of the query sets (bench/queries, `npm run bench -- relevance`), see
 * docs/search-relevance.md for the alternatives tried and the measured figures.
 *
 * Movie-level retrievers (words, title, phrase, synopsis) score a film's further posters as the
 * film; poster-level ones (printed, visual) score the poster itself.
 */
import type { LexicalField, LexicalSearch, PhraseField } from '../store/lexical.js';
import type { SearchFilters } from '../store/filters.js';
import type { LoadedChannel } from './index-factory.js';
import type { PosterOwners } from './poster-owners.js';
import { vectorRetriever, type QueryChannel } from './query-channel.js';
import { referenceSample } from './fusion.js';
import type { Retriever } from './retriever.js';
import { fieldWords, misspeltTitles, phrases, printedText, type TextCandidate } from './text-retrievers.js';

export { MIN_PRINTED_SCORE, MIN_TITLE_SIMILARITY, printedScore } from './text-retrievers.js';

/** Weighted reciprocal-rank fusion settings (chosen on the development sets; see the header). */
export interface RankFusion {
  k: number;
  lexical: number;
  /** Titles spelt nearly like the query (typos), by edit distance. */
  title: number;
  phrase: number;
  synopsis: number;
  printed: number;
  /** The whole query printed in one piece on a poster. */
  printedPhrase: number;
  visual: number;
}

export const DEFAULT_RANK_FUSION: RankFusion = { k: 10, lexical: 1, title: 1, phrase: 3, synopsis: 0.7, printed: 1, printedPhrase: 1, visual: 0.5 };

/** How many candidates each retriever contributes. */
const LIST_DEPTH = 100;

export interface TextMatch {
  /** Movie fields holding query words. */
  fields: LexicalField[];
  /** The field holding the whole query as a phrase. */
  phrase?: PhraseField;
  /** Printed lines of this poster that hold query words. */
  printed?: string[];
}

export interface TextRetrievalInput {
  query: string;
  weight: number;
  lexical: LexicalSearch;
  ocrVersion: string | undefined;
  /** The query's synopsis vector (a promise while the text model embeds it: the other retrievers go on meanwhile). */
  synopsis?: { vector: Float32Array | Promise<Float32Array>; loaded: LoadedChannel };
  visual?: { vector: Float32Array; loaded: LoadedChannel };
  owners: PosterOwners;
  /** Every searchable key (the z-score reference of mixed queries is sampled from them). */
  referenceKeys: number[];
  filter: SearchFilters | undefined;
  exclude: ReadonlySet<number>;
  fusion?: RankFusion;
}

/** The text retrievers a query runs, with their fusion weights (those weighted 0 or not available are left out). */
export function textRetrievers(input: TextRetrievalInput): { retriever: Retriever<TextCandidate>; weight: number }[] {
  const f = input.fusion ?? DEFAULT_RANK_FUSION;
  const { lexical, query } = input;
  const out: { retriever: Retriever<TextCandidate>; weight: number }[] = [
    { retriever: fieldWords(lexical, query), weight: f.lexical },
    { retriever: misspeltTitles(lexical, query), weight: f.title },
    { retriever: phrases(lexical, query), weight: f.phrase },
  ];
  if (input.synopsis) {
    const { vector, loaded } = input.synopsis;
    out.push({ retriever: { name: 'synopsis', level: 'movie', retrieve: async (k, scope) => vectorRetriever('synopsis', 'movie', await vector, loaded).retrieve(k, scope) }, weight: f.synopsis });
  }
  if (input.ocrVersion) {
    const printed = printedText(lexical, query, input.ocrVersion);
    out.push({ retriever: printed.words, weight: f.printed }, { retriever: printed.phrase, weight: f.printedPhrase });
  }
  if (input.visual) out.push({ retriever: vectorRetriever('visual', 'poster', input.visual.vector, input.visual.loaded), weight: f.visual });
  return out.filter((r) => r.weight > 0);
}

/** Runs every text retriever once and returns the fused channel and what matched per key. */
export async function textRetrieval(input: TextRetrievalInput): Promise<{ channel: QueryChannel; matches: Map<number, TextMatch> }> {
  const f = input.fusion ?? DEFAULT_RANK_FUSION;
  const { filter, exclude, owners } = input;
  const retrievers = textRetrievers(input);
  const scope = { filter, exclude };
  const lists = (await Promise.all(retrievers.map(async (r) => ({ ...r, found: await r.retriever.retrieve(LIST_DEPTH, scope) })))).filter((l) => l.found.length > 0);
  const matches = new Map<number, TextMatch>();
  for (const l of lists)
    for (const c of l.found) {
      if (!c.fields && !c.phrase && !c.printed) continue;
      let m = matches.get(c.key);
      if (!m) matches.set(c.key, (m = { fields: [] }));
      for (const field of c.fields ?? []) if (!m.fields.includes(field)) m.fields.push(field);
      if (c.phrase) m.phrase = c.phrase;
      if (c.printed) m.printed = c.printed;
    }
  const total = lists.reduce((s, l) => s + l.weight, 0) || 1;
  // Fused score per poster key; scaled so that first place on every retriever is 1.
  const fused = new Map<number, number>();
  const add = (key: number, s: number) => fused.set(key, (fused.get(key) ?? 0) + s);
  for (const l of lists) {
    const seen = new Set<number>();
    l.found.forEach(({ key }, rank) => {
      if (seen.has(key)) return;
      seen.add(key);
      const s = (l.weight * (f.k + 1)) / (total * (f.k + rank + 1));
      add(key, s);
      if (l.retriever.level === 'movie') for (const p of owners.furtherOf(key)) add(p, s);
    });
  }
  for (const key of exclude) fused.delete(key);
  const ranked = [...fused.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const score = (key: number): number => fused.get(key) ?? 0;
  const channel: QueryChannel = {
    name: 'text',
    level: 'poster',
    weight: input.weight,
    needsKeys: false,
    // Mostly-zero like the other text channels: a lone weak match must not look like a miracle in a mixed query.
    minStd: 0.1,
    retrieve: async (k, scope) => ranked.filter(([key]) => !scope.exclude.has(key) && (!scope.allow || scope.allow.has(key))).slice(0, k).map(([key, s]) => ({ key, score: s })),
    scores: async (keys) => Float32Array.from(keys, score),
    reference: async () => Float32Array.from(referenceSample(input.referenceKeys), score),
  };
  return { channel, matches };
}
