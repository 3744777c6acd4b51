/**
 * Which catalog film's title a poster's text spells: every line of OCR, and runs of two and three
 * consecutive lines (titles are often set over several lines: "SUDDEN" / "DEATH"), are compared
 * with every title variant (title-variants.ts) shortlisted by shared trigrams. A line matches a
 * title by whole-string similarity, or (titles of 5+ letters) by containing it, discounted by how
 * much other text the line holds. Bigger letters weigh more: a match in
 * the poster's largest text keeps its full score, one in the smallest text keeps 60 % of it.
 */
import { containment, similarity } from './fuzzy.js';
import { squash } from './normalize.js';
import { titleVariants } from './title-variants.js';
import { TrigramIndex } from './trigrams.js';
import type { TextLine } from './types.js';

export interface TitledMovie {
  key: number;
  title: string;
  extra?: Record<string, unknown>;
}

export interface TitleMatch {
  key: number;
  /** 0–1: similarity of the best line to the best title variant, weighted by letter size. */
  score: number;
  /** The OCR text that matched. */
  text: string;
}

/** Shortlist: title variants sharing at least this share of a line's trigrams. */
const MIN_TRIGRAM_SHARE = 0.3;
const MIN_CONTAINED_LENGTH = 5;
/** Of two equal matches the longer title wins (it explains more of the text: "Love and Death on Long Island"). */
const LENGTH_BONUS = 0.02;
/** Weight of a match on a title of one or two letters, rising to 1 at ten letters. */
const SHORT_TITLE_WEIGHT = 0.85;
const SMALLEST_TEXT_WEIGHT = 0.6;

interface Candidate {
  squashed: string;
  text: string;
  size: number;
}

const candidate = (run: TextLine[]): Candidate => ({ squashed: run.map((l) => squash(l.text)).join(''), text: run.map((l) => l.text).join(' '), size: Math.max(...run.map((l) => l.size)) });

/**
 * Lines, runs of up to four consecutive lines in reading order ("PLAN9 / FROM / OUTER / SPACE"),
 * and pairs of the six largest lines (a title split around a credit: "FOREIGN / … / CORRESPONDENT").
 */
export function lineCandidates(lines: TextLine[]): Candidate[] {
  const sorted = [...lines].sort((a, b) => a.order - b.order);
  const out: Candidate[] = [];
  for (let i = 0; i < sorted.length; i++) for (let n = 1; n <= 4 && i + n <= sorted.length; n++) out.push(candidate(sorted.slice(i, i + n)));
  const largest = [...sorted].sort((a, b) => b.size - a.size).slice(0, 6).sort((a, b) => a.order - b.order);
  for (let i = 0; i < largest.length; i++) for (let j = i + 2; j < largest.length; j++) out.push(candidate([largest[i]!, largest[j]!]));
  return out.filter((c) => c.squashed.length >= 2);
}

export class TitleMatcher {
  private readonly index = new TrigramIndex<number>();
  /** Variant number → [movie key, squashed variant]. */
  private readonly variants: [number, string][] = [];

  constructor(movies: Iterable<TitledMovie>) {
    for (const m of movies)
      for (const v of titleVariants(m.title, m.extra)) {
        this.index.add(this.variants.length, v);
        this.variants.push([m.key, v]);
      }
  }

  /** Best title matches of a poster's lines, best first (at most `limit`, scores above `minScore`). */
  match(lines: TextLine[], limit = 20, minScore = 0.3): TitleMatch[] {
    if (lines.length === 0) return [];
    const largest = Math.max(...lines.map((l) => l.size)) || 1;
    const best = new Map<number, TitleMatch>();
    for (const c of lineCandidates(lines)) {
      const weight = SMALLEST_TEXT_WEIGHT + (1 - SMALLEST_TEXT_WEIGHT) * Math.min(1, c.size / largest);
      for (const v of this.index.candidates(c.squashed, MIN_TRIGRAM_SHARE).keys()) {
        const [key, variant] = this.variants[v]!;
        let s = similarity(c.squashed, variant);
        // A title inside a longer line counts for less the more other text there is ("MICHAEL" in a cast line).
        if (variant.length >= MIN_CONTAINED_LENGTH && c.squashed.length > variant.length) s = Math.max(s, (0.6 + 0.4 * (variant.length / c.squashed.length)) * containment(variant, c.squashed));
        // Short titles are weaker evidence: a lone "FEAR" or "EDDIE" is as likely a word or a name.
        const specific = SHORT_TITLE_WEIGHT + (1 - SHORT_TITLE_WEIGHT) * Math.min(1, variant.length / 10);
        const score = Math.min(1, s * weight * specific + LENGTH_BONUS * Math.min(1, variant.length / 30));
        if (score > (best.get(key)?.score ?? minScore)) best.set(key, { key, score, text: c.text });
      }
    }
    return [...best.values()].sort((a, b) => b.score - a.score || a.key - b.key).slice(0, limit);
  }
}
