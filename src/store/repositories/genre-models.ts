/** Trained genre models: metadata (JSON) and parameters (float32 bytes) by name. */
import { fromBlob, toBlob } from '../blob.js';
import type { Sql } from '../sql/connect.js';
import { isoTime, now } from '../sql/values.js';

export interface StoredGenreModel {
  createdAt: string;
  meta: unknown;
  params: Float32Array | null;
}

export interface GenreModelsRepository {
  put(name: string, meta: unknown, params: Float32Array | null): Promise<void>;
  get(name: string): Promise<StoredGenreModel | undefined>;
}

export class SqlGenreModels implements GenreModelsRepository {
  constructor(private readonly sql: Sql) {}

  async put(name: string, meta: unknown, params: Float32Array | null): Promise<void> {
    await this.sql.db
      .insertInto('genre_models')
      .values({ name, created_at: now(), meta: JSON.stringify(meta), params: params ? toBlob(params) : null })
      .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ created_at: eb.ref('excluded.created_at'), meta: eb.ref('excluded.meta'), params: eb.ref('excluded.params') })))
      .execute();
  }

  async get(name: string): Promise<StoredGenreModel | undefined> {
    const r = await this.sql.db.selectFrom('genre_models').select(['created_at', 'meta', 'params']).where('name', '=', name).executeTakeFirst();
    return r ? { createdAt: isoTime(r.created_at), meta: this.sql.json<unknown>(r.meta), params: r.params ? fromBlob(r.params) : null } : undefined;
  }
}
