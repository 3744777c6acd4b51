import { createHash } from 'node:crypto';

/** Content hash of a file's bytes (hex sha256), used to skip unchanged posters. */
export function contentHash(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
