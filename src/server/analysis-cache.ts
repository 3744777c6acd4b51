/**
 * Results computed once per state of what they read (store/revisions.ts), served stale while a
 * newer one is computed: when a change touches an entry's reads it is marked stale; the next
 * request gets the last good result at once and starts the recomputation, whose result replaces
 * it when done. Only a key never computed (or whose every computation failed) makes a request
 * wait. An entry whose reads no change touched is never recomputed.
 */
import { touches, type Reads } from '../store/revisions.js';

interface Entry {
  reads: Reads;
  /** The last result that succeeded. */
  good?: Promise<unknown>;
  /** The computation in flight (the first, or a refresh). */
  pending?: Promise<unknown>;
  stale: boolean;
}

export class AnalysisCache {
  private readonly entries = new Map<string, Entry>();

  /** The result for `key`: the last good one (refreshed in the background when stale), else a new computation. */
  get<T>(key: string, reads: Reads, compute: () => Promise<T>): Promise<T> {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { reads, stale: false };
      this.entries.set(key, entry);
    }
    if (entry.good) {
      if (entry.stale && !entry.pending) this.start(key, entry, compute);
      return entry.good as Promise<T>;
    }
    return (entry.pending ?? this.start(key, entry, compute)) as Promise<T>;
  }

  /** The newest result for `key`: the computation in flight, else the last good one. */
  latest(key: string): Promise<unknown> | undefined {
    const entry = this.entries.get(key);
    return entry?.pending ?? entry?.good;
  }

  /** Marks stale every entry that reads a changed key (all when undefined); returns their keys. */
  invalidate(changed?: ReadonlySet<string>): string[] {
    const stale: string[] = [];
    for (const [key, entry] of this.entries) {
      if (changed && !touches(changed, entry.reads)) continue;
      entry.stale = true;
      stale.push(key);
    }
    return stale;
  }

  private start(key: string, entry: Entry, compute: () => Promise<unknown>): Promise<unknown> {
    entry.stale = false;
    const run = compute();
    entry.pending = run;
    run.then(
      () => {
        if (entry.pending === run) entry.pending = undefined;
        entry.good = run;
      },
      () => {
        if (entry.pending === run) entry.pending = undefined;
        // A failed first computation is forgotten (the next request tries again); a failed refresh keeps the last good result.
        if (!entry.good && this.entries.get(key) === entry) this.entries.delete(key);
        else entry.stale = true;
      },
    );
    return run;
  }
}
