/** Stored analysis results, each with the revisions of the areas it read when computed (revisions.ts), and those revisions. */
import type { Sql } from '../sql/connect.js';
import { count, isoTime, now } from '../sql/values.js';

export interface StoredAnalysis {
  revisions: Record<string, number>;
  result: unknown;
  computedAt: string;
}

export interface AnalysesRepository {
  put(key: string, revisions: Record<string, number>, result: unknown): Promise<void>;
  get(key: string): Promise<StoredAnalysis | undefined>;
  /**
   * The revision of every area written so far (revisions.ts): kept by triggers in the transaction
   * that wrote the rows, so it moves for this process's writes and every other's alike.
   */
  revisions(): Promise<Map<string, number>>;
}

export class SqlAnalyses implements AnalysesRepository {
  constructor(private readonly sql: Sql) {}

  async put(key: string, revisions: Record<string, number>, result: unknown): Promise<void> {
    await this.sql.db
      .insertInto('analyses')
      .values({ key, revisions: JSON.stringify(revisions), result: JSON.stringify(result), computed_at: now() })
      .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ revisions: eb.ref('excluded.revisions'), result: eb.ref('excluded.result'), computed_at: eb.ref('excluded.computed_at') })))
      .execute();
  }

  async get(key: string): Promise<StoredAnalysis | undefined> {
    const r = await this.sql.db.selectFrom('analyses').select(['revisions', 'result', 'computed_at']).where('key', '=', key).executeTakeFirst();
    return r ? { revisions: this.sql.json<Record<string, number>>(r.revisions), result: this.sql.json<unknown>(r.result), computedAt: isoTime(r.computed_at) } : undefined;
  }

  async revisions(): Promise<Map<string, number>> {
    const rows = await this.sql.db.selectFrom('revisions').select(['area', 'rev']).execute();
    return new Map(rows.map((r) => [r.area, count(r.rev)]));
  }
}
