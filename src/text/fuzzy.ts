/**
 * Edit distances for matching OCR output: whole-string Levenshtein and the semi-global variant
 * (the cheapest way to turn `needle` into some substring of `hay`), both O(|a|·|b|) with one row,
 * and `needleOf`: a needle compiled once and matched against many hays with a cap on the distance
 * (Myers' bit-parallel algorithm, O(|hay|·⌈|needle|/32⌉)). Scoring a query's printed words against 200 posters' text with the plain
 * programme took 181 ms p50 for an overview-long query (demo library, 2026-12-06): most of a text query.
 */

/**
 * One-row dynamic programme over `a` × `b`. `anywhere`: a free start and end in `b` (the
 * cheapest way to turn `a` into some substring of `b`), else whole-string Levenshtein.
 */
function editDistance(a: string, b: string, anywhere: boolean): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => (anywhere ? 0 : j));
  let cur = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1]! + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1);
      cur[j] = Math.min(sub, prev[j]! + 1, cur[j - 1]! + 1);
    }
    [prev, cur] = [cur, prev];
  }
  return anywhere ? Math.min(a.length, ...prev) : prev[b.length]!;
}

export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  return editDistance(a, b, false);
}

/** 1 − distance / longer length: 1 for equal strings, 0 for nothing in common. */
export function similarity(a: string, b: string): number {
  const n = Math.max(a.length, b.length);
  return n === 0 ? 1 : 1 - levenshtein(a, b) / n;
}

/** Fewest edits turning `needle` into a substring of `hay` (a free start and end in `hay`). */
export function substringDistance(needle: string, hay: string): number {
  return needle.length ? editDistance(needle, hay, true) : 0;
}

/** 1 − substringDistance / |needle|: how well the needle occurs somewhere in the hay. */
export function containment(needle: string, hay: string): number {
  return needle.length ? Math.max(0, 1 - substringDistance(needle, hay) / needle.length) : 0;
}

/** A needle compiled once for matching against many hays. */
export interface Needle {
  readonly text: string;
  /** substringDistance(text, hay) when it is at most `max`, else max + 1. */
  distanceWithin(hay: string, max: number): number;
  /** containment(text, hay) when it is at least `min`, else some value below `min` (0). */
  containmentAtLeast(hay: string, min: number): number;
}

/** Rows of the programme per bit-parallel block (one 32-bit word). */
const WORD_BITS = 32;

export function needleOf(text: string): Needle {
  const m = text.length;
  const missingLetters = letterDeficit(text);
  const distanceWithin = m === 0 ? () => 0 : bitParallel(text);
  return {
    text,
    distanceWithin,
    containmentAtLeast: (hay, min) => {
      if (!m) return 0;
      const max = Math.floor(m * (1 - min) + 1e-9);
      // An exact occurrence is found natively; an exact one is all a bar of 1 allows.
      if (hay.includes(text)) return 1;
      if (max <= 0 || (m > WORD_BITS && missingLetters(hay) > max)) return 0;
      const d = distanceWithin(hay, max);
      return d > max ? 0 : 1 - d / m;
    },
  };
}

/**
 * A lower bound on the edits turning the needle into any part of a hay: the needle's letters the
 * hay lacks (each costs an edit). It spares the match of a long needle (an overview typed as a
 * query) against posters that cannot hold it.
 */
function letterDeficit(needle: string): (hay: string) => number {
  const slot = new Map<number, number>();
  const counts: number[] = [];
  for (let i = 0; i < needle.length; i++) {
    const c = needle.charCodeAt(i);
    let at = slot.get(c);
    if (at === undefined) slot.set(c, (at = counts.push(0) - 1));
    counts[at]!++;
  }
  const left = new Int32Array(counts.length);
  const ascii = Int32Array.from({ length: 128 }, (_, c) => slot.get(c) ?? -1);
  return (hay) => {
    left.set(counts);
    for (let j = 0; j < hay.length; j++) {
      const code = hay.charCodeAt(j);
      const at = code < 128 ? ascii[code]! : (slot.get(code) ?? -1);
      if (at >= 0) left[at]!--;
    }
    let missing = 0;
    for (const n of left) if (n > 0) missing += n;
    return missing;
  };
}

/**
 * Myers (1999) in Hyyrö's formulation, searching: the vertical deltas of each column of the
 * programme held as bit vectors, 32 rows per block (bit i of block b: row 32·b + i + 1), each
 * block passing its horizontal delta on to the next; a free start in the hay (row 0 is all zero).
 * Bits above the needle's length in the last block hold garbage that never flows down.
 */
function bitParallel(needle: string): (hay: string, max: number) => number {
  const m = needle.length;
  const blocks = Math.ceil(m / WORD_BITS);
  const peq = new Map<number, Int32Array>();
  for (let i = 0; i < m; i++) {
    const c = needle.charCodeAt(i);
    let eq = peq.get(c);
    if (!eq) peq.set(c, (eq = new Int32Array(blocks)));
    eq[(i / WORD_BITS) | 0]! |= 1 << i % WORD_BITS;
  }
  const none = new Int32Array(blocks);
  // Squashed text is mostly ASCII: its masks by code in an array (a Map lookup per letter was a third of the time).
  const ascii = Array.from({ length: 128 }, (_, c) => peq.get(c) ?? none);
  const lastHigh = 1 << (m - 1) % WORD_BITS;
  const pvs = new Int32Array(blocks), mvs = new Int32Array(blocks);
  return (hay, max) => {
    pvs.fill(-1);
    mvs.fill(0);
    let score = m, best = m;
    for (let j = 0; j < hay.length; j++) {
      const code = hay.charCodeAt(j);
      const eqs = code < 128 ? ascii[code]! : (peq.get(code) ?? none);
      let hin = 0;
      for (let b = 0; b < blocks; b++) {
        const pv = pvs[b]!, mv = mvs[b]!;
        let eq = eqs[b]!;
        const xv = eq | mv;
        if (hin < 0) eq |= 1;
        const xh = ((((eq & pv) + pv) | 0) ^ pv) | eq;
        let ph = mv | ~(xh | pv);
        let mh = pv & xh;
        const high = b === blocks - 1 ? lastHigh : 1 << 31;
        const hout = ph & high ? 1 : mh & high ? -1 : 0;
        ph <<= 1;
        mh <<= 1;
        if (hin < 0) mh |= 1;
        else if (hin > 0) ph |= 1;
        pvs[b] = mh | ~(xv | ph);
        mvs[b] = ph & xv;
        hin = hout;
      }
      score += hin;
      if (score < best) best = score;
    }
    return Math.min(best, max + 1);
  };
}

/** Levenshtein distance when it is at most `max`, else max + 1 (stops once every path costs more). */
export function levenshteinWithin(a: string, b: string, max: number): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1]! + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1);
      cur[j] = Math.min(sub, prev[j]! + 1, cur[j - 1]! + 1);
      if (cur[j]! < rowMin) rowMin = cur[j]!;
    }
    if (rowMin > max) return max + 1;
    [prev, cur] = [cur, prev];
  }
  return Math.min(prev[b.length]!, max + 1);
}
