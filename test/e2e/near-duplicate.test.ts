/**
 * A cropped, flipped, recompressed or recoloured copy of a catalog poster must find the
 * original at rank 1 (>= 98% of 200 posters, per transformation).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SearchEngine } from '../../dist/search/engine.js';
import { openStore } from '../../dist/store/open-store.js';
import type { Store } from '../../dist/store/store.js';
import { makeCatalog, POSTERS, runCli, spreadRows, tempDir } from '../helpers.js';

const rows = spreadRows(200, 1);
const db = join(tempDir(), 'lib.db');
let library: Store;
let engine: SearchEngine;

const transforms: Record<string, (b: Buffer) => Promise<Buffer>> = {
  async crop(b) {
    const { width = 0, height = 0 } = await sharp(b).metadata();
    const dx = Math.round(width * 0.08);
    const dy = Math.round(height * 0.08);
    return sharp(b).extract({ left: dx, top: dy, width: width - 2 * dx, height: height - 2 * dy }).jpeg({ quality: 90 }).toBuffer();
  },
  flip: (b) => sharp(b).flop().jpeg({ quality: 90 }).toBuffer(),
  recompress: (b) => sharp(b).jpeg({ quality: 20, chromaSubsampling: '4:2:0' }).toBuffer(),
  recolour: (b) => sharp(b).modulate({ hue: 40, saturation: 1.4, brightness: 1.1 }).jpeg({ quality: 90 }).toBuffer(),
};

beforeAll(async () => {
  expect(runCli(['index', makeCatalog(rows), '--no-ocr', '--db', db, '--no-text']).code).toBe(0);
  library = await openStore(db, { create: true });
  engine = await SearchEngine.fromLibrary(library);
});

afterAll(async () => {
  await engine.close();
  await library.close();
});

describe('near-duplicate retrieval', () => {
  for (const [name, transform] of Object.entries(transforms)) {
    it(`${name}: the original is rank 1 for >= 98% of 200 posters`, async () => {
      let hits = 0;
      const misses: string[] = [];
      for (const r of rows) {
        const copy = await transform(readFileSync(join(POSTERS, `${r.id}.jpg`)));
        // The image channels alone (identity, from the copy's printed text, is tested in poster-text.test.ts).
        const [top] = await engine.search({ image: { bytes: copy, source: `${name}(${r.id})` }, k: 1, weights: { content: 0.7, color: 0.15, layout: 0.15 } });
        if (top?.id === r.id) hits++;
        else misses.push(r.id!);
      }
      const rate = hits / rows.length;
      console.log(`near-duplicate ${name}: rank-1 ${(rate * 100).toFixed(1)}% (misses: ${misses.join(', ') || 'none'})`);
      expect(rate).toBeGreaterThanOrEqual(0.98);
    });
  }
});
