/**
 * Edit distances for matching OCR output: whole-string Levenshtein and the semi-global variant
 * (the cheapest way to turn `needle` into some substring of `hay`), both O(|a|·|b|) with one row.
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
