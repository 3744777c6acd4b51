/** How a query is scored against a poster's printed text (squashed: PP-OCRv4 drops spaces). */
import { describe, expect, it } from 'vitest';
import { squashText } from '../store/lexical.js';
import { MIN_PRINTED_SCORE, printedScore } from './text-retrieval.js';

const printed = (...lines: string[]) => squashText(lines.join(''));

describe('printed text score', () => {
  it('finds a tagline printed without spaces', () => {
    expect(printedScore('in space no one can hear you scream', printed('INSPACENOONE', 'CANHEARYOUSCREAM', 'ALIEN'))).toBe(1);
  });

  it('matches scattered credit words and tolerates a misread letter in a long word', () => {
    const jaws = printed('A STEVEN SPIELBERG FILM', 'JAWS', 'music by John Williams');
    expect(printedScore('spielbreg williams', jaws)).toBeGreaterThanOrEqual(MIN_PRINTED_SCORE);
  });

  it('gives a query half of whose words are printed less than the bar', () => {
    expect(printedScore('in space no one can hear you scream', printed('OUTER SPACE', 'IT CAME FROM'))).toBeLessThan(MIN_PRINTED_SCORE);
  });

  it('does not let one short word in a credit carry a description ("Lyle Lovett" for "love")', () => {
    expect(printedScore('a lonely robot falls in love', printed('TIM ROBBINS', 'LYLE LOVETT', 'SHORT CUTS'))).toBeLessThan(MIN_PRINTED_SCORE);
  });
});
