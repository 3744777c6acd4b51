import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ImageInput } from '../search/query.js';
import type { Store } from '../store/store.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'posters'>;

/** A library movie's poster image: the original file recorded at index time if still on disk, else its stored thumbnail. */
export async function storedPosterImage(library: StoreParts, id: string): Promise<ImageInput | undefined> {
  const path = (await library.posters.mainFile(id))?.path;
  if (path && existsSync(path)) return { bytes: await readFile(path), source: path };
  const thumb = await library.posters.mainThumbnail(id);
  return thumb ? { bytes: thumb, source: `thumbnail of ${id}` } : undefined;
}
