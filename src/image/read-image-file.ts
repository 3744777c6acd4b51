/**
 * Reads an image (a poster, a still) with its content hash, from a file or an `s3://bucket/key`
 * object (object-storage.ts), failing with a plain reason a person can act on.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { contentHash } from './hash.js';
import { isObjectLocation, readObject } from './object-storage.js';

export async function readPosterBytes(path: string): Promise<{ bytes: Buffer; hash: string }> {
  if (isObjectLocation(path)) {
    const bytes = await readObject(path);
    return { bytes, hash: contentHash(bytes) };
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? 'poster file does not exist' : code === 'EISDIR' ? 'poster path is a folder' : `cannot read poster (${code ?? (err as Error).message})`);
  }
  return { bytes, hash: contentHash(bytes) };
}

/** An image's bytes if its file is still on disk or its object still in its bucket (and the store answers); else undefined. */
export async function readImageIfPresent(path: string): Promise<Buffer | undefined> {
  if (isObjectLocation(path)) return readObject(path).catch(() => undefined);
  return existsSync(path) ? readFile(path) : undefined;
}
