/** The atlas: per channel its points (three layouts, grid cell, cluster) and build metadata; the thumbnail sheets and each movie's sprite slot. */
import type { Sql } from '../sql/connect.js';
import { chunks, now } from '../sql/values.js';
import type { AtlasPoint } from '../types.js';

export interface SpriteSlot {
  key: number;
  sheet: number;
  slot: number;
}

export interface AtlasRepository {
  loadPoints(channel: string): Promise<AtlasPoint[]>;
  /** Writes points (replacing any of the same movie); with `replaceAll` the channel's other points go, atomically. */
  savePoints(channel: string, points: AtlasPoint[], replaceAll: boolean): Promise<void>;
  saveMeta(channel: string, meta: unknown): Promise<void>;
  loadMeta<T>(channel: string): Promise<T | undefined>;
  /** Replaces every sheet and sprite slot, atomically. */
  saveSheets(sheets: Buffer[], sprites: SpriteSlot[]): Promise<void>;
  loadSheet(sheet: number): Promise<Buffer | undefined>;
  loadSprites(): Promise<Map<number, { sheet: number; slot: number }>>;
}

export class SqlAtlas implements AtlasRepository {
  constructor(private readonly sql: Sql) {}

  async loadPoints(channel: string): Promise<AtlasPoint[]> {
    const rows = await this.sql.db.selectFrom('atlas_points').selectAll().where('channel', '=', channel).orderBy('movie_key').execute();
    return rows.map((r) => ({ key: r.movie_key, pca: [r.pca_x, r.pca_y], umap: [r.umap_x, r.umap_y], tsne: [r.tsne_x, r.tsne_y], cell: r.cell, cluster: r.cluster, placed: r.placed as AtlasPoint['placed'] }));
  }

  async savePoints(channel: string, points: AtlasPoint[], replaceAll: boolean): Promise<void> {
    await this.sql.db.transaction().execute(async (trx) => {
      if (replaceAll) await trx.deleteFrom('atlas_points').where('channel', '=', channel).execute();
      // One row per poster, the last given winning: one multi-row upsert may not touch a row twice on PostgreSQL.
      for (const part of chunks([...new Map(points.map((p) => [p.key, p])).values()]))
        await trx
          .insertInto('atlas_points')
          .values(part.map((p) => ({ channel, movie_key: p.key, pca_x: p.pca[0], pca_y: p.pca[1], umap_x: p.umap[0], umap_y: p.umap[1], tsne_x: p.tsne[0], tsne_y: p.tsne[1], cell: p.cell, cluster: p.cluster, placed: p.placed })))
          .onConflict((oc) =>
            oc.columns(['channel', 'movie_key']).doUpdateSet((eb) => ({
              pca_x: eb.ref('excluded.pca_x'), pca_y: eb.ref('excluded.pca_y'), umap_x: eb.ref('excluded.umap_x'), umap_y: eb.ref('excluded.umap_y'),
              tsne_x: eb.ref('excluded.tsne_x'), tsne_y: eb.ref('excluded.tsne_y'), cell: eb.ref('excluded.cell'), cluster: eb.ref('excluded.cluster'), placed: eb.ref('excluded.placed'),
            })),
          )
          .execute();
    });
  }

  async saveMeta(channel: string, meta: unknown): Promise<void> {
    await this.sql.db
      .insertInto('atlas')
      .values({ channel, built_at: now(), meta: JSON.stringify(meta) })
      .onConflict((oc) => oc.column('channel').doUpdateSet((eb) => ({ built_at: eb.ref('excluded.built_at'), meta: eb.ref('excluded.meta') })))
      .execute();
  }

  async loadMeta<T>(channel: string): Promise<T | undefined> {
    const r = await this.sql.db.selectFrom('atlas').select('meta').where('channel', '=', channel).executeTakeFirst();
    return r ? this.sql.json<T>(r.meta) : undefined;
  }

  async saveSheets(sheets: Buffer[], sprites: SpriteSlot[]): Promise<void> {
    await this.sql.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('atlas_sheets').execute();
      await trx.deleteFrom('atlas_sprites').execute();
      // One sheet per statement: each is a JPEG of up to a few MB.
      for (const [sheet, jpeg] of sheets.entries()) await trx.insertInto('atlas_sheets').values({ sheet, jpeg }).execute();
      for (const part of chunks(sprites)) await trx.insertInto('atlas_sprites').values(part.map((s) => ({ movie_key: s.key, sheet: s.sheet, slot: s.slot }))).execute();
    });
  }

  async loadSheet(sheet: number): Promise<Buffer | undefined> {
    return (await this.sql.db.selectFrom('atlas_sheets').select('jpeg').where('sheet', '=', sheet).executeTakeFirst())?.jpeg;
  }

  async loadSprites(): Promise<Map<number, { sheet: number; slot: number }>> {
    const rows = await this.sql.db.selectFrom('atlas_sprites').selectAll().execute();
    return new Map(rows.map((r) => [r.movie_key, { sheet: r.sheet, slot: r.slot }]));
  }
}
