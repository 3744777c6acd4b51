/**
 * Which areas of the library changed, for a serving process: compares the store's revisions
 * (store/revisions.ts) with the last ones seen, every second, when the store says another process
 * committed (PostgreSQL NOTIFY arrives within milliseconds), and when asked (after this server's
 * own write, so the next request sees it). Listeners get the set of changed keys and drop only
 * the caches that read them.
 */
import { changedKeys, type Revisions } from '../store/revisions.js';
import type { Store } from '../store/store.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'analyses' | 'onExternalChange'>;

export type ChangeListener = (changed: ReadonlySet<string>) => void;

const POLL_MS = 1000;

export class LibraryChanges {
  private readonly listeners: ChangeListener[] = [];
  private queue: Promise<ReadonlySet<string>> = Promise.resolve(new Set<string>());
  private timer?: NodeJS.Timeout;
  private stopWatching?: () => Promise<void>;

  private constructor(
    private readonly store: StoreParts,
    private seen: Revisions,
  ) {}

  static async watch(store: StoreParts, pollMs = POLL_MS): Promise<LibraryChanges> {
    const changes = new LibraryChanges(store, await store.analyses.revisions());
    changes.stopWatching = await store.onExternalChange(() => void changes.check().catch(() => undefined));
    changes.timer = setInterval(() => void changes.check().catch(() => undefined), pollMs);
    changes.timer.unref();
    return changes;
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  /**
   * Reads the revisions now and tells the listeners what moved; resolves with that set once they
   * were told. Checks run one after another, so each sees every write committed before it began.
   */
  check(): Promise<ReadonlySet<string>> {
    const run = this.queue.then(async () => {
      const now = await this.store.analyses.revisions();
      const changed = changedKeys(this.seen, now);
      this.seen = now;
      if (changed.size) for (const listener of this.listeners) listener(changed);
      return changed;
    });
    this.queue = run.catch(() => new Set<string>());
    return run;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.stopWatching?.();
    await this.queue;
  }
}
