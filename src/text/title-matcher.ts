/**
 * Which catalog film's title a poster's text spells. The poster's words in reading order (and
 * pairs of its six largest lines: a title split around a credit, "FOREIGN / … / CORRESPONDENT")
 * are matched against every printed form of a title (title-variants.ts) as whole words:
 *
 * - a title matches a run of whole words of the text, which may run over lines ("SUDDEN" /
 *   "DEATH") and may have lost its spaces ("INSPACENOONE"), but a space the text does have must
 *   fall between two words of the title: "ALIEN R-" holds the word "alien", never "aliens";
 * - edits allowed grow with the title's length (none up to four letters, one per five letters):
 *   "LOATAING" is "loathing", "FEAR" is not "bear";
 * - numbers must agree exactly (roman numerals read as numbers): "SCREAM" is not "Scream 2", and a
 *   title followed on the poster by a number it lacks is a sequel ("HALLOWEEN II" is not
 *   "Halloween"); a short form that drops a numbered subtitle counts for less.
 *
 * A match inside a longer line (titles of 5+ letters only) is discounted by how much other text
 * the line holds; bigger letters weigh more: a match in the poster's largest text keeps its full
 * score, one in the smallest keeps 60 % of it. (Issue 26: fragment matches named the wrong film;
 * whole-word matching took the demo's wrongly-named share of absent films from … — see
 * docs/search-relevance.md.)
 *
 * `matchTitles` scores given candidate films (the serving path gets them from the store's title
 * index); `TitleMatcher` shortlists in process, for benchmarks and tests.
 */
import { containment, levenshteinWithin } from './fuzzy.js';
import { squash } from './normalize.js';
import { isMarker, matchWords, titleVariantWords, type TitleVariant } from './title-variants.js';
import { TrigramIndex } from './trigrams.js';
import type { TextLine } from './types.js';

export interface TitledMovie {
  key: number;
  title: string;
  extra?: Record<string, unknown>;
}

export interface TitleMatch {
  key: number;
  /** 0–1: similarity of the best run of words to the best title form, weighted by letter size. */
  score: number;
  /** The OCR text that matched. */
  text: string;
}

const MIN_CONTAINED_LENGTH = 5;
/** A title inside a longer line keeps the share of the line's letters it spells, at least this much. */
const MIN_CONTAINED_SHARE = 0.3;
/** Of two equal matches the longer title wins (it explains more of the text: "Love and Death on Long Island"). */
const LENGTH_BONUS = 0.02;
/** Weight of a match on a title of one or two letters, rising to 1 at ten letters. */
const SHORT_TITLE_WEIGHT = 0.85;
const SMALLEST_TEXT_WEIGHT = 0.6;
/**
 * A short form leaving out a subtitle ("Halloween" for "Halloween: The Curse of Michael Myers"):
 * nearly full weight when the subtitle is printed elsewhere on the poster, little when it is not
 * (a sequel needs its subtitle: "HALLOWEEN" is first of all the first film's title).
 */
const DROPPED_SUBTITLE_PRINTED = 0.95;
const DROPPED_SUBTITLE_MISSING = 0.6;
/** The dropped subtitle counts as printed from this containment in the poster's text on. */
const SUBTITLE_PRINTED = 0.75;
/** Runs longer than this many letters are never a title. */
const MAX_RUN_LETTERS = 80;

/** Edits a title of this many letters may carry: none up to four letters, one up to seven, then 30 % (OCR of a long title often misreads several letters). */
export function editBudget(letters: number): number {
  return letters <= 4 ? 0 : letters <= 7 ? 1 : Math.round(letters * 0.3);
}
/** A title whose number the poster does not show (it may be printed apart, or misread): weak evidence. */
const MISSING_NUMBER = 0.7;
/** A number on the next line names a sequel only when printed at least this large relative to the title. */
const SEQUEL_NUMBER_SIZE = 0.5;
/** A space the text has inside a title word is an OCR split when both sides have at least this many letters ("SHOW / GIRLS"). */
const MIN_SPLIT_PART = 3;

interface TextWord {
  word: string;
  /** Index of its line in reading order. */
  line: number;
  /** Index of the word in the poster's words in reading order. */
  at: number;
}

/** A run of consecutive words of one word sequence. */
interface Run {
  text: string;
  /** Positions in `text` where a word of the text ends inside the run. */
  breaks: number[];
  /** Numbers printed from the run's first word to its last, in reading order. */
  markers: string;
  /** The word after the run in its sequence when it may continue the title ('' at the end or when printed small on another line). */
  next: string;
  /** Letters of each text word of the run. */
  wordLetters: number[];
  lines: number[];
  /** Whether the run starts and ends at line ends (else it sits inside longer text). */
  whole: boolean;
}

interface PreparedText {
  lines: TextLine[];
  /** Runs by letter count. */
  runs: Map<number, Run[]>;
  /** All the poster's words joined, in reading order. */
  all: string;
  lineLetters: number[];
  largest: number;
}

function sequences(lines: TextLine[], lineWords: string[][]): TextWord[][] {
  const all: TextWord[] = [];
  lineWords.forEach((ws, line) => ws.forEach((word) => all.push({ word, line, at: all.length })));
  const wordsOf = (line: number) => all.filter((w) => w.line === line);
  const out = [all];
  const largest = lines
    .map((l, i) => ({ i, size: l.size }))
    .sort((a, b) => b.size - a.size || a.i - b.i)
    .slice(0, 6)
    .map((l) => l.i)
    .sort((a, b) => a - b);
  for (let a = 0; a < largest.length; a++)
    for (let b = a + 1; b < largest.length; b++) {
      if (largest[b]! === largest[a]! + 1) continue; // already consecutive in the reading order
      out.push([...wordsOf(largest[a]!), ...wordsOf(largest[b]!)]);
    }
  return out;
}

/** The poster's runs of words, indexed by length, for matching many titles against one reading. */
export function prepareText(input: TextLine[]): PreparedText {
  const lines = [...input].sort((a, b) => a.order - b.order);
  const lineWords = lines.map((l) => matchWords(l.text));
  const runs = new Map<number, Run[]>();
  const seen = new Set<string>();
  const seqs = sequences(lines, lineWords);
  const all = seqs[0]!;
  for (const seq of seqs) {
    for (let i = 0; i < seq.length; i++) {
      let text = '';
      const breaks: number[] = [];
      for (let j = i; j < seq.length; j++) {
        if (j > i) breaks.push(text.length);
        text += seq[j]!.word;
        if (text.length > MAX_RUN_LETTERS) break;
        const first = seq[i]!;
        const last = seq[j]!;
        const lineSpan = [...new Set(seq.slice(i, j + 1).map((w) => w.line))];
        const whole = (i === 0 || seq[i - 1]!.line !== first.line) && (j === seq.length - 1 || seq[j + 1]!.line !== last.line);
        const id = `${text}|${breaks.join(',')}|${lineSpan.join(',')}`;
        if (seen.has(id)) continue;
        seen.add(id);
        // What follows the run on the poster (in reading order, also when the run joins two lines apart): a sequel's number.
        const after = all[last.at + 1];
        const size = Math.max(...lineSpan.map((l) => lines[l]!.size));
        const next = after && (after.line === last.line || lines[after.line]!.size >= SEQUEL_NUMBER_SIZE * size) ? after.word : '';
        const wordLetters = seq.slice(i, j + 1).map((w) => w.word.length);
        // Numbers printed anywhere between the run's first and last word count as the run's (a pair of lines apart must not skip "5").
        const spanned = all.slice(first.at, last.at + 1).filter((w) => isMarker(w.word)).map((w) => `${w.word} `).join('');
        const run: Run = { text, breaks: [...breaks], markers: spanned, next, wordLetters, lines: lineSpan, whole };
        let list = runs.get(text.length);
        if (!list) runs.set(text.length, (list = []));
        list.push(run);
      }
    }
  }
  return { lines, runs, all: lineWords.flat().join(''), lineLetters: lineWords.map((ws) => ws.join('').length), largest: Math.max(0, ...lines.map((l) => l.size)) || 1 };
}

/** Positions where the variant's words meet. */
function wordBreaks(words: string[]): number[] {
  const out: number[] = [];
  let at = 0;
  for (const w of words.slice(0, -1)) out.push((at += w.length));
  return out;
}

/** Score of one title form against the poster's runs (0: no match) and the run it matched. */
function scoreVariant(v: TitleVariant, text: PreparedText): { score: number; run?: Run } {
  const target = v.words.join('');
  const letters = target.length;
  const budget = editBudget(letters);
  const markers = v.words.filter(isMarker).map((w) => `${w} `).join('');
  const breaks = wordBreaks(v.words);
  // A short form whose dropped subtitle is not printed anywhere on the poster is weak evidence.
  const dropFactor = v.dropped.length === 0 ? 1 : containment(v.dropped.join(''), text.all) >= SUBTITLE_PRINTED ? DROPPED_SUBTITLE_PRINTED : DROPPED_SUBTITLE_MISSING;
  let best = 0;
  let bestRun: Run | undefined;
  for (let len = letters - budget; len <= letters + budget; len++) {
    for (const run of text.runs.get(len) ?? []) {
      // Numbers agree, or the poster shows none where the title has one (counted for less).
      const missingNumber = run.markers === '' && markers !== '';
      if (run.markers !== markers && !missingNumber) continue;
      // A number right after the title names a sequel the title is not.
      if (isMarker(run.next) && !markers.includes(`${run.next} `)) continue;
      if (!run.whole && letters < MIN_CONTAINED_LENGTH) continue;
      // A title among other words of its line must be spelt more cleanly than one standing alone ("ALIEN R-" is not "Aliens").
      const allowed = run.whole ? budget : Math.max(0, budget - 1);
      const d = levenshteinWithin(run.text, target, allowed);
      if (d > allowed) continue;
      // Every space the text has falls between two words of the title (give or take the edits), or splits a word in two real parts.
      if (!run.breaks.every((p, i) => breaks.some((q) => Math.abs(p - q) <= d) || Math.min(run.wordLetters[i]!, run.wordLetters[i + 1]!) >= MIN_SPLIT_PART)) continue;
      let s = 1 - d / Math.max(letters, run.text.length);
      if (!run.whole) {
        const around = run.lines.reduce((sum, l) => sum + text.lineLetters[l]!, 0);
        // The other words of the line are printed as large as the title: the line is more likely a longer title ("THE PHILADELPHIA STORY" is not Philadelphia).
        s *= Math.max(MIN_CONTAINED_SHARE, Math.min(1, letters / Math.max(1, around)));
      }
      const size = Math.max(...run.lines.map((l) => text.lines[l]!.size));
      const weight = SMALLEST_TEXT_WEIGHT + (1 - SMALLEST_TEXT_WEIGHT) * Math.min(1, size / text.largest);
      // Short titles are weaker evidence: a lone "FEAR" or "EDDIE" is as likely a word or a name.
      const specific = SHORT_TITLE_WEIGHT + (1 - SHORT_TITLE_WEIGHT) * Math.min(1, letters / 10);
      const score = Math.min(1, s * weight * specific * dropFactor * (missingNumber ? MISSING_NUMBER : 1) + LENGTH_BONUS * Math.min(1, letters / 30));
      if (score > best) (best = score), (bestRun = run);
    }
  }
  return { score: best, run: bestRun };
}

function runText(run: Run, text: PreparedText): string {
  return run.lines.map((l) => text.lines[l]!.text).join(' ');
}

/** How well the poster's text spells each of these films' titles, best first (at most `limit`, scores above `minScore`). */
export function matchTitles(lines: TextLine[], movies: Iterable<TitledMovie>, limit = 20, minScore = 0.3): TitleMatch[] {
  if (lines.length === 0) return [];
  const text = prepareText(lines);
  const out: TitleMatch[] = [];
  for (const m of movies) {
    let best: { score: number; run?: Run } = { score: 0 };
    for (const v of titleVariantWords(m.title, m.extra)) {
      const s = scoreVariant(v, text);
      if (s.score > best.score) best = s;
    }
    if (best.run && best.score > minScore) out.push({ key: m.key, score: best.score, text: runText(best.run, text) });
  }
  return out.sort((a, b) => b.score - a.score || a.key - b.key).slice(0, limit);
}

/**
 * What to look a poster's titles up by in a title index: each line and each run of two or three
 * consecutive lines (as printed, the index normalises), the largest text first, at most `limit`.
 */
export function titleQueries(input: TextLine[], limit = 48): string[] {
  const lines = [...input].sort((a, b) => a.order - b.order);
  const out: { text: string; size: number }[] = [];
  for (let i = 0; i < lines.length; i++)
    for (let n = 1; n <= 3 && i + n <= lines.length; n++) {
      const run = lines.slice(i, i + n);
      const text = run.map((l) => l.text).join(' ');
      if (squash(text).length >= 2) out.push({ text, size: Math.max(...run.map((l) => l.size)) - (n - 1) * 1e-6 });
    }
  const seen = new Set<string>();
  return out
    .sort((a, b) => b.size - a.size)
    .map((c) => c.text)
    .filter((t) => !seen.has(t) && seen.add(t))
    .slice(0, limit);
}

/** Title matching over a whole catalog in process (benchmarks, tests): a trigram shortlist, then matchTitles. */
export class TitleMatcher {
  private readonly index = new TrigramIndex<number>();
  private readonly movies: TitledMovie[] = [];

  constructor(movies: Iterable<TitledMovie>) {
    for (const m of movies) {
      const i = this.movies.push(m) - 1;
      this.index.add(i, squash(m.title) + titleVariantWords(m.title, m.extra).map((v) => `|${v.words.join('')}`).join(''));
    }
  }

  /** Best title matches of a poster's lines, best first (at most `limit`, scores above `minScore`). */
  match(lines: TextLine[], limit = 20, minScore = 0.3): TitleMatch[] {
    const shortlist = new Set<number>();
    for (const q of titleQueries(lines, 200)) for (const i of this.index.candidates(squash(q), 0.3).keys()) shortlist.add(i);
    return matchTitles(lines, [...shortlist].map((i) => this.movies[i]!), limit, minScore);
  }
}
