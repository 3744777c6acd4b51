/**
 * One indexer per library: a lock file beside the database, created exclusively, holding the
 * owner's pid and start time. A lock whose process is gone (killed, crashed) is taken over.
 * Readers (search, serve) never take it: SQLite WAL lets them read while an indexer writes.
 * The returned release function also runs at process exit (Ctrl-C twice, errors).
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

import { StoreError } from './errors.js';

interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireIndexLock(dbPath: string): () => void {
  const file = `${dbPath}.lock`;
  const info: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      // Releasing is idempotent and only ever removes our own lock, also when called again at exit.
      const release = (): void => {
        process.off('exit', release);
        try {
          if ((JSON.parse(readFileSync(file, 'utf8')) as LockInfo).pid === info.pid) rmSync(file, { force: true });
        } catch {
          // already gone
        }
      };
      process.once('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner: LockInfo | undefined;
      try {
        owner = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
      } catch {
        owner = undefined; // half-written by a process killed at that instant: stale
      }
      if (owner && (owner.host !== info.host || alive(owner.pid)))
        throw new StoreError('busy', `library ${dbPath} is being indexed by process ${owner.pid} on ${owner.host} (since ${owner.startedAt}); wait for it to finish, or delete ${file} if that process is gone`);
      rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new StoreError('busy', `library ${dbPath}: could not take the index lock ${file}`);
}
