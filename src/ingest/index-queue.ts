/**
 * The seam between an index run's coordinator and its workers: batches of catalog entries go
 * into a durable queue; any number of `marquee worker` processes, on any machines, take them.
 * Delivery is at-least-once (a killed worker's batch is handed out again after it expires), so
 * every write a batch makes is idempotent: movies are keyed by id, vectors by movie and channel,
 * and a poster already stored with the same bytes and model version is skipped.
 */
import type { CatalogEntry } from '../catalog/read-catalog.js';
import type { BatchQueue } from '../store/batch-queue.js';

export interface IndexJob {
  /** The library the batch belongs to (meta library_id): a worker refuses another library's. */
  libraryId: string;
  runId: number;
  /** The batch's number within the run (its tally is recorded under it). */
  batch: number;
  /** The catalog the entries come from (movies are grouped and pruned by it). */
  source: string;
  entries: CatalogEntry[];
  /** Whether synopses are embedded in this run. */
  text: boolean;
}

export type IndexQueue = BatchQueue<IndexJob>;
