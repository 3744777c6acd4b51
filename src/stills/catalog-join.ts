/**
 * Which catalog film a stills film is, when its stills metadata has no IMDb id (the demo's
 * stills/movies.csv has slug, title and year only): the one catalog film with the same title
 * (case, accents and punctuation aside) within a year of it — release years differ by country
 * (Monty Python and the Holy Grail is 1974 in the catalog, 1975 in the stills). None when two
 * films could be meant: a wrong join would merge two films' stills and posters.
 */
import type { TitleRow } from '../store/types.js';

export interface StillsFilm {
  /** The stills film's own id (its folder's slug). */
  ref: string;
  title: string;
  year: number | null;
  imdbId: string | null;
}

const normalTitle = (t: string): string =>
  t
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/** For each stills film, the id of the catalog film it is (by title and year), or undefined. */
export function catalogJoins(films: StillsFilm[], catalog: TitleRow[]): (string | undefined)[] {
  const byTitle = new Map<string, TitleRow[]>();
  for (const row of catalog) {
    const key = normalTitle(row.title);
    byTitle.set(key, [...(byTitle.get(key) ?? []), row]);
  }
  return films.map((f) => {
    if (f.imdbId || f.year === null) return undefined;
    const same = (byTitle.get(normalTitle(f.title)) ?? []).filter((r) => r.id !== f.ref && r.year !== null && Math.abs(r.year - f.year!) <= 1);
    return same.length === 1 ? same[0]!.id : undefined;
  });
}
