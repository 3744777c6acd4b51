/** Atlas persistence in the library (tables atlas, atlas_points, atlas_sheets, atlas_sprites). */
import type { Library } from '../store/library.js';

export interface AtlasPoint {
  key: number;
  pca: [number, number];
  umap: [number, number];
  tsne: [number, number];
  cell: number;
  cluster: number;
  placed: 'build' | 'incremental';
}

type Row = Record<string, number | string>;

export function loadPoints(library: Library, channel: string): AtlasPoint[] {
  return (library.db.prepare('SELECT * FROM atlas_points WHERE channel = ? ORDER BY movie_key').all(channel) as Row[]).map((r) => ({
    key: r.movie_key as number,
    pca: [r.pca_x as number, r.pca_y as number],
    umap: [r.umap_x as number, r.umap_y as number],
    tsne: [r.tsne_x as number, r.tsne_y as number],
    cell: r.cell as number,
    cluster: r.cluster as number,
    placed: r.placed as AtlasPoint['placed'],
  }));
}

export function savePoints(library: Library, channel: string, points: AtlasPoint[], replaceAll: boolean): void {
  library.transaction(() => {
    if (replaceAll) library.db.prepare('DELETE FROM atlas_points WHERE channel = ?').run(channel);
    const insert = library.db.prepare(
      `INSERT OR REPLACE INTO atlas_points (channel, movie_key, pca_x, pca_y, umap_x, umap_y, tsne_x, tsne_y, cell, cluster, placed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const p of points) insert.run(channel, p.key, p.pca[0], p.pca[1], p.umap[0], p.umap[1], p.tsne[0], p.tsne[1], p.cell, p.cluster, p.placed);
  });
}

export function saveMeta(library: Library, channel: string, meta: unknown): void {
  library.db
    .prepare('INSERT INTO atlas (channel, built_at, meta) VALUES (?, ?, ?) ON CONFLICT(channel) DO UPDATE SET built_at = excluded.built_at, meta = excluded.meta')
    .run(channel, new Date().toISOString(), JSON.stringify(meta));
}

export function loadMeta<T>(library: Library, channel: string): T | undefined {
  const r = library.db.prepare('SELECT meta FROM atlas WHERE channel = ?').get(channel) as Row | undefined;
  return r ? (JSON.parse(r.meta as string) as T) : undefined;
}

export function saveSheets(library: Library, sheets: Buffer[], sprites: { key: number; sheet: number; slot: number }[]): void {
  library.transaction(() => {
    library.db.prepare('DELETE FROM atlas_sheets').run();
    library.db.prepare('DELETE FROM atlas_sprites').run();
    const s = library.db.prepare('INSERT INTO atlas_sheets (sheet, jpeg) VALUES (?, ?)');
    sheets.forEach((jpeg, i) => s.run(i, jpeg));
    const p = library.db.prepare('INSERT INTO atlas_sprites (movie_key, sheet, slot) VALUES (?, ?, ?)');
    for (const sp of sprites) p.run(sp.key, sp.sheet, sp.slot);
  });
}

export function loadSheet(library: Library, sheet: number): Buffer | undefined {
  const r = library.db.prepare('SELECT jpeg FROM atlas_sheets WHERE sheet = ?').get(sheet) as { jpeg: Buffer } | undefined;
  return r?.jpeg;
}

export function loadSprites(library: Library): Map<number, { sheet: number; slot: number }> {
  return new Map((library.db.prepare('SELECT * FROM atlas_sprites').all() as Row[]).map((r) => [r.movie_key as number, { sheet: r.sheet as number, slot: r.slot as number }]));
}
