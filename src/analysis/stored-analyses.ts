/**
 * Analyses computed by background jobs and stored in the library with the revisions of what they
 * read (store/revisions.ts): the closest pairs of a channel, the duplicate groups, the list of
 * the library's most unusual borrowings on a channel, the trends table (every poster's value on
 * every trend measure) and the kinds of shot among the stills (each of the last three took over
 * 30 s on a first visit when it was computed on the request), and each period's typical posters
 * and average image under the trends page's filters (1.4 s of CPU per decade's average). A server
 * serves the stored result at once, saying whether it still holds; a newer one is computed by a
 * job (`marquee analysis compute`, a child process of whichever server or worker takes it), never
 * on a request. A result survives restarts, so the pairs page is ready the moment a server is up.
 */
import { findDuplicatePairs, groupDuplicates } from './duplicates.js';
import { closestPairs, type ClosestPair } from './pairs.js';
import type { SearchEngine } from '../search/engine.js';
import type { ChannelIndexes } from '../search/channel-indexes.js';
import type { ImageChannel } from '../store/channels.js';
import { POSTER_IMAGE_VECTORS, revisionsOf } from '../store/revisions.js';
import { BorrowingFinder, type Borrowing, type BorrowingChannel } from './borrowings.js';
import { TrendTable, type StoredTrendTable } from '../trends/trend-table.js';
import { StillsService } from '../stills/service.js';
import type { StillsClustering } from '../stills/clusters.js';
import { TYPICAL_READS, typicalFiltersKey, typicalWithAverages, type TypicalFilters } from '../trends/typical-posters.js';
import type { TypicalPeriod } from '../trends/typical-posters.js';

/** Pairs kept per channel; requests take a prefix. */
export const PAIRS_KEPT = 1000;
/** Borrowings kept per channel; requests take a prefix. */
export const BORROWINGS_KEPT = 500;

export type AnalysisRequest =
  | { kind: 'pairs'; channel: ImageChannel; model?: string }
  | { kind: 'dupes' }
  | { kind: 'borrowings'; channel: BorrowingChannel; copies: boolean }
  | { kind: 'trends' }
  | { kind: 'stills-clusters' }
  | { kind: 'typical'; filters: TypicalFilters };

export type AnalysisResult = PairsResult | DuplicateGroups | BorrowingsResult | StoredTrendTable | StillsClustering | TypicalPostersResult;

/** Each period's typical posters under some filters, and its average image (base64 JPEG) by period label. */
export interface TypicalPostersResult {
  periods: TypicalPeriod[];
  averages: Record<string, string>;
}

export interface BorrowingsResult {
  borrowings: Borrowing[];
}

export interface DuplicateGroups {
  groups: string[][];
  /** Title and year of every movie in a group. */
  movies: Record<string, { title: string; year: number | null }>;
  /** The image model whose content vectors proposed the candidates (the library's default). */
  model: string;
}

export interface PairsResult {
  pairs: ClosestPair[];
}

/**
 * Formats of results whose shape or formulas change with the code: a result stored by another
 * format is not served (its key differs) and is computed again. Bump when measures.ts or
 * clusters.ts change what they compute.
 */
const RESULT_FORMAT = { trends: 1, 'stills-clusters': 1, typical: 1 } as const;

/** The key a request's result is stored under: its store channel for pairs (naming the default model shares its pairs). */
export function analysisKey(indexes: ChannelIndexes, req: AnalysisRequest): string {
  if (req.kind === 'pairs') return `pairs:${indexes.storeChannel(req.channel, req.model)}`;
  if (req.kind === 'borrowings') return `borrowings:${req.channel}${req.copies ? ':copies' : ''}`;
  if (req.kind === 'dupes') return 'dupes';
  if (req.kind === 'typical') return `typical@${RESULT_FORMAT.typical}:${typicalFiltersKey(req.filters)}`;
  return `${req.kind}@${RESULT_FORMAT[req.kind]}`;
}

/**
 * What a request's result depends on: the vectors it compares (pairs and duplicate groups read
 * several channels: the signature and layout vectors judge near-duplicates, the content vectors
 * rank colour and layout pairs' candidates), which posters exist, and the titles it names.
 */
export function analysisReads(_indexes: ChannelIndexes, req: AnalysisRequest): string[] {
  if (req.kind === 'borrowings') return BorrowingFinder.readsOf(req.channel);
  if (req.kind === 'trends') return [...TrendTable.READS];
  if (req.kind === 'stills-clusters') return [...StillsService.READS];
  if (req.kind === 'typical') return [...TYPICAL_READS];
  return [...POSTER_IMAGE_VECTORS, 'posters', 'movies'];
}

/**
 * Computes a request's result and stores it with the revisions read before it started (a change
 * during the computation leaves the stored result out of date, so it is computed again).
 */
export async function computeAnalysis(
  engine: SearchEngine,
  req: AnalysisRequest,
  onProgress?: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<{ key: string; result: AnalysisResult }> {
  const key = analysisKey(engine.indexes, req);
  const revisions = revisionsOf(await engine.store.analyses.revisions(), analysisReads(engine.indexes, req));
  const result = await compute(engine, req, onProgress, signal);
  await engine.store.analyses.put(key, revisions, result);
  return { key, result };
}

async function compute(engine: SearchEngine, req: AnalysisRequest, onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<AnalysisResult> {
  switch (req.kind) {
    case 'pairs':
      return { pairs: await closestPairs(engine.indexes, req.channel, PAIRS_KEPT, onProgress, signal, req.model) };
    case 'borrowings':
      return { borrowings: await (await BorrowingFinder.load(engine.indexes, req.channel)).top(BORROWINGS_KEPT, req.copies, onProgress, signal) };
    case 'dupes':
      return duplicateGroups(engine, onProgress, signal);
    case 'trends':
      return (await TrendTable.load(engine.store)).toStored();
    case 'stills-clusters':
      return new StillsService(engine.store, engine.embedder).clusters();
    case 'typical':
      return typicalWithAverages(engine, req.filters, onProgress, signal);
  }
}

async function duplicateGroups(engine: SearchEngine, onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<DuplicateGroups> {
  const groups = groupDuplicates(await findDuplicatePairs(engine.indexes, undefined, onProgress, signal));
  const movies = await engine.store.movies.byKeys(groups.flat());
  const present = groups.map((g) => g.filter((k) => movies.has(k)));
  return {
    groups: present.map((g) => g.map((k) => movies.get(k)!.id)),
    movies: Object.fromEntries(present.flat().map((k) => [movies.get(k)!.id, { title: movies.get(k)!.title, year: movies.get(k)!.year }])),
    model: engine.embedder.models.image.id,
  };
}
