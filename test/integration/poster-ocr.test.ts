/** PP-OCRv4 on real demo posters: a known title read and matched, no text, a poster on its side, a tiny one. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarqueeError } from '../../src/util/errors.js';
import { squash } from '../../src/text/normalize.js';
import { OCR_SETTINGS, PosterOcr } from '../../src/text/poster-ocr.js';
import { TitleMatcher } from '../../src/text/title-matcher.js';

const CATALOG = resolve(import.meta.dirname, '../../../shared/catalog');
const poster = (id: string): Buffer => readFileSync(join(CATALOG, 'posters', `${id}.jpg`));
const read = (lines: { text: string }[]): string[] => lines.map((l) => squash(l.text));

describe('PosterOcr on demo posters', () => {
  let ocr: PosterOcr;
  beforeAll(async () => {
    ocr = await PosterOcr.load(1);
  });
  afterAll(async () => ocr.close());

  it('reads GoldenEye\'s title and the catalog\'s titles name the film', async () => {
    const { lines } = await ocr.readImage(poster('10'), '10.jpg');
    expect(read(lines)).toContain('goldeneye');
    for (const l of lines) {
      expect(l.confidence).toBeGreaterThanOrEqual(0.5);
      for (const [x, y] of l.box) for (const v of [x, y]) expect(v).toBeGreaterThanOrEqual(0), expect(v).toBeLessThanOrEqual(1);
    }
    expect(lines.map((l) => l.order)).toEqual(lines.map((_, i) => i));
    const rows = parse(readFileSync(join(CATALOG, 'movies.csv')), { columns: true }) as { id: string; title: string }[];
    const matcher = new TitleMatcher(rows.map((r, key) => ({ key, title: r.title })));
    expect(rows[matcher.match(lines)[0]!.key]!.title).toBe('GoldenEye');
  });

  it('finds no text on a poster without any', async () => {
    const blank = await sharp({ create: { width: 300, height: 450, channels: 3, background: '#2a4d7a' } }).jpeg().toBuffer();
    expect((await ocr.readImage(blank, 'blank.jpg')).lines).toEqual([]);
  });

  it('reads a poster scanned on its side, with boxes in the image as given', async () => {
    const sideways = await sharp(poster('9')).rotate(90).toBuffer();
    const { lines } = await ocr.readImage(sideways, 'sideways.jpg');
    expect(read(lines)).toEqual(expect.arrayContaining(['sudden', 'death']));
    const death = lines.find((l) => squash(l.text) === 'death')!;
    const xs = death.box.map((p) => p[0]);
    const ys = death.box.map((p) => p[1]);
    // Turned clockwise, the text runs down the image: taller than wide.
    expect(Math.max(...ys) - Math.min(...ys)).toBeGreaterThan(Math.max(...xs) - Math.min(...xs));
  });

  it('reads a title off a poster only 150 px wide', async () => {
    const tiny = await sharp(poster('2')).resize(150).toBuffer();
    expect(read((await ocr.readImage(tiny, 'tiny.jpg')).lines)).toContain('jumanji');
  });

  it('reads the small print later from the same pixels: two steps give the lines of one', async () => {
    // GoldenEye and Jumanji carry billing blocks; the sideways poster has too little text to leave any for later.
    const sideways = await sharp(poster('9')).rotate(90).toBuffer();
    let leftForLater = 0;
    for (const [bytes, name] of [[poster('10'), '10.jpg'], [poster('2'), '2.jpg'], [sideways, 'sideways.jpg']] as const) {
      const atOnce = await ocr.readImage(bytes, name);
      const first = await ocr.readImage(bytes, name, 'later');
      expect(atOnce.smallPrint).toBeUndefined();
      for (const l of first.lines) expect(l.size).toBeGreaterThanOrEqual(OCR_SETTINGS.smallPrintBelow - 1e-4);
      leftForLater += first.smallPrint?.length ?? 0;
      if (first.smallPrint) expect(first.lines.length).toBeLessThan(atOnce.lines.length);
      expect(await ocr.readPending(bytes, name, first)).toEqual(atOnce);
    }
    expect(leftForLater).toBeGreaterThan(0);
  });

  it('rejects bytes that are not an image with the file named', async () => {
    await expect(ocr.readImage(Buffer.from('not an image'), 'broken.jpg')).rejects.toSatisfy((e: unknown) => e instanceof MarqueeError && e.kind === 'bad_image' && e.message.includes('broken.jpg'));
  });
});
