/**
 * The stills atlas (stills/stills-atlas.ts): every still's place on the map (PCA plane, grid
 * cell, cluster, hue, thumbnail slot) and the build's named files (meta, basis, thumbnail
 * sheets). A build is saved in one transaction, so a reader sees the last whole build; a still
 * deleted takes its place along (foreign key), which frees its cell.
 */
import type { Sql } from '../sql/connect.js';
import { chunks, count } from '../sql/values.js';
import { StoreError } from '../errors.js';

/** A still's place on the stills map. */
export interface StillsAtlasPlace {
  stillKey: number;
  /** The still's content hash when placed: a still indexed again with other bytes is placed again. */
  contentHash: string;
  /** Position in the PCA plane, 0–1. */
  x: number;
  y: number;
  cell: number;
  cluster: number;
  /** Dominant hue in degrees, or -1 for a still without one (grey, dark). */
  hue: number;
  sheet: number;
  slot: number;
  placed: 'build' | 'incremental';
}

/** A place with the still it shows (movie id and number), as the map serves it. */
export interface StillsAtlasViewRow extends StillsAtlasPlace {
  movieKey: number;
  movieId: string;
  seq: number;
}

/** What one build writes: places (all of them with `replaceAll`), files to write, file names to remove. */
export interface StillsAtlasSave {
  places: StillsAtlasPlace[];
  replaceAll: boolean;
  files: { name: string; data: Buffer }[];
  /** With `replaceAll`, every other file goes too. */
  dropFiles?: string[];
  /** Saved only while the stored 'meta' file still holds these bytes (the build read it): else another build ran meanwhile, and this one is refused. */
  ifMeta?: Buffer;
}

export interface StillsAtlasRepository {
  /** Every place, by still key. */
  places(): Promise<StillsAtlasPlace[]>;
  /** Every place with its still's movie id and number, by still key. */
  view(): Promise<StillsAtlasViewRow[]>;
  /** Writes a build (places and files), atomically. */
  save(build: StillsAtlasSave): Promise<void>;
  file(name: string): Promise<Buffer | undefined>;
  /** Names of the stored files. */
  fileNames(): Promise<string[]>;
  /** How many stills have a place. */
  count(): Promise<number>;
}

export class SqlStillsAtlas implements StillsAtlasRepository {
  constructor(private readonly sql: Sql) {}

  async places(): Promise<StillsAtlasPlace[]> {
    const rows = await this.sql.db.selectFrom('stills_atlas_points').selectAll().orderBy('still_key').execute();
    return rows.map(toPlace);
  }

  async view(): Promise<StillsAtlasViewRow[]> {
    const rows = await this.sql.db
      .selectFrom('stills_atlas_points as p')
      .innerJoin('stills as s', 's.key', 'p.still_key')
      .innerJoin('movies as m', 'm.key', 's.movie_key')
      .selectAll('p')
      .select(['m.id as movie_id', 's.movie_key as movie_key', 's.seq as seq'])
      .orderBy('p.still_key')
      .execute();
    return rows.map((r) => ({ ...toPlace(r), movieKey: r.movie_key, movieId: r.movie_id, seq: r.seq }));
  }

  async save(build: StillsAtlasSave): Promise<void> {
    await this.sql.db.transaction().execute(async (trx) => {
      if (build.ifMeta) {
        const meta = (await trx.selectFrom('stills_atlas_files').select('data').where('name', '=', 'meta').executeTakeFirst())?.data;
        if (!meta || !Buffer.from(meta).equals(build.ifMeta)) throw new StoreError('busy', 'another stills atlas build was saved while this one ran: run it again');
      }
      if (build.replaceAll) {
        await trx.deleteFrom('stills_atlas_points').execute();
        await trx.deleteFrom('stills_atlas_files').execute();
      } else for (const part of chunks(build.dropFiles ?? [])) await trx.deleteFrom('stills_atlas_files').where('name', 'in', part).execute();
      // One file per statement: a sheet is a JPEG of up to a few MB.
      for (const f of build.files) {
        await trx.deleteFrom('stills_atlas_files').where('name', '=', f.name).execute();
        await trx.insertInto('stills_atlas_files').values({ name: f.name, data: f.data }).execute();
      }
      // One row per still, the last given winning: one multi-row upsert may not touch a row twice on PostgreSQL.
      for (const part of chunks([...new Map(build.places.map((p) => [p.stillKey, p])).values()]))
        await trx
          .insertInto('stills_atlas_points')
          .values(part.map((p) => ({ still_key: p.stillKey, content_hash: p.contentHash, x: p.x, y: p.y, cell: p.cell, cluster: p.cluster, hue: p.hue, sheet: p.sheet, slot: p.slot, placed: p.placed })))
          .onConflict((oc) =>
            oc.column('still_key').doUpdateSet((eb) => ({
              content_hash: eb.ref('excluded.content_hash'), x: eb.ref('excluded.x'), y: eb.ref('excluded.y'), cell: eb.ref('excluded.cell'), cluster: eb.ref('excluded.cluster'),
              hue: eb.ref('excluded.hue'), sheet: eb.ref('excluded.sheet'), slot: eb.ref('excluded.slot'), placed: eb.ref('excluded.placed'),
            })),
          )
          .execute();
    });
  }

  async file(name: string): Promise<Buffer | undefined> {
    return (await this.sql.db.selectFrom('stills_atlas_files').select('data').where('name', '=', name).executeTakeFirst())?.data;
  }

  async count(): Promise<number> {
    return count((await this.sql.db.selectFrom('stills_atlas_points').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  }

  async fileNames(): Promise<string[]> {
    return (await this.sql.db.selectFrom('stills_atlas_files').select('name').orderBy('name').execute()).map((r) => r.name);
  }
}

function toPlace(r: { still_key: number; content_hash: string; x: number; y: number; cell: number; cluster: number; hue: number; sheet: number; slot: number; placed: string }): StillsAtlasPlace {
  return { stillKey: r.still_key, contentHash: r.content_hash, x: r.x, y: r.y, cell: r.cell, cluster: r.cluster, hue: r.hue, sheet: r.sheet, slot: r.slot, placed: r.placed as StillsAtlasPlace['placed'] };
}
