/**
 * Poster vs film: how a film's main poster's colours compare with the film's own look (the pooled
 * palette of its stills, or of its shots' keyframes when a video was indexed: both are stills).
 * The ranking measure is the palette distance (earth mover's distance in CIELAB ΔE, the same one
 * the looks comparison uses); beside it the lightness difference (mean L*, poster − film), the
 * chroma difference, and the difference of the chroma-weighted mean hue angles (null when either
 * side is nearly colourless). Everything comes from stored palettes and looks: nothing is decoded.
 */
import { paletteDistance } from '../design/palette-distance.js';
import type { PaletteColor } from '../design/palette.js';
import type { MovieLook } from '../stills/movie-look.js';
import type { Store } from '../store/store.js';
import { MarqueeError } from '../util/errors.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'movies' | 'posters' | 'stills'>;

export interface ColourSide {
  /** Mean CIELAB lightness L* (0–100), share-weighted over the palette. */
  lightness: number;
  /** Mean CIELAB chroma of the palette colours. */
  chroma: number;
  /** Chroma-weighted mean hue angle in degrees (null: nearly colourless). */
  hue: number | null;
  palette: PaletteColor[];
}

export interface PosterVsFilm {
  id: string;
  title: string;
  year: number | null;
  /** Earth mover's distance between the two palettes, in ΔE: 0 the same colours. */
  paletteDistance: number;
  /** Poster minus film. */
  lightnessDifference: number;
  chromaDifference: number;
  /** Smallest angle between the mean hues (0–180), null when either has no hue. */
  hueDifference: number | null;
  poster: ColourSide;
  film: ColourSide & { stills: number };
}

/** Below this chroma-weighted chroma a palette has no meaningful hue. */
const HUE_MIN_CHROMA = 8;

const round = (x: number, d = 100): number => Math.round(x * d) / d;

export function colourSide(palette: PaletteColor[]): ColourSide {
  const total = palette.reduce((s, c) => s + c.share, 0) || 1;
  let lightness = 0, chroma = 0, sx = 0, sy = 0;
  for (const c of palette) {
    const [L, a, b] = c.lab;
    const w = c.share / total;
    const C = Math.hypot(a, b);
    lightness += w * L;
    chroma += w * C;
    // (a, b) = C (cos h, sin h): summing them weighs each hue by its chroma.
    sx += w * a;
    sy += w * b;
  }
  const hue = chroma >= HUE_MIN_CHROMA && Math.hypot(sx, sy) > 1e-6 ? ((Math.atan2(sy, sx) * 180) / Math.PI + 360) % 360 : null;
  return { lightness: round(lightness), chroma: round(chroma), hue: hue === null ? null : round(hue, 10), palette };
}

function compare(id: string, title: string, year: number | null, posterPalette: PaletteColor[], look: MovieLook): PosterVsFilm {
  const poster = colourSide(posterPalette);
  const film = { ...colourSide(look.palette), stills: look.stills };
  const hueGap = poster.hue === null || film.hue === null ? null : Math.abs(((poster.hue - film.hue + 540) % 360) - 180);
  return {
    id, title, year,
    paletteDistance: round(paletteDistance(posterPalette, look.palette)),
    lightnessDifference: round(poster.lightness - film.lightness),
    chromaDifference: round(poster.chroma - film.chroma),
    hueDifference: hueGap === null ? null : round(hueGap, 10),
    poster,
    film,
  };
}

/** One film's poster against its look; undefined when it has no poster palette or no look (no stills, no video). */
export async function posterVsFilm(store: StoreParts, id: string): Promise<PosterVsFilm | undefined> {
  const m = await store.movies.get(id);
  if (!m) throw new MarqueeError('unknown_movie', `no movie with id "${id}"`);
  const [palette, look] = await Promise.all([store.posters.palette(m.key), store.stills.getLook<MovieLook>(m.key)]);
  return palette?.length && look?.palette.length ? compare(m.id, m.title, m.year, palette, look) : undefined;
}

/** Every film with both a poster and a look, the poster that misrepresents its film most first (`least`: least first). */
export async function posterVsFilmRanking(store: StoreParts, order: 'most' | 'least' = 'most'): Promise<PosterVsFilm[]> {
  const keys = (await store.stills.movies()).map((r) => r.key);
  const movies = await store.movies.byKeys(keys);
  const out: PosterVsFilm[] = [];
  for (const key of keys) {
    const m = movies.get(key);
    if (!m) continue;
    const [palette, look] = await Promise.all([store.posters.palette(key), store.stills.getLook<MovieLook>(key)]);
    if (palette?.length && look?.palette.length) out.push(compare(m.id, m.title, m.year, palette, look));
  }
  const sign = order === 'most' ? -1 : 1;
  return out.sort((a, b) => sign * (a.paletteDistance - b.paletteDistance) || a.id.localeCompare(b.id));
}
