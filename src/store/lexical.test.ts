/** The engine-independent parts of lexical search: which pieces printed text is looked up by. */
import { describe, expect, it } from 'vitest';
import { printedPieces, printedTerms, wordPieces } from './lexical.js';

describe('printed-text lookup pieces', () => {
  it('cuts words into overlapping pieces, a short word whole, nothing under 3 letters', () => {
    expect(wordPieces(['spielberg', 'jaws', 'ok'], 4)).toEqual(['spie', 'piel', 'ielb', 'elbe', 'lber', 'berg', 'jaws']);
    expect(wordPieces(['alien', 'alien'], 3)).toEqual(['ali', 'lie', 'ien']);
  });

  it('looks a short query up by trigrams (a misread letter keeps most of them) and a longer one by 4-letter pieces', () => {
    const title = printedTerms('jurasic park');
    expect(printedPieces(title)).toEqual(wordPieces(title, 3));
    const tagline = printedTerms('an adventure 65 million years in the making');
    expect(printedPieces(tagline)).toEqual(wordPieces(tagline, 4));
    expect(printedPieces(tagline).every((p) => p.length === 4 || tagline.includes(p))).toBe(true);
  });
});
