/** Where Marquee caches what it derives from model packages (converted and optimised graphs). */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** MARQUEE_CACHE, else $XDG_CACHE_HOME/marquee, else ~/.cache/marquee. */
export function modelCacheDir(): string {
  if (process.env.MARQUEE_CACHE) return process.env.MARQUEE_CACHE;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'marquee');
}
