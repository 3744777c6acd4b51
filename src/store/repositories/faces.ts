/**
 * Faces found on posters (one row per face, with its descriptor) and on stills (one JSON row per
 * still), and which reader version scanned which bytes, so a scan is redone only after a change.
 */
import type { DetectedFace } from '../../models/face-model.js';
import { fromBlob, toBlob } from '../blob.js';
import type { Sql } from '../sql/connect.js';
import { count } from '../sql/values.js';
import type { PosterScope, StoredFaceJson } from '../types.js';
import { postersNeeding, type FileToRead } from './poster-passes.js';

export interface FacesRepository {
  /** Replaces a poster's faces and records the scan, atomically. */
  putPosterFaces(key: number, modelVersion: string, sourceHash: string, faces: DetectedFace[]): Promise<void>;
  postersNeedingScan(modelVersion: string): Promise<FileToRead[]>;
  posterFaces(key: number): Promise<DetectedFace[]>;
  /** Every face descriptor, in poster key order (main posters only unless scope is 'posters'). */
  allDescriptors(scope?: PosterScope): Promise<{ key: number; descriptor: Float32Array }[]>;
  scannedPosters(): Promise<number>;
  /** How many faces each poster scanned on its current bytes holds (posters not scanned are absent), in key order. */
  countsPerPoster(): Promise<{ key: number; count: number }[]>;
  stillsNeedingScan(modelVersion: string): Promise<FileToRead[]>;
  putStillFaces(stillKey: number, modelVersion: string, sourceHash: string, faces: StoredFaceJson[]): Promise<void>;
  /** Stored faces per still key (only scanned stills), optionally of one movie. */
  stillFaces(movieKey?: number): Promise<Map<number, StoredFaceJson[]>>;
}

export class SqlFaces implements FacesRepository {
  constructor(private readonly sql: Sql) {}

  async putPosterFaces(key: number, modelVersion: string, sourceHash: string, faces: DetectedFace[]): Promise<void> {
    await this.sql.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('faces').where('poster_key', '=', key).execute();
      if (faces.length)
        await trx
          .insertInto('faces')
          .values(faces.map((f, idx) => ({ poster_key: key, idx, x: f.box.x, y: f.box.y, width: f.box.width, height: f.box.height, score: f.score, descriptor: toBlob(f.descriptor) })))
          .execute();
      await trx
        .insertInto('face_scans')
        .values({ poster_key: key, model_version: modelVersion, source_hash: sourceHash, count: faces.length })
        .onConflict((oc) => oc.column('poster_key').doUpdateSet((eb) => ({ model_version: eb.ref('excluded.model_version'), source_hash: eb.ref('excluded.source_hash'), count: eb.ref('excluded.count') })))
        .execute();
    });
  }

  postersNeedingScan(modelVersion: string): Promise<FileToRead[]> {
    return postersNeeding(this.sql, 'face_scans', 'model_version', modelVersion);
  }

  async posterFaces(key: number): Promise<DetectedFace[]> {
    const rows = await this.sql.db.selectFrom('faces').selectAll().where('poster_key', '=', key).orderBy('idx').execute();
    return rows.map((r) => ({ box: { x: r.x, y: r.y, width: r.width, height: r.height }, score: r.score, descriptor: fromBlob(r.descriptor) }));
  }

  async allDescriptors(scope?: PosterScope): Promise<{ key: number; descriptor: Float32Array }[]> {
    let query = this.sql.db.selectFrom('faces').select(['poster_key', 'descriptor']);
    if (scope !== 'posters') query = query.where('poster_key', 'in', (eb) => eb.selectFrom('movies').select('key'));
    const rows = await query.orderBy('poster_key').orderBy('idx').execute();
    return rows.map((r) => ({ key: r.poster_key, descriptor: fromBlob(r.descriptor) }));
  }

  async scannedPosters(): Promise<number> {
    return count((await this.sql.db.selectFrom('face_scans').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  }

  async countsPerPoster(): Promise<{ key: number; count: number }[]> {
    const rows = await this.sql.db
      .selectFrom('face_scans as s')
      .innerJoin('posters as p', 'p.key', 's.poster_key')
      .select(['s.poster_key', 's.count'])
      .whereRef('s.source_hash', '=', 'p.content_hash')
      .orderBy('s.poster_key')
      .execute();
    return rows.map((r) => ({ key: r.poster_key, count: r.count }));
  }

  async stillsNeedingScan(modelVersion: string): Promise<FileToRead[]> {
    const rows = await this.sql.db
      .selectFrom('stills as s')
      .leftJoin('still_faces as f', 'f.still_key', 's.key')
      .select(['s.key', 's.path', 's.content_hash'])
      .where((eb) => eb.or([eb('f.still_key', 'is', null), eb('f.model_version', '<>', modelVersion), eb('f.source_hash', '<>', eb.ref('s.content_hash'))]))
      .orderBy('s.key')
      .execute();
    return rows.map((r) => ({ key: r.key, path: r.path, contentHash: r.content_hash }));
  }

  async putStillFaces(stillKey: number, modelVersion: string, sourceHash: string, faces: StoredFaceJson[]): Promise<void> {
    await this.sql.db
      .insertInto('still_faces')
      .values({ still_key: stillKey, model_version: modelVersion, source_hash: sourceHash, faces: JSON.stringify(faces) })
      .onConflict((oc) => oc.column('still_key').doUpdateSet((eb) => ({ model_version: eb.ref('excluded.model_version'), source_hash: eb.ref('excluded.source_hash'), faces: eb.ref('excluded.faces') })))
      .execute();
  }

  async stillFaces(movieKey?: number): Promise<Map<number, StoredFaceJson[]>> {
    let query = this.sql.db.selectFrom('still_faces as f').select(['f.still_key', 'f.faces']);
    if (movieKey !== undefined) query = query.where('f.still_key', 'in', (eb) => eb.selectFrom('stills').select('key').where('movie_key', '=', movieKey));
    const rows = await query.orderBy('f.still_key').execute();
    return new Map(rows.map((r) => [r.still_key, this.sql.json<StoredFaceJson[]>(r.faces)]));
  }
}
