/**
 * The stills atlas as the web app draws it, in columns (one array per field, a still's values at
 * the same index): at 132,617 stills an array of objects would repeat every field name per still
 * (≈ 20 MB of JSON against ≈ 6 MB in columns), and the page builds its points from the columns.
 */
import { stillsAtlasMeta, type StillsAtlasMeta } from '../../stills/stills-atlas.js';
import type { Store } from '../../store/store.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'movies' | 'stillsAtlas'>;

export interface StillsAtlasView {
  meta: Omit<StillsAtlasMeta, 'plane' | 'basis'>;
  /** The films on the map; `film` below indexes this list. */
  films: { id: string; title: string; year: number | null }[];
  stills: {
    film: number[];
    seq: number[];
    /** Position in the PCA plane (0–1), four decimals. */
    x: number[];
    y: number[];
    cell: number[];
    cluster: number[];
    /** Dominant hue in degrees, -1 for none. */
    hue: number[];
    sheet: number[];
    slot: number[];
  };
}

/** undefined when no stills atlas has been built. */
export async function stillsAtlasView(library: StoreParts): Promise<StillsAtlasView | undefined> {
  const meta = await stillsAtlasMeta(library);
  if (!meta) return undefined;
  const rows = await library.stillsAtlas.view();
  const films = [...new Set(rows.map((r) => r.movieKey))];
  const movies = await library.movies.byKeys(films);
  const filmIndex = new Map(films.map((key, i) => [key, i]));
  const { plane: _plane, basis: _basis, ...shown } = meta;
  return {
    meta: shown,
    films: films.map((key) => ({ id: movies.get(key)!.id, title: movies.get(key)!.title, year: movies.get(key)!.year })),
    stills: {
      film: rows.map((r) => filmIndex.get(r.movieKey)!),
      seq: rows.map((r) => r.seq),
      x: rows.map((r) => r.x),
      y: rows.map((r) => r.y),
      cell: rows.map((r) => r.cell),
      cluster: rows.map((r) => r.cluster),
      hue: rows.map((r) => r.hue),
      sheet: rows.map((r) => r.sheet),
      slot: rows.map((r) => r.slot),
    },
  };
}
