/** Printed text read off posters (OCR): the lines, the small print left for later, or why reading failed, per reader version and poster bytes. */
import type { PendingStrip, TextLine } from '../../text/types.js';
import type { Sql } from '../sql/connect.js';
import { count, isoTime, now } from '../sql/values.js';
import type { PosterScope } from '../types.js';
import { postersNeeding, type FileToRead } from './poster-passes.js';

/** A poster's OCR outcome: the lines read (and the small print left for later, if any), or the reason reading failed. */
export type PosterTextReading = { lines: TextLine[]; smallPrint?: PendingStrip[] } | { error: string };

export interface StoredPosterText {
  version: string;
  sourceHash: string;
  lines: TextLine[];
  /** Small print detected but not read yet (empty once the reading is whole). */
  smallPrint: PendingStrip[];
  error: string | null;
  readAt: string;
}

export interface PosterTextProgress {
  read: number;
  failed: number;
  pending: number;
  smallPrint: number;
}

export interface PosterTextRepository {
  /** Stores what was read off a poster (or why it could not be read), replacing an older reading. */
  put(key: number, version: string, sourceHash: string, reading: PosterTextReading): Promise<void>;
  /** Posters never read by this reader version, or changed since they were read; failures are retried only after a change. */
  postersNeeding(version: string): Promise<FileToRead[]>;
  get(key: number): Promise<StoredPosterText | undefined>;
  /** Every current reading with lines (this version, matching poster hash), in key order. */
  all(version: string, scope?: PosterScope): Promise<{ key: number; lines: TextLine[] }[]>;
  /** Current readings (this version, matching poster hash) whose small print is still to read, in key order. */
  postersWithSmallPrint(version: string): Promise<FileToRead[]>;
  /** How far the OCR pass is for this version: posters read, failed, and still to read; `smallPrint`: read posters whose small print is not read yet. */
  progress(version: string): Promise<PosterTextProgress>;
}

export class SqlPosterText implements PosterTextRepository {
  constructor(private readonly sql: Sql) {}

  async put(key: number, version: string, sourceHash: string, reading: PosterTextReading): Promise<void> {
    const columns =
      'error' in reading
        ? { lines: '[]', small_print: null, error: reading.error }
        : { lines: JSON.stringify(reading.lines), small_print: reading.smallPrint?.length ? JSON.stringify(reading.smallPrint) : null, error: null };
    await this.sql.db
      .insertInto('poster_text')
      .values({ poster_key: key, version, source_hash: sourceHash, ...columns, read_at: now() })
      .onConflict((oc) =>
        oc.column('poster_key').doUpdateSet((eb) => ({
          version: eb.ref('excluded.version'), source_hash: eb.ref('excluded.source_hash'), lines: eb.ref('excluded.lines'),
          small_print: eb.ref('excluded.small_print'), error: eb.ref('excluded.error'), read_at: eb.ref('excluded.read_at'),
        })),
      )
      .execute();
  }

  postersNeeding(version: string): Promise<FileToRead[]> {
    return postersNeeding(this.sql, 'poster_text', 'version', version);
  }

  async get(key: number): Promise<StoredPosterText | undefined> {
    const r = await this.sql.db.selectFrom('poster_text').selectAll().where('poster_key', '=', key).executeTakeFirst();
    if (!r) return undefined;
    const smallPrint = (r.small_print == null ? null : this.sql.json<PendingStrip[] | null>(r.small_print)) ?? [];
    return { version: r.version, sourceHash: r.source_hash, lines: this.sql.json<TextLine[]>(r.lines), smallPrint, error: r.error, readAt: isoTime(r.read_at) };
  }

  /** Readings of this version on the poster's current bytes. */
  private current(version: string) {
    return this.sql.db.selectFrom('poster_text as t').innerJoin('posters as p', 'p.key', 't.poster_key').where('t.version', '=', version).whereRef('t.source_hash', '=', 'p.content_hash');
  }

  async all(version: string, scope?: PosterScope): Promise<{ key: number; lines: TextLine[] }[]> {
    let query = this.current(version).select(['t.poster_key', 't.lines']).where('t.error', 'is', null);
    if (scope !== 'posters') query = query.where('p.rank', '=', 0);
    const rows = await query.orderBy('t.poster_key').execute();
    return rows.map((r) => ({ key: r.poster_key, lines: this.sql.json<TextLine[]>(r.lines) }));
  }

  async postersWithSmallPrint(version: string): Promise<FileToRead[]> {
    const rows = await this.current(version).select(['p.key', 'p.path', 'p.content_hash']).where('t.small_print', 'is not', null).orderBy('p.key').execute();
    return rows.map((r) => ({ key: r.key, path: r.path, contentHash: r.content_hash }));
  }

  async progress(version: string): Promise<PosterTextProgress> {
    // One statement, so the four counts come from one snapshot (COUNT … FILTER: PostgreSQL, and SQLite since 3.30).
    const r = await this.sql.db
      .selectFrom('posters as p')
      .leftJoin('poster_text as t', 't.poster_key', 'p.key')
      .select((eb) => {
        const current = (also: ReturnType<typeof eb>) => eb.and([eb('t.version', '=', version), eb('t.source_hash', '=', eb.ref('p.content_hash')), also]);
        return [
          eb.fn.countAll().as('total'),
          eb.fn.countAll().filterWhere(current(eb('t.error', 'is', null))).as('read'),
          eb.fn.countAll().filterWhere(current(eb('t.error', 'is not', null))).as('failed'),
          eb.fn.countAll().filterWhere(current(eb('t.small_print', 'is not', null))).as('small_print'),
        ];
      })
      .executeTakeFirstOrThrow();
    const read = count(r.read);
    const failed = count(r.failed);
    return { read, failed, pending: count(r.total) - read - failed, smallPrint: count(r.small_print) };
  }

}
