/**
 * Search over the words printed on posters (OCR readings), in process. A query matches a poster
 * when the whole phrase occurs in its text with few edits ("in space no one can hear you scream"
 * against "INSPACENOONECANHEARYOUSCREAM": PP-OCRv4 drops spaces, so matching ignores them), or
 * when each of its words does (scattered credits: "spielberg williams"). Posters are shortlisted
 * by shared trigrams, then scored by semi-global edit distance.
 *
 * The same index compares a query poster's text with every poster's (trigram Dice), which tells
 * a copy or another print of a catalog poster by its credits and taglines.
 */
import { containment } from './fuzzy.js';
import { squash, words } from './normalize.js';
import { TrigramIndex, trigrams } from './trigrams.js';
import type { TextLine } from './types.js';

export interface PrintedTextHit {
  key: number;
  /** 0–1: how well the query occurs in the poster's text. */
  score: number;
  /** The printed lines that matched, in reading order. */
  matched: string[];
}

/** Scores below this are no match (a 9-letter word with two wrong letters still scores 0.78). */
export const MIN_PRINTED_SCORE = 0.7;
/** Words shorter than this are not searched on their own (articles, "of", "in"). */
const MIN_WORD = 3;
/** Shortlist: posters holding at least this share of the query's trigrams. */
const SHORTLIST_SHARE = 0.45;
/** Matching word by word is worth a little less than the phrase in one piece. */
const WORDS_DISCOUNT = 0.95;

interface PosterEntry {
  text: string;
  lines: { text: string; squashed: string }[];
  grams: Set<string>;
}

export class PrintedTextIndex {
  private readonly posters = new Map<number, PosterEntry>();
  private readonly index = new TrigramIndex<number>();

  constructor(readings: Iterable<{ key: number; lines: TextLine[] }>) {
    for (const r of readings) {
      const lines = [...r.lines].sort((a, b) => a.order - b.order).map((l) => ({ text: l.text, squashed: squash(l.text) }));
      const text = lines.map((l) => l.squashed).join('');
      const entry = { text, lines, grams: trigrams(text) };
      this.posters.set(r.key, entry);
      if (text.length) this.index.add(r.key, text);
    }
  }

  /** Posters that have been read (with or without text). */
  get keys(): number[] {
    return [...this.posters.keys()];
  }

  get size(): number {
    return this.posters.size;
  }

  private score(query: string, queryWords: string[], entry: PosterEntry): number {
    if (!entry.text.length) return 0;
    const phrase = containment(query, entry.text);
    if (queryWords.length < 2) return phrase;
    const perWord = queryWords.reduce((s, w) => s + containment(w, entry.text), 0) / queryWords.length;
    return Math.max(phrase, WORDS_DISCOUNT * perWord);
  }

  private matchedLines(queryWords: string[], query: string, entry: PosterEntry): string[] {
    const needles = queryWords.length ? queryWords : [query];
    return entry.lines.filter((l) => l.squashed.length >= 2 && needles.some((w) => containment(w, l.squashed) >= MIN_PRINTED_SCORE || containment(l.squashed, w) >= 0.9)).map((l) => l.text);
  }

  private parse(q: string): { query: string; queryWords: string[] } {
    const queryWords = [...new Set(words(q).filter((w) => w.length >= MIN_WORD))];
    return { query: squash(q), queryWords };
  }

  search(q: string, k: number, allow?: ReadonlySet<number>, exclude?: ReadonlySet<number>): PrintedTextHit[] {
    const { query, queryWords } = this.parse(q);
    if (query.length < 2) return [];
    // Shortlist on the phrase, and on each word for queries whose words are printed apart.
    const shortlist = new Set(this.index.candidates(query, SHORTLIST_SHARE).keys());
    for (const w of queryWords) for (const key of this.index.candidates(w, SHORTLIST_SHARE).keys()) shortlist.add(key);
    const hits: PrintedTextHit[] = [];
    for (const key of shortlist) {
      if (allow && !allow.has(key)) continue;
      if (exclude?.has(key)) continue;
      const entry = this.posters.get(key)!;
      const score = this.score(query, queryWords, entry);
      if (score >= MIN_PRINTED_SCORE) hits.push({ key, score, matched: [] });
    }
    hits.sort((a, b) => b.score - a.score || a.key - b.key);
    const top = hits.slice(0, k);
    for (const h of top) h.matched = this.matchedLines(queryWords, query, this.posters.get(h.key)!);
    return top;
  }

  /** Scores of these posters (0 for no match, NaN for a poster not read yet). */
  scores(q: string, keys: number[]): Float32Array {
    const { query, queryWords } = this.parse(q);
    return Float32Array.from(keys, (key) => {
      const entry = this.posters.get(key);
      if (!entry) return NaN;
      const s = this.score(query, queryWords, entry);
      return s >= MIN_PRINTED_SCORE ? s : 0;
    });
  }

  /** The printed lines of a poster matching the query (for results). */
  matched(q: string, key: number): string[] {
    const entry = this.posters.get(key);
    if (!entry) return [];
    const { query, queryWords } = this.parse(q);
    return this.matchedLines(queryWords, query, entry);
  }

  /** Trigram Dice similarity of a text (another poster's lines) to each poster with enough overlap. */
  similarTo(lines: TextLine[], minShare = 0.3): Map<number, number> {
    const text = [...lines].sort((a, b) => a.order - b.order).map((l) => squash(l.text)).join('');
    const out = new Map<number, number>();
    if (text.length < 4) return out;
    const grams = trigrams(text);
    for (const [key, shared] of this.index.candidates(text, minShare)) {
      const entry = this.posters.get(key)!;
      out.set(key, (2 * shared) / (grams.size + entry.grams.size));
    }
    return out;
  }
}
