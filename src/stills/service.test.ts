/**
 * The stills service over a real SQLite library: after a library change the last prepared
 * matcher keeps answering while a newer one is prepared, and the newer one is used once ready.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Embedder } from '../search/embedder.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import type { StillRecord } from '../store/types.js';
import { seededRandom } from '../util/random.js';
import { StillsService } from './service.js';

const random = seededRandom(4);
const vector = (n: number) => Float32Array.from({ length: n }, () => random());

function still(movieKey: number, seq: number): StillRecord {
  return {
    movieKey, seq, path: `/stills/${movieKey}/${seq}.jpg`, timestamp: null, contentHash: `${movieKey}-${seq}`, width: 64, height: 36, thumbnail: Buffer.from('jpeg'),
    versions: 'v1', content: vector(16), color: vector(8), layout: vector(4), look: { stats: {} as never, palette: [] },
  };
}

const look = {
  palette: [{ hex: '#808080', rgb: [128, 128, 128], lab: [50, 0, 0], share: 1, name: 'grey' }],
  hsl: { hueDistribution: Array.from({ length: 12 }, () => ({ share: 1 / 12 })), saturation: { mean: 0.3 }, lightness: { mean: 0.5 }, warmCoolBalance: 0 },
};

async function addFilm(store: Store, id: string): Promise<void> {
  const movie = { id, title: `Film ${id}`, year: 2000, genres: [], countries: [], overview: '', tagline: '', imdbId: null, tmdbId: null, extra: {} };
  const { keys } = await store.stills.prepareMovies([{ movie, imdbId: null, keepSeqs: [1, 2, 3] }], '/stills');
  await store.stills.put([1, 2, 3].map((seq) => still(keys[0]!, seq)));
  await store.stills.putLook(keys[0]!, `hash-${id}`, look, Buffer.from('png'));
}

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

describe('StillsService', () => {
  it('answers from the last prepared stills while newer ones are prepared, then from the newer ones', async () => {
    store = await openStore(join(mkdtempSync(join(tmpdir(), 'marquee-stills-service-')), 'lib.db'), { create: true });
    for (const id of ['a', 'b', 'c']) await addFilm(store, id);
    // Looks never embed an image: the service gets no embedder to use.
    const service = new StillsService(store, {} as Embedder);
    expect((await service.similarLooks('a')).map((m) => m.id).sort()).toEqual(['b', 'c']);

    await addFilm(store, 'd');
    service.reset();
    // The change is being read: the answer is the last one, not a wait.
    expect((await service.similarLooks('a')).map((m) => m.id).sort()).toEqual(['b', 'c']);
    await service.prepared();
    expect((await service.similarLooks('a')).map((m) => m.id).sort()).toEqual(['b', 'c', 'd']);
  });

  it('says a library has no stills, and reads them once a change brings some', async () => {
    store = await openStore(join(mkdtempSync(join(tmpdir(), 'marquee-stills-service-')), 'lib.db'), { create: true });
    const service = new StillsService(store, {} as Embedder);
    await expect(service.prepared()).rejects.toMatchObject({ kind: 'no_stills' });
    await addFilm(store, 'a');
    await addFilm(store, 'b');
    service.reset();
    expect((await service.similarLooks('a')).map((m) => m.id)).toEqual(['b']);
  });
});
