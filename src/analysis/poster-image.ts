import { readImageIfPresent } from '../image/read-image-file.js';
import type { ImageInput } from '../search/query.js';
import type { Store } from '../store/store.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'posters'>;

/** A library movie's poster image: the original recorded at index time if still on disk or in its bucket, else its stored thumbnail. */
export async function storedPosterImage(library: StoreParts, id: string): Promise<ImageInput | undefined> {
  const path = (await library.posters.mainFile(id))?.path;
  const bytes = path ? await readImageIfPresent(path) : undefined;
  if (bytes) return { bytes, source: path! };
  const thumb = await library.posters.mainThumbnail(id);
  return thumb ? { bytes: thumb, source: `thumbnail of ${id}` } : undefined;
}
