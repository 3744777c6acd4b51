/** Typed calls to the Marquee HTTP API. */
export interface Result {
  id: string;
  title: string;
  year: number | null;
  score: number;
  genres: string[];
  countries: string[];
  scores: Record<string, number | null>;
}

export interface Movie {
  id: string;
  title: string;
  year: number | null;
  genres: string[];
  countries: string[];
  overview: string;
  tagline: string;
  hasPoster: boolean;
  palette: { hex: string; share: number }[];
  faces: number;
  stills: number;
  predictedGenres: { genre: string; p: number }[] | null;
  neighbours: Record<string, Result[]>;
}

export interface Pair {
  a: string;
  b: string;
  score: number;
  channel: string;
  duplicate: boolean;
}

/**
 * A server started with MARQUEE_READ_ACCESS=token answers 401: ask for the token once and keep
 * it in a same-site cookie, which the server accepts for reads (never for changes).
 */
export function askForTokenOn401(res: Response): void {
  if (res.status !== 401) return;
  const token = window.prompt('This Marquee server needs its access token:');
  if (token) {
    document.cookie = `marquee_token=${encodeURIComponent(token.trim())}; path=/; SameSite=Strict`;
    location.reload();
  }
}

async function json<T>(res: Response): Promise<T> {
  askForTokenOn401(res);
  const body = (await res.json()) as T & { error?: { message: string } };
  if (!res.ok) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
  return body;
}

export const thumbUrl = (id: string) => `/api/movies/${encodeURIComponent(id)}/thumbnail`;
export const posterUrl = (id: string) => `/api/movies/${encodeURIComponent(id)}/poster`;
export const explainUrl = (a: string, b: string) => `/api/explain?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`;

export async function searchJson(body: Record<string, unknown>): Promise<Result[]> {
  const res = await fetch('/api/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await json<{ results: Result[] }>(res)).results;
}

export async function searchImage(files: { image: Blob; image2?: Blob }, fields: Record<string, string>): Promise<Result[]> {
  const form = new FormData();
  form.append('image', files.image, 'image');
  if (files.image2) form.append('image2', files.image2, 'image2');
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return (await json<{ results: Result[] }>(await fetch('/api/search/image', { method: 'POST', body: form }))).results;
}

export async function movie(id: string): Promise<Movie> {
  return json<Movie>(await fetch(`/api/movies/${encodeURIComponent(id)}`));
}

export async function pairs(channel: string, k: number): Promise<Pair[]> {
  return (await json<{ pairs: Pair[] }>(await fetch(`/api/pairs?channel=${channel}&k=${k}`))).pairs;
}

export async function dupes(): Promise<string[][]> {
  return (await json<{ groups: string[][] }>(await fetch('/api/dupes'))).groups;
}

export interface MovieLook {
  id: string;
  title: string;
  stills: number;
  palette: { hex: string; name: string; share: number }[];
  hsl: {
    hueDistribution: { hue: number; share: number }[];
    chromaticShare: number;
    saturation: { mean: number; spread: number };
    lightness: { mean: number; spread: number };
    warmCoolBalance: number;
    lowKeyShare: number;
    highKeyShare: number;
    key: string;
  };
  barcode: string[];
  faces: { scanned: number; withFaces: number; closeUps: number; meanFaces: number };
  frames: { seq: number; timestamp: number | null }[];
}

export interface MovieMatch {
  id: string;
  title: string;
  score: number;
  parts?: Record<string, number>;
}

export const barcodeUrl = (id: string) => `/api/movies/${encodeURIComponent(id)}/barcode`;
export const stillUrl = (id: string, seq: number) => `/api/movies/${encodeURIComponent(id)}/stills/${seq}/thumbnail`;

export async function movieLook(id: string): Promise<MovieLook> {
  return json<MovieLook>(await fetch(`/api/movies/${encodeURIComponent(id)}/look`));
}

export async function similarLooks(id: string, k = 8): Promise<MovieMatch[]> {
  return (await json<{ movies: MovieMatch[] }>(await fetch(`/api/movies/${encodeURIComponent(id)}/looks?k=${k}`))).movies;
}

export async function whichMovie(image: Blob): Promise<MovieMatch[]> {
  const form = new FormData();
  form.append('image', image, 'still');
  form.append('k', '5');
  return (await json<{ movies: MovieMatch[] }>(await fetch('/api/stills/which-movie', { method: 'POST', body: form }))).movies;
}

export async function moviesWithStills(): Promise<{ id: string; title: string; year: number | null; stills: number }[]> {
  return (await json<{ movies: { id: string; title: string; year: number | null; stills: number }[] }>(await fetch('/api/stills'))).movies;
}
