/** When a server trains the genre model again: more whole readings than it learnt from, or tiles it learnt without, and nothing embedding tiles, reading or training. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { fixtureMovie, fixturePoster } from '../store/migration.testkit.js';
import { ocrVersionKey } from '../text/poster-ocr.js';
import { moreToLearn } from './genre-training.js';
import { refOf, writeImageModels } from '../store/library-models.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('moreToLearn', () => {
  it('asks for training once whole readings outgrow the model, never while text is read or a model trains', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'marquee-genre-training-'));
    dirs.push(dir);
    const store = await SqliteStore.open(join(dir, 'lib.db'), { create: true });
    try {
      const ids = ['a', 'b', 'c'];
      const keys = await store.movies.write(ids.map((id, i) => ({ movie: fixtureMovie(id), poster: fixturePoster(id, i + 1) })), '/c');
      const hash = (i: number) => fixturePoster(ids[i]!, i + 1).record.contentHash;
      const line = { text: 'TITLE', confidence: 0.9, box: [[0, 0], [1, 0], [1, 0.1], [0, 0.1]] as [number, number][], size: 0.1, order: 0 };
      const strip = { strip: [[0, 0.9], [1, 0.9], [1, 0.91], [0, 0.91]] as [number, number][], box: [[0, 0.9], [1, 0.9], [1, 0.91], [0, 0.91]] as [number, number][] };
      // No model: nothing to train again (a server trains a missing one at start, not here).
      await store.posterText.put(keys[0]!, ocrVersionKey(), hash(0), { lines: [line] });
      expect(await moreToLearn(store, store.jobs)).toBe(false);
      await store.genreModels.put('poster', { method: 'prior', wholeReadings: 1, readingsVersion: ocrVersionKey() }, null);
      expect(await moreToLearn(store, store.jobs)).toBe(false);
      // A reading whose small print is still to read is not whole yet.
      await store.posterText.put(keys[1]!, ocrVersionKey(), hash(1), { lines: [line], smallPrint: [strip] });
      expect(await moreToLearn(store, store.jobs)).toBe(false);
      await store.posterText.put(keys[1]!, ocrVersionKey(), hash(1), { lines: [line] });
      expect(await moreToLearn(store, store.jobs)).toBe(true);
      // Not while the OCR pass or a training waits or runs.
      const { job } = await store.jobs.enqueue({ kind: 'poster-small-print' });
      expect(await moreToLearn(store, store.jobs)).toBe(false);
      await store.jobs.cancel(job.id);
      expect(await moreToLearn(store, store.jobs)).toBe(true);
      await store.genreModels.put('poster', { method: 'prior', wholeReadings: 2, readingsVersion: ocrVersionKey() }, null);
      expect(await moreToLearn(store, store.jobs)).toBe(false);
      // Learnt from as many readings of another reader version: these are new to it.
      await store.genreModels.put('poster', { method: 'prior', wholeReadings: 2, readingsVersion: 'an older reader' }, null);
      expect(await moreToLearn(store, store.jobs)).toBe(true);

      // Tiles embedded after a model learnt without them: train again, once no tiles job waits or runs.
      const image = { id: 'm', version: '1', dimension: 2, metric: 'cosine' as const, normalize: true, spec: 'm', channel: 'content', builtIn: false };
      await writeImageModels(store, [image]);
      await store.genreModels.put('poster', { method: 'prior', wholeReadings: 2, readingsVersion: ocrVersionKey(), models: {} }, null);
      expect(await moreToLearn(store, store.jobs)).toBe(false);
      // Tiles of another model than the library's default are not what training would use.
      await store.vectors.put(keys[1]!, [{ channel: 'tile-top', modelId: 'other', modelVersion: '1', sourceHash: hash(1), vector: new Float32Array([1, 0]) }]);
      expect(await moreToLearn(store, store.jobs)).toBe(false);
      const tiles = await store.jobs.enqueue({ kind: 'poster-tiles' });
      const ref = refOf(image);
      await store.vectors.put(keys[0]!, [{ channel: 'tile-top', modelId: ref.id, modelVersion: ref.version, sourceHash: hash(0), vector: new Float32Array([1, 0]) }]);
      expect(await moreToLearn(store, store.jobs)).toBe(false);
      await store.jobs.cancel(tiles.job.id);
      expect(await moreToLearn(store, store.jobs)).toBe(true);
      await store.genreModels.put('poster', { method: 'prior', wholeReadings: 2, readingsVersion: ocrVersionKey(), models: { 'tile-top': ref } }, null);
      expect(await moreToLearn(store, store.jobs)).toBe(false);
    } finally {
      await store.close();
    }
  });
});
