/** A search request, independent of where it came from (CLI flags, JSONL batch, HTTP). */
import type { SearchFilters } from '../store/filters.js';
import type { TextLine } from '../text/types.js';
import { IMAGE_CHANNELS } from '../store/channels.js';
import { MarqueeError } from '../util/errors.js';
import type { LexicalField, PhraseField } from '../store/lexical.js';

export interface ImageInput {
  bytes: Buffer;
  /** File name or label, for error messages. */
  source: string;
}

export type BlendMode = 'embedding' | 'pixel';

export interface SearchQuery {
  image?: ImageInput;
  /** Second image: blend between `image` and `image2`. */
  image2?: ImageInput;
  /** "More like this": a movie id from the library (excluded from results). */
  id?: string;
  text?: string;
  /** Weight of the image channel when image and text are combined (0..1, default 0.5). */
  weightImage?: number;
  /** Blend position between image (0) and image2 (1), default 0.5. */
  mix?: number;
  blend?: BlendMode;
  /** Weights of the poster channels for image / id queries (default DEFAULT_IMAGE_WEIGHTS). */
  weights?: ChannelWeights;
  /** A palette query: hex colours a poster should contain. */
  colors?: string[];
  filters?: SearchFilters;
  k?: number;
  /** The printed text of `image`, when the caller has read it already (identify). */
  imageText?: TextLine[];
  /** Which of the library's image models the content channel uses (its id; default: the library's first). */
  model?: string;
  /**
   * 'film' (default): one result per film, ranked by its best poster; 'poster': every poster is a
   * result of its own (a film with a teaser and a re-release poster can appear twice).
   */
  per?: ResultUnit;
}

export type ResultUnit = 'film' | 'poster';
export const RESULT_UNITS: readonly ResultUnit[] = ['film', 'poster'];

/** A search request that cannot be run as given (kind bad_query: the client's mistake). */
export class QueryError extends MarqueeError {
  constructor(message: string) {
    super('bad_query', message);
    this.name = 'QueryError';
  }
}

export const WEIGHTED_CHANNELS = [...IMAGE_CHANNELS, 'faces', 'identity', 'typography'] as const;
export type WeightedChannel = (typeof WEIGHTED_CHANNELS)[number];
export type ChannelWeights = Partial<Record<WeightedChannel, number>>;

/**
 * Content carries what is shown; colour and layout add the design; faces only when asked for;
 * identity (the upload's printed text naming a catalog film, image uploads only) is 0 for almost
 * every poster and decisive for the few it names; typography (title placement and size, text
 * layout, from OCR) only when asked for. Documented in docs/indexing-and-search.md.
 */
export const DEFAULT_IMAGE_WEIGHTS: Record<WeightedChannel, number> = { content: 0.7, color: 0.15, layout: 0.15, faces: 0, identity: 0.5, typography: 0 };

/** A dual encoder's text tower against posters: one of the text retrievers (text-retrieval.ts). */
export const VISUAL_CHANNEL = 'visual';

/** Parses "content=0.6,color=0.3,layout=0.1"; channels not named get weight 0. */
export function parseWeights(s: string): ChannelWeights {
  const out: ChannelWeights = {};
  for (const part of s.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([a-z]+)\s*=\s*([0-9.]+)$/.exec(part);
    if (!m) throw new Error(`invalid weight "${part}": use channel=number, e.g. content=0.6,color=0.3,layout=0.1`);
    const channel = m[1]!;
    if (!(WEIGHTED_CHANNELS as readonly string[]).includes(channel)) throw new Error(`unknown channel "${channel}": use ${WEIGHTED_CHANNELS.join(', ')}`);
    const w = Number(m[2]);
    if (!(w >= 0 && w <= 1)) throw new Error(`weight of ${channel} must be between 0 and 1, got ${m[2]}`);
    out[channel as WeightedChannel] = w;
  }
  if (!Object.values(out).some((w) => w > 0)) throw new Error('at least one channel weight must be above 0');
  return out;
}

export interface SearchResult {
  id: string;
  title: string;
  year: number | null;
  /** Cosine for single-channel queries; weighted sum of per-query z-scores for fused ones (the ranking score). */
  score: number;
  /** Share of the library this movie is more alike to the query than, channel weights applied (0-1; what the app shows). */
  match: number | null;
  genres: string[];
  countries: string[];
  /** Raw cosine per channel that took part. */
  scores: Record<string, number | null>;
  /** Text queries: the lines printed on this poster that match the query. */
  printed?: string[];
  /** Text queries: the movie fields holding query words (title, alt_titles, tagline, overview). */
  fields?: LexicalField[];
  /** Text queries: the field holding the whole query as a phrase. */
  phrase?: PhraseField;
  /** Image uploads: why the upload is taken for this film's poster (its title read, or its text matching). */
  identity?: { score: number; by: 'title' | 'text'; text: string };
  /** The poster that scored (libraries with several posters per film): 0 is the film's main poster. */
  poster?: ResultPoster;
}

/** Which of a film's posters a result is. */
export interface ResultPoster {
  /** 0: the main poster; 1, 2…: further posters in catalog order. */
  rank: number;
  kind: string | null;
  country: string | null;
  year: number | null;
}

export const MAX_K = 1000;
