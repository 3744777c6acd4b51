/**
 * Copying a library between engines (`marquee migrate`, copy-library.ts): every row of a table in
 * the neutral form of tables.ts, a page at a time in key order, and those rows written back with
 * their keys. Table and column names come from tables.ts (checked against sql/database.ts at
 * compile time), so the statements are built from them; the columns an engine adds to a movie or
 * a vector come from its EngineWrites, and what follows an import (sequences, vector indexes) is
 * the engine's.
 */
import { sql as raw, type RawBuilder } from 'kysely';
import { fromBlob } from '../blob.js';
import type { Sql } from '../sql/connect.js';
import type { EngineWrites } from '../sql/engine-writes.js';
import { isoTime } from '../sql/values.js';
import { COPY_PAGE, ENGINE_META_KEYS, type TableRow, type TableSpec } from '../tables.js';

export interface CopyRepository {
  /** Every row of one table in the neutral form (tables.ts), a page at a time, in key order. */
  exportTable(table: TableSpec): AsyncIterable<TableRow[]>;
  /** Writes rows exported from another library, keys kept, in one transaction. */
  importRows(table: TableSpec, rows: TableRow[]): Promise<void>;
  /** After an import: identity sequences past the copied keys, vector indexes built. */
  finishImport(): Promise<void>;
}

const list = (names: string[]) => raw.join(names.map((n) => raw.ref(n)));

export class SqlCopy implements CopyRepository {
  constructor(
    private readonly sql: Sql,
    private readonly engine: EngineWrites,
    readonly finishImport: () => Promise<void>,
  ) {}

  async *exportTable(spec: TableSpec): AsyncIterable<TableRow[]> {
    // Tables without a key (index_failures) are paged by every column: small, and the same order on both engines.
    const order = spec.key.length ? spec.key : spec.columns;
    let last: TableRow | undefined;
    let offset = 0;
    for (;;) {
      const after = spec.key.length && last ? raw`WHERE (${list(spec.key)}) > (${raw.join(spec.key.map((k) => last![k]))})` : raw``;
      const page = spec.key.length ? raw`` : raw`OFFSET ${raw.lit(offset)}`;
      const { rows } = await raw<TableRow>`SELECT ${list(spec.columns)} FROM ${raw.table(spec.name)} ${after} ORDER BY ${list(order)} LIMIT ${raw.lit(COPY_PAGE)} ${page}`.execute(this.sql.db);
      if (rows.length === 0) return;
      offset += rows.length;
      last = rows.at(-1);
      const out = rows.map((r) => {
        const o: TableRow = { ...r };
        for (const c of spec.json) if (o[c] !== null && o[c] !== undefined) o[c] = this.sql.json<unknown>(o[c]);
        for (const c of spec.time) if (o[c] !== null && o[c] !== undefined) o[c] = isoTime(o[c]);
        return o;
      });
      yield spec.name === 'meta' ? out.filter((r) => !ENGINE_META_KEYS.has(r.key as string)) : out;
    }
  }

  /** The columns an engine adds to this table's rows (PostgreSQL's movie filter arrays, pgvector's embedding). */
  private engineColumns(spec: TableSpec, row: TableRow): Record<string, unknown> {
    if (spec.name === 'movies') return this.engine.movieColumns({ genres: row.genres as string[], countries: row.countries as string[] });
    if (spec.name === 'vectors' || spec.name === 'stills_match') return this.engine.vectorColumns({ vector: fromBlob(row.data as Buffer) });
    return {};
  }

  async importRows(spec: TableSpec, rows: TableRow[]): Promise<void> {
    if (rows.length === 0) return;
    const extra = Object.keys(this.engineColumns(spec, rows[0]!));
    const tuples: RawBuilder<unknown>[] = rows.map((r) => {
      const own = spec.columns.map((c) => (spec.json.includes(c) && r[c] !== null && r[c] !== undefined ? JSON.stringify(r[c]) : (r[c] ?? null)));
      const added = this.engineColumns(spec, r);
      return raw`(${raw.join([...own, ...extra.map((c) => added[c])])})`;
    });
    await this.sql.db.transaction().execute(async (trx) => {
      await raw`INSERT INTO ${raw.table(spec.name)} (${list([...spec.columns, ...extra])}) VALUES ${raw.join(tuples)}`.execute(trx);
    });
  }
}
