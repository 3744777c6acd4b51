import { existsSync } from 'node:fs';
import { defaultDbPath, Library } from '../store/library.js';

export function resolveDbPath(flag: string | undefined): string {
  return flag || defaultDbPath();
}

/** Opens an existing library for reading, with a clear error if it does not exist. */
export function openExistingLibrary(flag: string | undefined): Library {
  const path = resolveDbPath(flag);
  if (!existsSync(path)) throw new Error(`library ${path} does not exist: run "marquee index <catalog>" first (or pass --db / set MARQUEE_DB)`);
  return new Library(path);
}
