/** A brought dual encoder (CLIP-style manifest with a text tower), on the tiny one the testkit writes. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { similarity } from '../util/metric.js';
import { hasTextTower, loadImageModel, loadTextTower } from './registry.js';
import { writeTinyDualEncoder } from './tiny-dual-encoder.testkit.js';

const dir = mkdtempSync(join(tmpdir(), 'marquee-dual-'));
let manifest = '';
beforeAll(() => {
  manifest = writeTinyDualEncoder(dir);
});

const solid = (r: number, g: number, b: number) => ({ width: 16, height: 16, data: Buffer.from(Array.from({ length: 256 }, () => [r, g, b]).flat()) });

/** A copy of the manifest with some fields changed. */
function variant(name: string, change: (m: Record<string, unknown>) => void): string {
  const m = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, unknown>;
  change(m);
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(m));
  return file;
}

describe('dual-encoder manifests', () => {
  it('embed text into the image tower\'s space: words find the pictures they name', async () => {
    expect(hasTextTower(manifest)).toBe(true);
    const [image, text] = await Promise.all([loadImageModel(manifest), loadTextTower(manifest)]);
    try {
      const pictures = await image.embedBatch([solid(220, 30, 30), solid(30, 200, 40), solid(20, 40, 210)]);
      const words = await text.embedBatch(['a red poster', 'GREEN!', 'the blue sky', 'a poster']);
      expect(text.dimension).toBe(image.dimension);
      for (let w = 0; w < 3; w++) {
        const scores = pictures.map((p) => similarity('cosine', words[w]!, p));
        expect(scores.indexOf(Math.max(...scores))).toBe(w);
      }
      expect(words[3]!.every((x) => x === 0)).toBe(true); // no colour word: nothing to point at
    } finally {
      await Promise.all([image.close(), text.close()]);
    }
  });

  it('names what is wrong with a text tower', async () => {
    const other = writeTinyDualEncoder(join(dir, 'other'), { id: 'odd', textDimension: 4 });
    await expect(loadImageModel(other)).rejects.toThrow(/odd\.json: the text tower's dimension \(4\) differs from the image tower's \(8\)/);
    await expect(loadImageModel(variant('no-weights', (m) => ((m.text as Record<string, unknown>).weights = './gone.onnx')))).rejects.toThrow(/no-weights\.json: text\.weights file .*gone\.onnx does not exist/);
    await expect(loadImageModel(variant('no-tokenizer', (m) => delete (m.text as Record<string, unknown>).tokenizer))).rejects.toThrow(/no-tokenizer\.json: text\.tokenizer is missing/);
    await expect(loadImageModel(variant('l2-clip', (m) => (m.metric = 'l2')))).rejects.toThrow(/l2-clip\.json: a dual encoder .* is compared by cosine/);
    const badVocab = variant('bad-vocab', (m) => ((m.text as Record<string, unknown>).tokenizer = { bpe: './broken.txt' }));
    writeFileSync(join(dir, 'broken.txt'), '#version: 0.2\nnot a merge line at all\n');
    await expect(loadTextTower(badVocab)).rejects.toThrow(/bad-vocab\.json: .*broken\.txt: line 2 is not a merge/);
    rmSync(join(dir, 'other'), { recursive: true, force: true });
  });
});
