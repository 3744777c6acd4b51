import { isAbsolute, relative, resolve, sep } from 'node:path';

/** Resolves a catalog-relative path, refusing anything that would leave the catalog folder. */
export function resolveInside(root: string, relPath: string): string {
  if (!relPath) throw new Error('empty path');
  if (relPath.includes('\0')) throw new Error('path contains a NUL byte');
  if (isAbsolute(relPath)) throw new Error(`path ${relPath} is absolute; poster paths must be relative to the catalog folder`);
  const full = resolve(root, relPath);
  const rel = relative(resolve(root), full);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) throw new Error(`path ${relPath} points outside the catalog folder`);
  return full;
}
