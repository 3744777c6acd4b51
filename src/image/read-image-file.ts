/** Reads an image file (a poster, a still) with its content hash, failing with a plain reason a person can act on. */
import { readFile } from 'node:fs/promises';
import { contentHash } from './hash.js';

export async function readPosterBytes(path: string): Promise<{ bytes: Buffer; hash: string }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? 'poster file does not exist' : code === 'EISDIR' ? 'poster path is a folder' : `cannot read poster (${code ?? (err as Error).message})`);
  }
  return { bytes, hash: contentHash(bytes) };
}
