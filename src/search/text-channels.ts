/**
 * Query channels from printed text (OCR): `identity` scores how surely an uploaded poster is a catalog film's poster, from
 * its text alone: its lines spelling the film's title (TitleMatcher), or its text matching that
 * film's poster text (a copy, a crop, another print). Most posters score 0 on both, so their
 * z-scores use a floor on the spread (minStd): a lone weak match must not look like a miracle.
 */
import type { PrintedTextIndex } from '../text/printed-text-index.js';
import type { TitleMatcher } from '../text/title-matcher.js';
import type { TextLine } from '../text/types.js';
import type { TypographyScorer } from './typography-scorer.js';
import { referenceSample } from './fusion.js';
import type { QueryChannel } from './query-channel.js';

/** Title matches below this are noise (a name, a word of a tagline). */
export const MIN_TITLE_SCORE = 0.5;
/** Poster-text similarity (trigram Dice) below this is shared credits, not the same poster. */
export const MIN_TEXT_DICE = 0.35;
/** Spread floor for the z-scores of these mostly-zero channels. */
export const TEXT_CHANNEL_MIN_STD = 0.1;

export interface IdentityEvidence {
  key: number;
  score: number;
  /** 'title' when the lines spell the title, 'text' when they match the poster's own text. */
  by: 'title' | 'text';
  text: string;
}

/** Identity of the query poster per catalog key, from title matches and poster-text similarity. */
export function identityEvidence(lines: TextLine[], titles: TitleMatcher, printed: PrintedTextIndex): Map<number, IdentityEvidence> {
  const out = new Map<number, IdentityEvidence>();
  for (const m of titles.match(lines, 50, MIN_TITLE_SCORE)) out.set(m.key, { key: m.key, score: m.score, by: 'title', text: m.text });
  for (const [key, dice] of printed.similarTo(lines)) {
    if (dice < MIN_TEXT_DICE) continue;
    if (dice > (out.get(key)?.score ?? 0)) out.set(key, { key, score: dice, by: 'text', text: '' });
  }
  return out;
}

export function identityChannel(weight: number, evidence: Map<number, IdentityEvidence>, allKeys: number[]): QueryChannel {
  const score = (key: number): number => evidence.get(key)?.score ?? 0;
  return {
    name: 'identity',
    weight,
    needsKeys: true,
    minStd: TEXT_CHANNEL_MIN_STD,
    search: async (k, only, exclude) =>
      [...evidence.values()]
        .filter((e) => (!only.allow || only.allow.has(e.key)) && !exclude.has(e.key))
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
    weight,
    needsKeys: true,
    search: async (k, only, exclude) => scorer.search(query, k, only.allow, exclude),
    scores: async (keys) => scorer.scores(query, keys),
    reference: async () => scorer.scores(query, referenceSample(scorer.keys)),
  };
}
