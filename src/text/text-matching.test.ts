/** Geometry, CTC decoding and the fuzzy matching of titles and printed text, on hand-made inputs. */
import { describe, expect, it } from 'vitest';
import { ctcDecode } from './ctc.js';
import { containment, levenshtein, similarity } from './fuzzy.js';
import { minAreaRect, rectCorners } from './geometry.js';
import { squash } from './normalize.js';
import { textRegions } from './text-regions.js';
import { titleVariants } from './title-variants.js';
import { TitleMatcher } from './title-matcher.js';
import type { TextLine } from './types.js';

const line = (text: string, order: number, size = 0.03): TextLine => ({ text, confidence: 0.9, box: [[0, 0], [1, 0], [1, 0.1], [0, 0.1]], size, order });

describe('geometry', () => {
  it('fits the smallest rotated rectangle around a tilted bar', () => {
    const pts = [];
    const a = Math.PI / 6;
    for (let u = 0; u <= 40; u++) for (let v = 0; v <= 10; v++) pts.push({ x: 100 + u * Math.cos(a) - v * Math.sin(a), y: 50 + u * Math.sin(a) + v * Math.cos(a) });
    const r = minAreaRect(pts);
    expect(Math.max(r.width, r.height)).toBeCloseTo(40, 5);
    expect(Math.min(r.width, r.height)).toBeCloseTo(10, 5);
    const [tl, tr, br, bl] = rectCorners(r);
    expect(tl.x).toBeLessThan(tr.x);
    expect(bl.y).toBeGreaterThan(tl.y);
    expect(br.x).toBeGreaterThan(bl.x);
  });

  it('finds one region per text blob of a probability map, grown back out', () => {
    const w = 64, h = 32;
    const prob = new Float32Array(w * h);
    for (let y = 10; y < 16; y++) for (let x = 5; x < 40; x++) prob[y * w + x] = 0.9;
    for (let y = 25; y < 27; y++) for (let x = 50; x < 52; x++) prob[y * w + x] = 0.9; // speck: too small
    const regions = textRegions(prob, w, h, { binaryThreshold: 0.3, boxThreshold: 0.5, unclipRatio: 1.5, minSide: 3, maxRegions: 10 });
    expect(regions).toHaveLength(1);
    const xs = regions[0]!.quad.map((p) => p.x);
    const ys = regions[0]!.quad.map((p) => p.y);
    expect(Math.min(...xs)).toBeLessThan(5);
    expect(Math.max(...xs)).toBeGreaterThan(40);
    expect(Math.min(...ys)).toBeLessThan(10);
    expect(Math.max(...ys)).toBeGreaterThan(16);
  });
});

describe('CTC decoding', () => {
  it('merges repeats, drops blanks, maps the class after the dictionary to a space', () => {
    const dict = ['a', 'b'];
    const classes = 4; // blank, a, b, space
    const steps = [1, 1, 0, 1, 3, 2, 2];
    const probs = new Float32Array(steps.length * classes);
    steps.forEach((c, t) => (probs[t * classes + c] = 0.8));
    const d = ctcDecode(probs, 0, steps.length, classes, dict);
    expect(d.text).toBe('aa b');
    expect(d.confidence).toBeCloseTo(0.8, 5);
  });
});

describe('fuzzy matching', () => {
  it('measures edits, whole and within a longer text', () => {
    expect(levenshtein('kingpin', 'kngpn')).toBe(2);
    expect(similarity('goldeneye', 'goldeneye')).toBe(1);
    expect(containment('hearyouscream', 'inspacenoonecanhearyouscream')).toBe(1);
    expect(containment('spielberg', 'astevenspie1bergfilm')).toBeCloseTo(1 - 1 / 9, 5);
  });

  it('squashes accents, case, punctuation and spaces', () => {
    expect(squash('Amélie — The FABULOUS  Destiny & co.')).toBe('ameliethefabulousdestinyandco');
  });

  it('knows the ways a title is printed', () => {
    expect(titleVariants('The Blue Angel (Blaue Engel, Der)')).toEqual(expect.arrayContaining(['theblueangel', 'blueangel', 'derblaueengel', 'blaueengel']));
    expect(titleVariants('Star Wars: Episode IV - A New Hope')).toEqual(expect.arrayContaining(['starwars', 'starwarsepisodeivanewhope']));
    expect(titleVariants('Sholay', { original_title: 'शोले|Flames' })).toEqual(expect.arrayContaining(['sholay', 'flames']));
  });
});

describe('title matcher', () => {
  const matcher = new TitleMatcher([
    { key: 1, title: 'Scream' },
    { key: 2, title: 'Scream 2' },
    { key: 3, title: 'Fear and Loathing in Las Vegas' },
    { key: 4, title: 'The Fear' },
    { key: 5, title: 'Toy Story' },
  ]);

  it('reads a title set over several lines and prefers the longer title it spells', () => {
    const lines = [line('JOHNNY DEPP', 0), line('fear', 1, 0.06), line('AND', 2, 0.03), line('LOATAING', 3, 0.06), line('inLASVEGAS', 4, 0.04)];
    expect(matcher.match(lines)[0]!.key).toBe(3);
    expect(matcher.match([line('DisNEp Pictures', 0, 0.02), line('ToY', 1, 0.12), line('STORY', 2, 0.04)])[0]!.key).toBe(5);
  });

  it('tells a sequel from the first film by its number', () => {
    expect(matcher.match([line('SCREAM2', 0, 0.1)])[0]!.key).toBe(2);
    expect(matcher.match([line('SCREAM', 0, 0.1)])[0]!.key).toBe(1);
  });

  it('matches whole words only: a fragment names no longer title, and numbers must agree', () => {
    const films = new TitleMatcher([
      { key: 1, title: 'Alien' },
      { key: 2, title: 'Aliens' },
      { key: 3, title: 'Alien³' },
      { key: 4, title: 'Halloween' },
      { key: 5, title: 'Halloween: The Curse of Michael Myers' },
      { key: 6, title: 'Showgirls' },
    ]);
    const fragment = films.match([line('ALIEN R-', 0, 0.1)]);
    expect(fragment[0]!.key).toBe(1);
    expect(fragment.map((m) => m.key)).not.toContain(2);
    // A title whose number is not printed counts for less (it may be printed apart, or misread).
    expect(fragment.find((m) => m.key === 3)?.score ?? 0).toBeLessThan(0.8 * fragment[0]!.score);
    expect(films.match([line('ALIEN3', 0, 0.1)])[0]!.key).toBe(3);
    // A number after the title names a sequel the catalog's film is not, also on the next line or beyond a line between.
    expect(films.match([line('HALLOWEEN II', 0, 0.1)])).toEqual([]);
    expect(films.match([line('HALLOWEEN', 0, 0.06), line('5', 1, 0.06), line('THEREVENGEOFMICHAELMYERS', 2, 0.03)])).toEqual([]);
    // A space OCR put inside a word splits it into real parts: still the title.
    expect(films.match([line('SHOW', 0, 0.1), line('GIRLS', 1, 0.1)])[0]!.key).toBe(6);
  });

  it('finds nothing in text that spells no title', () => {
    expect(matcher.match([line('OPENS DECEMBER 15', 0)])).toEqual([]);
  });
});

describe('typography', () => {
  it('finds the title, the text mass and the coverage', async () => {
    const { typographyOf } = await import('./typography.js');
    const box = (x0: number, y0: number, x1: number, y1: number): [number, number][] => [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
    const t = typographyOf([
      { text: 'BIG TITLE', confidence: 0.9, box: box(0.1, 0.05, 0.9, 0.2), size: 0.15, order: 0 },
      { text: 'credits', confidence: 0.9, box: box(0.2, 0.9, 0.8, 0.95), size: 0.05, order: 1 },
    ]);
    expect(t.title).toMatchObject({ text: 'BIG TITLE', y: 0.125, size: 0.15 });
    expect(t.title!.width).toBeCloseTo(0.8, 6);
    expect(t.coverage).toBeCloseTo(0.8 * 0.15 + 0.6 * 0.05, 6);
    expect(t.thirds[0]).toBeCloseTo(0.12 / 0.15, 6);
    expect(t.thirds[2]).toBeCloseTo(0.03 / 0.15, 6);
    expect(t.blocks).toBe(2);
    expect(typographyOf([]).title).toBeNull();
  });
});
