/** Texture atlases for the WebGL map: every poster's thumbnail as a TILE_W x TILE_H tile in 2048 x 2048 JPEG sheets. */
import sharp from 'sharp';
import type { Store } from '../store/store.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'movies' | 'posters'>;

export const TILE_W = 64;
export const TILE_H = 96;
export const SHEET_SIZE = 2048;
export const TILES_PER_ROW = SHEET_SIZE / TILE_W; // 32
export const TILES_PER_SHEET = TILES_PER_ROW * Math.floor(SHEET_SIZE / TILE_H); // 32 x 21

export async function buildSheets(library: StoreParts, keys: number[], onStep?: (done: number, total: number) => void): Promise<{ sheets: Buffer[]; sprites: { key: number; sheet: number; slot: number }[] }> {
  const movies = await library.movies.byKeys(keys);
  const sheets: Buffer[] = [];
  const sprites: { key: number; sheet: number; slot: number }[] = [];
  for (let start = 0; start < keys.length; start += TILES_PER_SHEET) {
    const chunk = keys.slice(start, start + TILES_PER_SHEET);
    const tiles = await Promise.all(
      chunk.map(async (key, slot) => {
        const thumb = await library.posters.mainThumbnail(movies.get(key)!.id);
        const input = thumb ? await sharp(thumb).resize(TILE_W, TILE_H, { fit: 'cover' }).jpeg({ quality: 85 }).toBuffer() : await sharp({ create: { width: TILE_W, height: TILE_H, channels: 3, background: '#333' } }).jpeg().toBuffer();
        return { input, left: (slot % TILES_PER_ROW) * TILE_W, top: Math.floor(slot / TILES_PER_ROW) * TILE_H };
      }),
    );
    sheets.push(await sharp({ create: { width: SHEET_SIZE, height: SHEET_SIZE, channels: 3, background: '#000' } }).composite(tiles).jpeg({ quality: 82 }).toBuffer());
    chunk.forEach((key, slot) => sprites.push({ key, sheet: sheets.length - 1, slot }));
    onStep?.(sprites.length, keys.length);
  }
  return { sheets, sprites };
}
