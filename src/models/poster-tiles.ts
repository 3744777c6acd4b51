/**
 * Poster tiles: the default image model's vectors of the top, middle and bottom squares of each
 * poster, stored as three channels and used only as genre features.
 *
 * Why: the content vector sees the whole 2:3 poster squashed into 224 x 224, so a title block,
 * a face or a tagline is a few pixels and where it sits is pooled away. Each square tile is seen
 * at 1.5x the resolution and keeps whether the face is on top or the title at the bottom.
 * Measured on the 3,253 demo posters, 20 % of the films held out, logistic probe on MobileNet
 * content alone: 0.258 macro-AP; with the three tiles concatenated 0.281; their mean 0.275;
 * a mirrored poster adds nothing (0.257). Cost: three more model inputs per poster at indexing
 * (the decode is shared). MARQUEE_POSTER_TILES=off leaves them out of index runs.
 */
import type { PosterTile } from '../image/decode.js';

export const POSTER_TILES: readonly PosterTile[] = ['top', 'middle', 'bottom'];

export const tileChannel = (tile: PosterTile): string => `tile-${tile}`;

export const TILE_CHANNELS: readonly string[] = POSTER_TILES.map(tileChannel);

/** Whether index runs compute tiles (on unless MARQUEE_POSTER_TILES=off). */
export function tilesEnabled(): boolean {
  return process.env.MARQUEE_POSTER_TILES !== 'off';
}

/**
 * The models of an index run (models/types.ts's ChannelModel) with the tiles of its default
 * (first) model appended: the tiles' vectors are that model's (its ModelRef, refOf), of each
 * tile, and go stale with it.
 */
export function withPosterTiles<T extends { channel: string; tile?: PosterTile }>(models: T[]): T[] {
  const main = models.find((m) => !m.tile);
  if (!main || !tilesEnabled()) return models;
  return [...models, ...tileModelsOf(main)];
}

/** A model's three tile views, each on its tile channel (the tiles pass, ingest/tiles-pass.ts, and withPosterTiles). */
export function tileModelsOf<T extends { channel: string; tile?: PosterTile }>(main: T): T[] {
  return POSTER_TILES.map((tile) => ({ ...main, channel: tileChannel(tile), tile }));
}
