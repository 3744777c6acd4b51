/**
 * One definition, two DDLs: every table the library copies (src/store/tables.ts, itself checked
 * at compile time against the Kysely table types in src/store/sql/database.ts) has, on a fresh
 * SQLite library and a fresh PostgreSQL one, exactly those columns, of the same kind and the
 * same nullability. Columns only PostgreSQL has (filter arrays, full-text columns, pgvector's
 * embedding) are listed here, each with why.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createTestDatabase, type TestDatabase } from '../../src/store/postgres/databases.testkit.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { TABLE_SPECS, type TableSpec } from '../../src/store/tables.js';

type Kind = 'integer' | 'real' | 'text' | 'blob' | 'json' | 'time';
interface LiveColumn { kind: Kind | string; nullable: boolean }

/** Columns PostgreSQL adds to a table for what it does in the engine. */
const POSTGRES_ONLY: Record<string, Record<string, string>> = {
  movies: {
    genre_keys: 'lower-cased genres for filters in SQL (GIN)',
    country_keys: 'upper-cased countries for filters in SQL (GIN)',
    search_doc: 'the weighted tsvector of full-text search (lexical-postgres.ts; SQLite keeps FTS5 tables instead)',
  },
  poster_text: { squashed: 'printed lines squashed to letters and digits for pg_trgm (lexical-postgres.ts)' },
  vectors: { embedding: 'the pgvector column, present when the extension is (pgvector-index.ts)' },
  stills_match: { embedding: 'the pgvector column of the stored which-movie rows, present when the extension is (stills-match-search.ts)' },
};

function expectedKind(spec: TableSpec, column: string, sqliteType: string): Kind {
  if (spec.json.includes(column)) return 'json';
  if (spec.time.includes(column)) return 'time';
  return ({ INTEGER: 'integer', REAL: 'real', TEXT: 'text', BLOB: 'blob' } as Record<string, Kind>)[sqliteType.toUpperCase()] ?? (sqliteType as Kind);
}

/** The job queue's tables: not copied between engines (no TableSpec), written through the same Kysely types. */
const QUEUE_TABLES = ['jobs', 'job_kinds'];

const POSTGRES_KIND: Record<string, Kind> = { integer: 'integer', bigint: 'integer', 'double precision': 'real', text: 'text', bytea: 'blob', jsonb: 'json', 'timestamp with time zone': 'time' };

describe('schema agreement: one table definition, both engines', () => {
  const admin = inject('pgUrl');
  let dir: string;
  let pgDb: TestDatabase;
  const sqliteColumns = new Map<string, Map<string, { type: string; nullable: boolean }>>();
  const postgresColumns = new Map<string, Map<string, LiveColumn>>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'marquee-schema-'));
    const file = join(dir, 'lib.db');
    await (await openSqliteStore(file, { create: true })).close();
    const lite = new Database(file, { readonly: true });
    for (const name of [...TABLE_SPECS.map((t) => t.name), ...QUEUE_TABLES]) {
      const rows = lite.prepare(`PRAGMA table_info(${name})`).all() as { name: string; type: string; notnull: number; pk: number }[];
      // An INTEGER PRIMARY KEY is the rowid: never null, though PRAGMA reports notnull 0.
      sqliteColumns.set(name, new Map(rows.map((r) => [r.name, { type: r.type, nullable: r.notnull === 0 && r.pk === 0 }])));
    }
    lite.close();

    pgDb = await createTestDatabase(admin);
    await (await openPostgresStore(pgDb.url, { create: true })).close();
    const client = new pg.Client({ connectionString: pgDb.url });
    await client.connect();
    const { rows } = await client.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
      'SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = current_schema()',
    );
    await client.end();
    for (const r of rows) {
      if (!postgresColumns.has(r.table_name)) postgresColumns.set(r.table_name, new Map());
      postgresColumns.get(r.table_name)!.set(r.column_name, { kind: POSTGRES_KIND[r.data_type] ?? r.data_type, nullable: r.is_nullable === 'YES' });
    }
  }, 60_000);

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await pgDb?.drop();
  });

  it('finds every table on both engines', () => {
    expect(TABLE_SPECS.length).toBeGreaterThan(15);
    for (const spec of TABLE_SPECS) {
      expect(sqliteColumns.get(spec.name)?.size, `SQLite ${spec.name}`).toBeGreaterThan(0);
      expect(postgresColumns.get(spec.name)?.size, `PostgreSQL ${spec.name}`).toBeGreaterThan(0);
    }
  });

  it.each(TABLE_SPECS.map((s) => [s.name, s] as const))('%s: the same columns, kinds and nullability', (_name, spec) => {
    const lite = sqliteColumns.get(spec.name)!;
    const post = postgresColumns.get(spec.name)!;
    expect([...lite.keys()].sort(), 'SQLite columns').toEqual([...spec.columns].sort());
    const engineOwn = [...post.keys()].filter((c) => !spec.columns.includes(c));
    expect(engineOwn.filter((c) => !(c in (POSTGRES_ONLY[spec.name] ?? {}))), 'PostgreSQL columns not in the definition').toEqual([]);
    for (const column of spec.columns) {
      const l = lite.get(column)!;
      const p = post.get(column);
      expect(p, `PostgreSQL ${spec.name}.${column}`).toBeDefined();
      const kind = expectedKind(spec, column, l.type);
      expect(p!.kind, `${spec.name}.${column} kind (SQLite ${l.type})`).toBe(kind);
      // JSON and times are TEXT on SQLite.
      expect(['json', 'time'].includes(kind) ? 'TEXT' : l.type.toUpperCase(), `${spec.name}.${column} SQLite type`).toBe(l.type.toUpperCase());
      expect(p!.nullable, `${spec.name}.${column} nullable`).toBe(l.nullable);
    }
  });

  it.each(QUEUE_TABLES)('%s (the job queue): the same columns and nullability', (name) => {
    const lite = sqliteColumns.get(name)!;
    const post = postgresColumns.get(name)!;
    expect(lite.size).toBeGreaterThan(1);
    expect([...post.keys()].sort()).toEqual([...lite.keys()].sort());
    for (const [column, l] of lite) expect(post.get(column)!.nullable, `${name}.${column} nullable`).toBe(l.nullable);
  });
});
