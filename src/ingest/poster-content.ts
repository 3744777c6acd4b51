/**
 * What an index run stores of one poster: its record, a vector per image model and design
 * channel, and its palette; and whether what is stored is still current for the poster's bytes.
 * Shared by the catalog's main posters (indexer.ts) and their further posters (more-posters.ts).
 */
import { SIGNATURE_MODEL } from '../design/grey-signature.js';
import { COLOR_MODEL, LAYOUT_MODEL, PALETTE_VERSION } from '../design/design-features.js';
import { COLOR_CHANNEL, LAYOUT_CHANNEL, SIGNATURE_CHANNEL } from '../store/channels.js';
import type { MovieWrite, Store } from '../store/store.js';
import type { VectorState } from '../store/types.js';
import type { ChannelModel } from '../models/types.js';
import type { InputSize } from '../image/decode.js';
import type { PreparedPoster } from './prepare-poster.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'posters'>;

export type PosterContent = NonNullable<MovieWrite['poster']>;
export type { ChannelModel };

/** The decoded view a model embeds: its input size, of the whole poster or of one tile. */
export function inputSizeOf(m: ChannelModel): InputSize {
  return { width: m.model.preprocessing.width, height: m.model.preprocessing.height, tile: m.tile };
}

/** A stored vector is current when it was made by this model from these bytes. */
export function isCurrent(state: VectorState | undefined, hash: string, model: { id: string; version: string }): boolean {
  return !!state && state.sourceHash === hash && state.modelId === model.id && state.modelVersion === model.version;
}

/** Whether the design channels computed from the poster (colour, layout, signature, palette) are up to date for these bytes. */
export async function designChannelsCurrent(library: StoreParts, key: number, hash: string, states: Map<string, VectorState>): Promise<boolean> {
  const palette = await library.posters.paletteState(key);
  return (
    isCurrent(states.get(COLOR_CHANNEL), hash, COLOR_MODEL) &&
    isCurrent(states.get(LAYOUT_CHANNEL), hash, LAYOUT_MODEL) &&
    isCurrent(states.get(SIGNATURE_CHANNEL), hash, SIGNATURE_MODEL) &&
    palette?.version === PALETTE_VERSION &&
    palette.sourceHash === hash
  );
}

/** The record, vectors (each model in `embedWith` and the design channels) and palette of a prepared poster. */
export function posterContent(prepared: PreparedPoster, embedWith: ChannelModel[], imageVectors: Float32Array[]): PosterContent {
  const { poster, design } = prepared;
  const sourceHash = poster.contentHash;
  return {
    record: poster,
    vectors: [
      ...embedWith.map((m, i) => ({ channel: m.channel, modelId: m.model.id, modelVersion: m.model.version, sourceHash, vector: imageVectors[i]!, metric: m.model.metric })),
      { channel: COLOR_CHANNEL, modelId: COLOR_MODEL.id, modelVersion: COLOR_MODEL.version, sourceHash, vector: design.color },
      { channel: LAYOUT_CHANNEL, modelId: LAYOUT_MODEL.id, modelVersion: LAYOUT_MODEL.version, sourceHash, vector: design.layout },
      { channel: SIGNATURE_CHANNEL, modelId: SIGNATURE_MODEL.id, modelVersion: SIGNATURE_MODEL.version, sourceHash, vector: design.signature },
    ],
    palette: { version: PALETTE_VERSION, sourceHash, colors: design.palette },
  };
}

/** Each item's vectors from each model it needs, in the order of its `embedWith` (one batch per model). */
export async function embedPosters<T extends { prepared?: PreparedPoster; embedWith: ChannelModel[] }>(items: T[]): Promise<Map<T, Float32Array[]>> {
  const out = new Map<T, Float32Array[]>(items.map((w) => [w, []]));
  const models = [...new Set(items.flatMap((w) => w.embedWith))];
  for (const m of models) {
    const users = items.filter((w) => w.embedWith.includes(m));
    const vectors = await m.model.embedBatch(users.map((w) => w.prepared!.pixels[w.embedWith.indexOf(m)]!));
    users.forEach((w, i) => (out.get(w)![w.embedWith.indexOf(m)] = vectors[i]!));
  }
  return out;
}
