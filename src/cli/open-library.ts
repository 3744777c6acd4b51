import { defaultLocation, openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';

export function resolveDbPath(flag: string | undefined): string {
  return flag || defaultLocation();
}

/** Opens an existing library (file or database), with a clear error if there is none. */
export function openExistingLibrary(flag: string | undefined): Promise<Store> {
  return openStore(resolveDbPath(flag), { create: false });
}

/** Opens a library for writing, creating it when missing. */
export function openLibraryForWriting(flag: string | undefined): Promise<Store> {
  return openStore(resolveDbPath(flag), { create: true });
}
