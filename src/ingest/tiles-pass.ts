/**
 * The genre tiles pass over the posters a library holds (models/poster-tiles.ts): each main
 * poster whose three tile vectors are missing or stale for its bytes and the default model is
 * read again from its stored path, decoded at the tile views and embedded, and only its tile
 * vectors are written (one `putVectors` per poster, so an interrupted pass resumes where it
 * stopped). It needs no catalog folder, so it runs as a job (`poster-tiles`) after
 * `marquee index --background` has made the posters searchable; and it writes only the
 * `vectors:tile-*` areas, which nothing but the genre model reads: the pairs, duplicate groups and
 * search indexes stay current.
 */
import { DEFAULT_LIMITS } from '../image/decode.js';
import { tileModelsOf } from '../models/poster-tiles.js';
import type { Store } from '../store/store.js';
import type { StoredPoster } from '../store/types.js';
import { embedPosters, inputSizeOf, isCurrent, type ChannelModel } from './poster-content.js';
import { readPosterBytes } from '../image/read-image-file.js';
import { preparePoster, type PreparedPoster } from './prepare-poster.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'posters' | 'vectors'>;

export interface TilesPassSummary {
  /** Main posters whose tiles were missing or stale. */
  todo: number;
  embedded: number;
  failed: number;
  interrupted: boolean;
  seconds: number;
}

export interface TilesPassOptions {
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  onProblem?: (file: string, reason: string) => void;
  shouldStop?: () => boolean;
}

interface Item {
  poster: StoredPoster;
  prepared?: PreparedPoster;
  embedWith: ChannelModel[];
}

/** Embeds the missing tiles of the library's main posters with its default image model (`main`). */
export async function embedPosterTiles(library: StoreParts, main: ChannelModel, opts: TilesPassOptions = {}): Promise<TilesPassSummary> {
  const started = performance.now();
  const tiles = tileModelsOf(main);
  const todo: StoredPoster[] = [];
  for (const p of await library.posters.all()) {
    if (p.rank !== 0) continue;
    const states = await library.vectors.states(p.key);
    if (!tiles.every((t) => isCurrent(states.get(t.channel), p.contentHash, main.model))) todo.push(p);
  }
  const s: TilesPassSummary = { todo: todo.length, embedded: 0, failed: 0, interrupted: false, seconds: 0 };
  const batchSize = opts.batchSize ?? 16;
  const prepare = async (poster: StoredPoster): Promise<Item> => {
    try {
      const { bytes, hash } = await readPosterBytes(poster.path);
      if (hash !== poster.contentHash) throw new Error('poster changed since it was indexed; re-run index to pick it up');
      return { poster, embedWith: tiles, prepared: await preparePoster(poster.path, bytes, hash, tiles.map(inputSizeOf), DEFAULT_LIMITS) };
    } catch (err) {
      opts.onProblem?.(poster.path, (err as Error).message.replace(`${poster.path}: `, ''));
      return { poster, embedWith: [] };
    }
  };
  // The next batch is read and decoded while this one is embedded.
  let next = Promise.all(todo.slice(0, batchSize).map(prepare));
  for (let from = 0; from < todo.length; from += batchSize) {
    if (opts.shouldStop?.()) {
      s.interrupted = true;
      break;
    }
    const batch = await next;
    next = Promise.all(todo.slice(from + batchSize, from + 2 * batchSize).map(prepare));
    const ready = batch.filter((w) => w.prepared);
    const vectors = await embedPosters(ready);
    for (const w of ready) {
      const sourceHash = w.poster.contentHash;
      await library.vectors.put(
        w.poster.key,
        tiles.map((t, i) => ({ channel: t.channel, modelId: t.model.id, modelVersion: t.model.version, sourceHash, vector: vectors.get(w)![i]!, metric: t.model.metric })),
      );
    }
    s.embedded += ready.length;
    s.failed += batch.length - ready.length;
    opts.onProgress?.(Math.min(from + batchSize, todo.length), todo.length);
  }
  await next.catch(() => undefined);
  s.seconds = (performance.now() - started) / 1000;
  return s;
}
