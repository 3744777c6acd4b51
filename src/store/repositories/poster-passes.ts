/** What the per-poster passes (faces, printed text) share: the posters a pass has not done with this version, or did on older bytes. */
import type { Sql } from '../sql/connect.js';

/** A file a pass still has to read: its key, where it is, and the bytes' hash it will be recorded against. */
export interface FileToRead {
  key: number;
  path: string;
  contentHash: string;
}

export async function postersNeeding(sql: Sql, table: 'face_scans' | 'poster_text', versionColumn: 'model_version' | 'version', version: string): Promise<FileToRead[]> {
  const rows = await sql.db
    .selectFrom('posters as p')
    .leftJoin(`${table} as d` as 'poster_text as d', 'd.poster_key', 'p.key')
    .select(['p.key', 'p.path', 'p.content_hash'])
    .where((eb) => eb.or([eb('d.poster_key', 'is', null), eb(`d.${versionColumn}` as 'd.version', '<>', version), eb('d.source_hash', '<>', eb.ref('p.content_hash'))]))
    .orderBy('p.key')
    .execute();
  return rows.map((r) => ({ key: r.key, path: r.path, contentHash: r.content_hash }));
}
