/** The atlas as the web app draws it: every poster's projections, cell, cluster and sprite, with the labels and tile geometry. */
import type { AtlasMeta } from '../../atlas/build.js';
import { SHEET_SIZE, TILE_H, TILE_W, TILES_PER_ROW } from '../../atlas/sheets.js';
import type { Store } from '../../store/store.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'atlas' | 'movies'>;

export interface AtlasViewPoint {
  id: string;
  title: string;
  year: number | null;
  genres: string[];
  cluster: number;
  pca: [number, number];
  umap: [number, number];
  tsne: [number, number];
  cell: number;
  /** Texture-atlas sheet and slot of its thumbnail (-1 when the sheets predate the poster). */
  sheet: number;
  slot: number;
}

export interface AtlasView {
  meta: AtlasMeta & { tile: { width: number; height: number; perRow: number; sheetSize: number } };
  points: AtlasViewPoint[];
}

/** undefined when no atlas of that channel has been built. */
export async function atlasView(library: StoreParts, channel: string): Promise<AtlasView | undefined> {
  const meta = await library.atlas.loadMeta<AtlasMeta>(channel);
  if (!meta) return undefined;
  const points = await library.atlas.loadPoints(channel);
  const sprites = await library.atlas.loadSprites();
  const movies = await library.movies.byKeys(points.map((p) => p.key));
  return {
    meta: { ...meta, tile: { width: TILE_W, height: TILE_H, perRow: TILES_PER_ROW, sheetSize: SHEET_SIZE } },
    // A movie deleted since the atlas was built is left out.
    points: points.filter((p) => movies.has(p.key)).map((p) => {
      const m = movies.get(p.key)!;
      const sp = sprites.get(p.key);
      return { id: m.id, title: m.title, year: m.year, genres: m.genres, cluster: p.cluster, pca: p.pca, umap: p.umap, tsne: p.tsne, cell: p.cell, sheet: sp?.sheet ?? -1, slot: sp?.slot ?? -1 };
    }),
  };
}
