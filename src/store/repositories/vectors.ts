/**
 * Stored vectors, one per key and channel (a poster's image channels by poster key, the synopsis
 * by movie key), each with the model and the input hash it was made from. Where they are
 * searched (in-process, or in the engine with pgvector) is the store's `vectors` backend.
 */
import { fromBlob } from '../blob.js';
import { StoreError } from '../errors.js';
import type { Sql } from '../sql/connect.js';
import type { EngineWrites } from '../sql/engine-writes.js';
import type { ModelRef, PosterScope, VectorRecord, VectorState } from '../types.js';
import type { VectorIndex } from '../vector-index.js';
import { putVector } from './catalog-writes.js';

/** How the store keeps vectors: in the engine (pgvector) or as bytes searched in-process. */
export interface VectorBackend {
  /** 'bytes' (SQLite, PostgreSQL without pgvector) or 'pgvector'. */
  readonly kind: 'bytes' | 'pgvector';
  /** An index searched inside the database, or undefined when vectors are searched in-process. */
  engineIndex(channel: string, model: ModelRef): VectorIndex | undefined;
}

export interface VectorsRepository extends VectorBackend {
  state(key: number, channel: string): Promise<VectorState | undefined>;
  /** Every channel's state of a key at once (the indexer's "is it current?" check). */
  states(key: number): Promise<Map<string, VectorState>>;
  get(key: number, channel: string, model: ModelRef): Promise<Float32Array | undefined>;
  /** All vectors of one channel made by exactly this model, in key order (never mixing models); main posters only unless scope is 'posters'. */
  load(channel: string, model: ModelRef, scope?: PosterScope): Promise<{ key: number; vector: Float32Array }[]>;
  /** Keys holding a vector of this channel and model, in key order (scope as load). */
  keys(channel: string, model: ModelRef, scope?: PosterScope): Promise<number[]>;
  /** Replaces vectors one by one outside an index batch (genre or analysis tools; tests). */
  put(key: number, vectors: VectorRecord[]): Promise<void>;
  /** Deletes every vector of a channel and its atlas, atomically (a model dropped from the library); returns the vectors deleted. */
  deleteChannel(channel: string): Promise<number>;
}

export class SqlVectors implements VectorsRepository {
  readonly kind: VectorBackend['kind'];

  constructor(
    private readonly sql: Sql,
    private readonly engine: EngineWrites,
    private readonly backend: VectorBackend,
    /** Where the library is, for messages. */
    private readonly location: string,
  ) {
    this.kind = backend.kind;
  }

  engineIndex(channel: string, model: ModelRef): VectorIndex | undefined {
    return this.backend.engineIndex(channel, model);
  }

  async state(key: number, channel: string): Promise<VectorState | undefined> {
    const r = await this.sql.db.selectFrom('vectors').select(['model_id', 'model_version', 'source_hash']).where('subject_key', '=', key).where('channel', '=', channel).executeTakeFirst();
    return r ? { modelId: r.model_id, modelVersion: r.model_version, sourceHash: r.source_hash } : undefined;
  }

  async states(key: number): Promise<Map<string, VectorState>> {
    const rows = await this.sql.db.selectFrom('vectors').select(['channel', 'model_id', 'model_version', 'source_hash']).where('subject_key', '=', key).execute();
    return new Map(rows.map((r) => [r.channel, { modelId: r.model_id, modelVersion: r.model_version, sourceHash: r.source_hash }]));
  }

  async get(key: number, channel: string, model: ModelRef): Promise<Float32Array | undefined> {
    const r = await this.sql.db.selectFrom('vectors').select('data').where('subject_key', '=', key).where('channel', '=', channel).where('model_id', '=', model.id).where('model_version', '=', model.version).executeTakeFirst();
    return r ? fromBlob(r.data) : undefined;
  }

  /** A channel's vectors of one model; one per film (a movie's key: synopses, main posters) unless every poster is wanted. */
  private ofModel(channel: string, model: ModelRef, scope: PosterScope | undefined) {
    let query = this.sql.db.selectFrom('vectors').where('channel', '=', channel).where('model_id', '=', model.id).where('model_version', '=', model.version);
    if (scope !== 'posters') query = query.where('subject_key', 'in', (eb) => eb.selectFrom('movies').select('key'));
    return query.orderBy('subject_key');
  }

  async load(channel: string, model: ModelRef, scope?: PosterScope): Promise<{ key: number; vector: Float32Array }[]> {
    const rows = await this.ofModel(channel, model, scope).select(['subject_key', 'dim', 'data']).execute();
    return rows.map((r) => {
      if (r.dim !== model.dimension) throw new StoreError('corrupt', `library ${this.location}: vector of movie ${r.subject_key} has ${r.dim} dims, model ${model.id} has ${model.dimension}`);
      return { key: r.subject_key, vector: fromBlob(r.data) };
    });
  }

  async keys(channel: string, model: ModelRef, scope?: PosterScope): Promise<number[]> {
    return (await this.ofModel(channel, model, scope).select('subject_key').execute()).map((r) => r.subject_key);
  }

  async put(key: number, vectors: VectorRecord[]): Promise<void> {
    await this.engine.beforeVectors(vectors);
    await this.sql.db.transaction().execute(async (trx) => {
      for (const v of vectors) await putVector(trx, this.engine, key, v);
    });
  }

  async deleteChannel(channel: string): Promise<number> {
    return this.sql.db.transaction().execute(async (trx) => {
      const n = Number((await trx.deleteFrom('vectors').where('channel', '=', channel).executeTakeFirst()).numDeletedRows);
      await trx.deleteFrom('atlas_points').where('channel', '=', channel).execute();
      await trx.deleteFrom('atlas').where('channel', '=', channel).execute();
      return n;
    });
  }
}
