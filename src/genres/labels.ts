/** The 18 MovieLens genres the genre models predict. */
export const GENRES = [
  'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy',
  'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western',
] as const;

export type Genre = (typeof GENRES)[number];

const INDEX = new Map<string, number>(GENRES.map((g, i) => [g.toLowerCase(), i]));

/** Multi-hot vector of a movie's genres (unknown genre names are ignored). */
export function multiHot(genres: string[]): Uint8Array {
  const y = new Uint8Array(GENRES.length);
  for (const g of genres) {
    const i = INDEX.get(g.toLowerCase());
    if (i !== undefined) y[i] = 1;
  }
  return y;
}
