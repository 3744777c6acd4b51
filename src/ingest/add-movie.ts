/**
 * Adds (or updates) one movie with its poster bytes, as the HTTP ingest route does. The image
 * is validated before anything is written; the poster is kept in the library's own uploads
 * folder (named by content hash, written atomically) and indexed with the same code path as a
 * catalog row, so it gets every channel. Deleting removes an uploaded poster file nobody else uses.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { parseRow, type ParsedRow, type RawRow } from '../catalog/record.js';
import type { CatalogEntry } from '../catalog/read-catalog.js';
import { DEFAULT_LIMITS, inspectImage } from '../image/decode.js';
import { contentHash } from '../image/hash.js';
import { deleteObject, isObjectLocation, objectUnder, writeObject } from '../image/object-storage.js';
import type { TextEmbeddingModel } from '../models/types.js';
import type { Store } from '../store/store.js';
import { MarqueeError } from '../util/errors.js';
import { indexEntries, type ChannelModel, type IndexProblem } from './indexer.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'library' | 'movies' | 'posters' | 'runs' | 'uploadsDir' | 'vectors'>;

/** Movies added over the API are grouped under this source (never pruned by a catalog run). */
export const API_SOURCE = 'api';

export class MovieInputError extends MarqueeError {
  constructor(message: string) {
    super('invalid_movie', message);
    this.name = 'MovieInputError';
  }
}

export interface AddMovieResult {
  id: string;
  created: boolean;
  problems: IndexProblem[];
}

export async function addMovie(
  library: StoreParts,
  models: { images: ChannelModel[]; text: TextEmbeddingModel | null },
  metadata: RawRow,
  poster: { bytes: Buffer; name: string },
): Promise<AddMovieResult> {
  let parsed: ParsedRow;
  try {
    parsed = parseRow({ ...metadata, poster: undefined });
  } catch (err) {
    throw new MovieInputError(`movie metadata: ${(err as Error).message}`);
  }
  const info = await inspectImage(poster.bytes, poster.name, DEFAULT_LIMITS); // throws ImageInputError before anything is written
  const path = await storeUpload(library.uploadsDir, `${contentHash(poster.bytes)}.${info.format === 'jpeg' ? 'jpg' : info.format}`, poster.bytes, info.format);
  const created = (await library.movies.keyOf(parsed.record.id)) === undefined;
  const previous = (await library.posters.mainFile(parsed.record.id))?.path;
  async function* one(): AsyncGenerator<CatalogEntry> {
    yield { where: `upload (id ${parsed.record.id})`, record: parsed.record, posterPath: path, posterRef: poster.name };
  }
  const summary = await indexEntries({ source: API_SOURCE, entries: one(), total: 1 }, { library, imageModels: models.images, textModel: models.text, tiles: true });
  if (previous && previous !== path) await removeUnusedUpload(library, previous);
  return { id: parsed.record.id, created, problems: summary.problems };
}

/** Keeps an uploaded poster under its content hash: a file (written whole, then renamed into place), or an object when the uploads folder is a bucket prefix. */
async function storeUpload(dir: string, name: string, bytes: Buffer, format: string): Promise<string> {
  if (isObjectLocation(dir)) {
    const location = objectUnder(dir, name);
    await writeObject(location, bytes, `image/${format}`);
    return location;
  }
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
  return path;
}

async function removeUnusedUpload(library: StoreParts, path: string): Promise<void> {
  const inBucket = isObjectLocation(library.uploadsDir);
  if (!path.startsWith(inBucket ? objectUnder(library.uploadsDir, '') : library.uploadsDir + sep) || (await library.posters.countAtPath(path)) > 0) return;
  if (inBucket) await deleteObject(path);
  else rmSync(path, { force: true });
}

/** Deletes a movie and everything derived from it; returns false when there was no such movie. */
export async function deleteMovie(library: StoreParts, id: string): Promise<boolean> {
  const file = await library.posters.mainFile(id);
  if ((await library.movies.delete([id])) === 0) return false;
  if (file) await removeUnusedUpload(library, file.path);
  return true;
}
