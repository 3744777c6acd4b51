import { describe, expect, it } from 'vitest';
import { readableLines } from './readable-lines.js';
import type { TextLine } from './types.js';

const line = (text: string, size: number, order: number, confidence = 0.95): TextLine => ({ text, size, order, confidence, box: [[0, 0], [1, 0], [1, 1], [0, 1]] });

describe('readable lines', () => {
  it('keeps confident lines with a word, the largest first chosen, shown in reading order', () => {
    const lines = [line('ALIEN', 0.2, 0), line('sd;k', 0.05, 1), line('IN SPACE NO ONE CAN HEAR YOU SCREAM', 0.04, 2), line('WEAVER', 0.03, 3, 0.5), line('20TH CENTURY FOX', 0.02, 4)];
    expect(readableLines(lines).map((l) => l.text)).toEqual(['ALIEN', 'IN SPACE NO ONE CAN HEAR YOU SCREAM', '20TH CENTURY FOX']);
    expect(readableLines(lines, 2).map((l) => l.text)).toEqual(['ALIEN', 'IN SPACE NO ONE CAN HEAR YOU SCREAM']);
    expect(readableLines([])).toEqual([]);
  });
});
