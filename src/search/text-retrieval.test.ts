/** How a query is scored against a poster's printed text (squashed: PP-OCRv4 drops spaces). */
import { describe, expect, it } from 'vitest';
import { printedTerms, squashText } from '../store/lexical.js';
import { MIN_PRINTED_SCORE, printedScore } from './text-retrieval.js';
import { printedLookup, printedQuery } from './text-retrievers.js';

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

describe('printed text: scoring against a bar, and the words looked up', () => {
  const poster = printed('A STEVEN SPIELBERG FILM', 'JAWS', 'music by John Williams', 'YOULLNEVERGOINTHEWATERAGAIN');
  const queries = ['spielbreg williams', 'youll never go in the water again', 'a shark terrorises a beach town', 'jaws', 'john williams music'];

  it('gives the exact score from the bar up, and less than the bar below it', () => {
    for (const q of queries)
      for (const bar of [0, 0.5, 0.9]) {
        const exact = printedScore(q, poster);
        const got = printedQuery(q).score(poster, bar);
        if (exact >= bar) expect(got, `${q} @ ${bar}`).toBeCloseTo(exact, 12);
        else expect(got, `${q} @ ${bar}`).toBeLessThan(bar);
      }
  });

  it('looks a short query up by all its words, a long one by its longest words holding over half its letters', () => {
    expect(printedLookup('in space no one can hear you scream')).toBe('in space no one can hear you scream');
    const overview = 'When siblings Judy and Peter discover an enchanted board game that opens the door to a magical world, they unwittingly invite Alan into their living room';
    const words = printedLookup(overview).split(' ');
    const letters = (ws: string[]) => ws.reduce((s, w) => s + w.length, 0);
    const all = printedTerms(overview);
    expect(letters(words)).toBeGreaterThan(0.5 * letters(all));
    expect(words.length).toBeLessThan(all.length);
    const shortest = Math.min(...words.map((w) => w.length));
    expect(all.filter((w) => !words.includes(w)).every((w) => w.length <= shortest)).toBe(true);
  });
});
