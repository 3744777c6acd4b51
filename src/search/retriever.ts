/**
 * The retriever seam: every source of candidates for a query — words in the engine's full-text
 * index, misspelt titles, phrases, printed lines, synopsis vectors, a dual encoder's visual
 * channel, the image channels, faces, palette, identity, typography — is one Retriever: the best
 * candidates for the query it was made for, best first, with the filters pushed down to where the
 * candidates come from (an engine query, or a resolved set of keys for in-process scorers).
 *
 * The engine plans which retrievers a query needs, asks them, and fuses: the text side by rank
 * (text-retrieval.ts), the poster channels by z-scores against a reference sample (fusion.ts),
 * for which a retriever is also a QueryChannel (query-channel.ts). Every implementation runs the
 * same conformance suite (retriever.conformance.ts).
 */
import type { SearchFilters } from '../store/filters.js';

/** What a query may return: filtered (the filter itself for engine queries, or its resolved keys for in-process scorers), with keys left out. */
export interface RetrievalScope {
  filter?: SearchFilters;
  /** The filter resolved to keys (given when some retriever needs it; always consistent with `filter`). */
  allow?: ReadonlySet<number>;
  exclude: ReadonlySet<number>;
}

export interface Candidate {
  key: number;
  /** The retriever's own score, higher is better (its scale is the retriever's: a rank, not a probability). */
  score: number;
}

export interface Retriever<C extends Candidate = Candidate> {
  readonly name: string;
  /** 'movie': keys are films, whose further posters share the score; 'poster': keys are posters. */
  readonly level: 'movie' | 'poster';
  /** At most k candidates, best first (ties by key), none excluded, all within the scope's filter. */
  retrieve(k: number, scope: RetrievalScope): Promise<C[]>;
}

/** Best first, ties by key: the order every retriever returns. */
export function byScore<C extends Candidate>(a: C, b: C): number {
  return b.score - a.score || a.key - b.key;
}
