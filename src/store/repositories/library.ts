/** The library as a whole: its key/value settings (meta) and how much it holds. */
import type { Sql } from '../sql/connect.js';
import { count } from '../sql/values.js';

export interface LibraryStats {
  movies: number;
  posters: number;
  vectors: { channel: string; modelId: string; modelVersion: string; count: number }[];
}

export interface LibraryRepository {
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  stats(): Promise<LibraryStats>;
}

export class SqlLibrary implements LibraryRepository {
  constructor(private readonly sql: Sql) {}

  async getMeta(key: string): Promise<string | undefined> {
    return (await this.sql.db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst())?.value;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.sql.db.insertInto('meta').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ value: eb.ref('excluded.value') }))).execute();
  }

  async stats(): Promise<LibraryStats> {
    const db = this.sql.db;
    const movies = await db.selectFrom('movies').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const posters = await db.selectFrom('posters').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const vectors = await db
      .selectFrom('vectors')
      .select((eb) => ['channel', 'model_id', 'model_version', eb.fn.countAll().as('n')])
      .groupBy(['channel', 'model_id', 'model_version'])
      .orderBy('channel')
      .orderBy('model_id')
      .orderBy('model_version')
      .execute();
    return { movies: count(movies.n), posters: count(posters.n), vectors: vectors.map((r) => ({ channel: r.channel, modelId: r.model_id, modelVersion: r.model_version, count: count(r.n) })) };
  }
}
