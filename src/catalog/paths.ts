import { existsSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { isObjectLocation, parseObjectLocation } from '../image/object-storage.js';
import { MarqueeError } from '../util/errors.js';

/**
 * Resolves a catalog-relative path, refusing anything that would leave the catalog folder; an
 * object in a bucket (`s3://bucket/key`, ../image/object-storage.ts) is taken as it is.
 */
export function resolveInside(root: string, relPath: string): string {
  if (!relPath) throw new Error('empty path');
  if (isObjectLocation(relPath)) {
    parseObjectLocation(relPath); // throws, naming what is wrong with a malformed location
    return relPath;
  }
  if (relPath.includes('\0')) throw new Error('path contains a NUL byte');
  if (isAbsolute(relPath)) throw new Error(`path ${relPath} is absolute; poster paths must be relative to the catalog folder`);
  const full = resolve(root, relPath);
  const rel = relative(resolve(root), full);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) throw new Error(`path ${relPath} points outside the catalog folder`);
  return full;
}

/** Throws "<what> <path> is not a folder" (kind missing) unless `path` is a folder: a catalog, a stills folder. */
export function requireFolder(path: string, what: string): void {
  if (!existsSync(path) || !statSync(path).isDirectory()) throw new MarqueeError('missing', `${what} ${path} is not a folder`);
}
