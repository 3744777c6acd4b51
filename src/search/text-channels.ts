/**
 * Query channels from printed text (OCR): `identity` scores how surely an uploaded poster is a catalog film's poster, from
 * its text alone: its words spelling the film's title (title-matcher.ts, whole words, numbers
 * agreeing), or its text matching that film's poster text (a copy, a crop, another print). The
 * candidates come from the store's title and printed-text indexes (nothing lexical is held in the
 * serving process); only they are scored here. Most posters score 0 on both, so their z-scores use
 * a floor on the spread (minStd): a lone weak match must not look like a miracle.
 */
import type { Store } from '../store/store.js';
import { squash } from '../text/normalize.js';
import { matchTitles, titleQueries } from '../text/title-matcher.js';
import { trigrams } from '../text/trigrams.js';
import type { TextLine } from '../text/types.js';
import type { TypographyScorer } from './typography-scorer.js';
import { referenceSample } from './fusion.js';
import type { QueryChannel } from './query-channel.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'lexical' | 'movies'>;

/** Title matches below this are noise (a name, a word of a tagline). */
export const MIN_TITLE_SCORE = 0.5;
/** Poster-text similarity (trigram Dice) below this is shared credits, not the same poster. */
export const MIN_TEXT_DICE = 0.35;
/** Spread floor for the z-scores of these mostly-zero channels. */
export const TEXT_CHANNEL_MIN_STD = 0.1;
/** Titles looked up per line or run of lines of the upload. */
const TITLES_PER_TEXT = 8;
/** Posters whose printed text is compared with the upload's. */
const PRINTED_CANDIDATES = 40;
/** Lines of the upload (the largest) whose words shortlist those posters. */
const PROMINENT_LINES = 8;

export interface IdentityEvidence {
  key: number;
  score: number;
  /** 'title' when the lines spell the title, 'text' when they match the poster's own text. */
  by: 'title' | 'text';
  text: string;
}

/** Trigram Dice similarity of two squashed texts. */
function dice(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const g of a) if (b.has(g)) shared++;
  return a.size + b.size ? (2 * shared) / (a.size + b.size) : 0;
}

/**
 * Identity of the query poster per catalog key (movie keys for titles, poster keys for printed
 * text), from title matches and poster-text similarity, read of reader version `ocrVersion`.
 */
export async function identityEvidence(lines: TextLine[], store: StoreParts, ocrVersion: string): Promise<Map<number, IdentityEvidence>> {
  const out = new Map<number, IdentityEvidence>();
  if (!lines.length) return out;
  const ordered = [...lines].sort((a, b) => a.order - b.order);
  // Posters sharing the upload's most prominent words are the candidates for the same poster text (its largest lines: credits are shared by many).
  const prominent = [...ordered].sort((a, b) => b.size - a.size || a.order - b.order).slice(0, PROMINENT_LINES).map((l) => l.text).join(' ');
  const [titles, printed] = await Promise.all([store.lexical.titlesInText(titleQueries(ordered), TITLES_PER_TEXT), store.lexical.printedCandidates(prominent, ocrVersion, PRINTED_CANDIDATES)]);
  const movies = await store.movies.byKeys(titles.map((t) => t.key));
  for (const m of matchTitles(ordered, titles.map((t) => ({ key: t.key, title: t.title, extra: movies.get(t.key)?.extra })), 50, MIN_TITLE_SCORE))
    out.set(m.key, { key: m.key, score: m.score, by: 'title', text: m.text });
  const text = squash(ordered.map((l) => l.text).join(''));
  if (text.length < 4) return out;
  const grams = trigrams(text);
  for (const c of printed) {
    const d = dice(grams, trigrams(squash(c.lines.join(''))));
    if (d >= MIN_TEXT_DICE && d > (out.get(c.key)?.score ?? 0)) out.set(c.key, { key: c.key, score: d, by: 'text', text: '' });
  }
  return out;
}

export function identityChannel(weight: number, evidence: Map<number, IdentityEvidence>, allKeys: number[]): QueryChannel {
  const score = (key: number): number => evidence.get(key)?.score ?? 0;
  return {
    name: 'identity',
    level: 'movie',
    weight,
    needsKeys: true,
    minStd: TEXT_CHANNEL_MIN_STD,
    retrieve: async (k, scope) =>
      [...evidence.values()]
        .filter((e) => (!scope.allow || scope.allow.has(e.key)) && !scope.exclude.has(e.key))
        .sort((a, b) => b.score - a.score || a.key - b.key)
        .slice(0, k)
        .map((e) => ({ key: e.key, score: e.score })),
    scores: async (keys) => Float32Array.from(keys, score),
    reference: async () => Float32Array.from(referenceSample(allKeys), score),
  };
}

/** Posters whose text is laid out like the query's (typography-scorer.ts). */
export function typographyChannel(weight: number, query: Float32Array, scorer: TypographyScorer): QueryChannel {
  return {
    name: 'typography',
    level: 'poster',
    weight,
    needsKeys: true,
    retrieve: async (k, scope) => scorer.search(query, k, scope.allow, scope.exclude),
    scores: async (keys) => scorer.scores(query, keys),
    reference: async () => scorer.scores(query, referenceSample(scorer.keys)),
  };
}
