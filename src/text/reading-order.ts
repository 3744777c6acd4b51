/**
 * Reading order of detected lines: rows top to bottom, left to right within a row. Two lines share a
 * row when their vertical centres are closer than half the smaller line's height (a credit block
 * set in columns reads across, as people read it).
 */
import type { TextLine } from './types.js';

type Unordered = Omit<TextLine, 'order'>;

const centreY = (l: Unordered): number => l.box.reduce((s, p) => s + p[1], 0) / l.box.length;
const left = (l: Unordered): number => Math.min(...l.box.map((p) => p[0]));

/** Ties broken by position, size and text, so the order never depends on the order lines came in (a reading made in two steps). */
const byPlace = (a: Unordered, b: Unordered): number => left(a) - left(b) || a.size - b.size || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);

export function readingOrder(lines: Unordered[]): TextLine[] {
  const sorted = [...lines].sort((a, b) => centreY(a) - centreY(b) || byPlace(a, b));
  const rows: Unordered[][] = [];
  for (const line of sorted) {
    const row = rows.at(-1);
    const anchor = row?.[0];
    if (row && anchor && Math.abs(centreY(line) - centreY(anchor)) < 0.5 * Math.min(line.size, anchor.size)) row.push(line);
    else rows.push([line]);
  }
  return rows.flatMap((row) => row.sort((a, b) => byPlace(a, b) || centreY(a) - centreY(b))).map((l, order) => ({ ...l, order }));
}
