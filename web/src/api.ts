/**
 * Typed calls to the Marquee HTTP API. The JSON shapes are the server's own types (type-only
 * imports, erased from the bundle), so the client cannot drift from what the server sends.
 */
import type { ClosestPair } from '../../src/analysis/pairs.js';
import type { SearchResult } from '../../src/search/query.js';
import type { MovieLook as StoredLook } from '../../src/stills/movie-look.js';
import type { LookMatch } from '../../src/stills/looks.js';
import type { WhichMovieAnswer, WhichMovieResult } from '../../src/stills/service.js';
import type { MovieFaceStats } from '../../src/stills/still-faces.js';
import type { AtlasView, AtlasViewPoint } from '../../src/server/services/atlas-view.js';
import type { StillsAtlasView } from '../../src/server/services/stills-atlas-view.js';
import type { MoviePage } from '../../src/server/services/movie-page.js';
import type { AnalysisProgress, DuplicateGroups } from '../../src/server/services/analysis-results.js';
import type { Identification } from '../../src/search/identify.js';
import type { FilmView } from '../../src/films/service.js';
import type { TextLine } from '../../src/text/types.js';
import type { MeasureInfo } from '../../src/trends/measures.js';
import type { Trend as TrendData } from '../../src/trends/trend-table.js';
import type { FilmPosters as FilmPostersData } from '../../src/analysis/film-posters.js';
import type { Borrowing as BorrowingData } from '../../src/analysis/borrowings.js';
import type { PosterVsFilm as PosterVsFilmData } from '../../src/analysis/poster-vs-film.js';
import type { TypicalPeriod as TypicalPeriodData } from '../../src/trends/typical-posters.js';
import type { Job as StoredJob, KindCounts } from '../../src/jobs/job-queue.js';

export type Line = TextLine;
/** The film an image search's upload shows, when the evidence is strong (null: not in the catalog). */
export type Identified = Identification['match'];

/** GET /api/movies/{id}/text */
export interface PosterTextAnswer {
  state: 'read' | 'failed' | 'pending';
  lines: Line[];
  error: string | null;
}

/** GET /api/text/status */
export interface TextStatus {
  read: number;
  failed: number;
  pending: number;
  /** Read posters whose small print is still to read (a later job). */
  smallPrint: number;
  running: boolean;
  rate?: number;
}

export type Result = SearchResult;
export type Pair = ClosestPair;
export type { FilmView };

/** GET /api/movies/{id} */
export type Movie = MoviePage;

/** GET /api/atlas */
export type Atlas = AtlasView;
/** GET /api/stills/atlas */
export type StillsAtlas = StillsAtlasView;
export type AtlasPoint = AtlasViewPoint;

/** GET /api/movies/{id}/look */
export type MovieLook = StoredLook & { id: string; title: string; faces: MovieFaceStats; frames: { seq: number; timestamp: number | null }[] };

/** A movie in /looks and /which-movie answers (only /looks has parts). */
export type MovieMatch = WhichMovieResult & Partial<Pick<LookMatch, 'parts'>>;

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

/** An API error reply: pages choose what to say by its code, never by its text. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function json<T>(res: Response): Promise<T> {
  askForTokenOn401(res);
  const body = (await res.json()) as T & { error?: { code: string; message: string } };
  if (!res.ok) throw new ApiError(body.error?.code ?? `http_${res.status}`, body.error?.message ?? `HTTP ${res.status}`);
  return body;
}

export const thumbUrl = (id: string) => `/api/movies/${encodeURIComponent(id)}/thumbnail`;
export const posterUrl = (id: string) => `/api/movies/${encodeURIComponent(id)}/poster`;
/** PNG explaining why a and b match on a channel, drawn over one side's poster. */
export const explainUrl = (a: string, b: string, channel: string, side: 'a' | 'b') =>
  `/api/explain?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}&channel=${encodeURIComponent(channel)}&side=${side}`;

export interface SharedColour {
  a: { hex: string; share: number };
  b: { hex: string; share: number };
  deltaE: number;
}

/** GET /api/explain/colors: the palette colours two posters share. */
export async function sharedColours(a: string, b: string): Promise<SharedColour[]> {
  return (await json<{ shared: SharedColour[] }>(await fetch(`/api/explain/colors?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`))).shared;
}

export type GenreModelStatus = Movie['genreModel'];

/** GET /api/genres/status (never prompts for the token). */
export async function genreStatus(): Promise<GenreModelStatus | null> {
  const res = await fetch('/api/genres/status');
  return res.ok ? ((await res.json()) as GenreModelStatus) : null;
}

/** GET /api/models: the library's image models, the default first. */
export interface ImageModelInfo {
  id: string;
  dimension: number;
  metric: string;
  default: boolean;
}

/** Never prompts for the token (the page's own search does; the page reloads once it is given). */
export async function imageModels(): Promise<ImageModelInfo[]> {
  const res = await fetch('/api/models');
  return res.ok ? ((await res.json()) as { models: ImageModelInfo[] }).models : [];
}

export async function searchJson(body: Record<string, unknown>): Promise<Result[]> {
  const res = await fetch('/api/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await json<{ results: Result[] }>(res)).results;
}

export async function searchImage(files: { image: Blob; image2?: Blob }, fields: Record<string, string>): Promise<{ results: Result[]; identified: Identified }> {
  const form = new FormData();
  form.append('image', files.image, 'image');
  if (files.image2) form.append('image2', files.image2, 'image2');
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const body = await json<{ results: Result[]; identified?: Identified }>(await fetch('/api/search/image', { method: 'POST', body: form }));
  return { results: body.results, identified: body.identified ?? null };
}

/** POST /api/identify: which catalog film an upload shows (read once by the server: it caches uploads by content). */
export async function identifyUpload(image: Blob): Promise<Identification> {
  const form = new FormData();
  form.append('image', image, 'image');
  return json<Identification>(await fetch('/api/identify', { method: 'POST', body: form }));
}

export async function posterText(id: string): Promise<PosterTextAnswer> {
  return json<PosterTextAnswer>(await fetch(`/api/movies/${encodeURIComponent(id)}/text`));
}

/** The OCR pass's progress, or null when it cannot be read (never prompts for the token: the page's own requests do). */
export async function textStatus(): Promise<TextStatus | null> {
  const res = await fetch('/api/text/status');
  return res.ok ? ((await res.json()) as TextStatus) : null;
}

/** GET /api/movies/{id}/summary */
export interface MovieSummary {
  id: string;
  title: string;
  year: number | null;
  genres: string[];
  countries: string[];
  hasPoster: boolean;
}

export async function movieSummary(id: string): Promise<MovieSummary> {
  return json<MovieSummary>(await fetch(`/api/movies/${encodeURIComponent(id)}/summary`));
}

export async function movie(id: string): Promise<Movie> {
  return json<Movie>(await fetch(`/api/movies/${encodeURIComponent(id)}`));
}

export async function pairs(channel: string, k: number): Promise<Pair[]> {
  return (await json<{ pairs: Pair[] }>(await fetch(`/api/pairs?channel=${channel}&k=${k}`))).pairs;
}

export async function dupes(): Promise<DuplicateGroups> {
  return json<DuplicateGroups>(await fetch('/api/dupes'));
}

export type { AnalysisProgress, DuplicateGroups };

/** GET /api/analyses/status (never prompts for the token). */
export async function analysesStatus(): Promise<{ pairs: Record<string, AnalysisProgress>; dupes: AnalysisProgress } | null> {
  const res = await fetch('/api/analyses/status');
  return res.ok ? ((await res.json()) as { pairs: Record<string, AnalysisProgress>; dupes: AnalysisProgress }) : null;
}

export const barcodeUrl = (id: string) => `/api/movies/${encodeURIComponent(id)}/barcode`;
export const stillUrl = (id: string, seq: number) => `/api/movies/${encodeURIComponent(id)}/stills/${seq}/thumbnail`;

export async function movieLook(id: string): Promise<MovieLook> {
  return json<MovieLook>(await fetch(`/api/movies/${encodeURIComponent(id)}/look`));
}

export async function similarLooks(id: string, k = 8): Promise<MovieMatch[]> {
  return (await json<{ movies: MovieMatch[] }>(await fetch(`/api/movies/${encodeURIComponent(id)}/looks?k=${k}`))).movies;
}

/** POST /api/stills/which-movie */
export type WhichMovie = WhichMovieAnswer;

export async function whichMovie(image: Blob): Promise<WhichMovie> {
  const form = new FormData();
  form.append('image', image, 'still');
  form.append('k', '5');
  return json<WhichMovie>(await fetch('/api/stills/which-movie', { method: 'POST', body: form }));
}

export async function moviesWithStills(): Promise<{ id: string; title: string; year: number | null; stills: number }[]> {
  return (await json<{ movies: { id: string; title: string; year: number | null; stills: number }[] }>(await fetch('/api/stills'))).movies;
}

/** A movie's film (shots, rhythm), or null when no video of it was indexed. */
export async function filmShots(id: string): Promise<FilmView | null> {
  try {
    return await json<FilmView>(await fetch(`/api/movies/${encodeURIComponent(id)}/shots`));
  } catch (err) {
    if (err instanceof ApiError && err.code === 'no_shots') return null;
    throw err;
  }
}

export async function filmList(): Promise<{ id: string; title: string; shotCount: number; asl: number; duration: number }[]> {
  return (await json<{ films: { id: string; title: string; shotCount: number; asl: number; duration: number }[] }>(await fetch('/api/films'))).films;
}

export const filmBarcodeUrl = (id: string) => `/api/movies/${encodeURIComponent(id)}/film-barcode`;

export type { Trend } from '../../src/trends/trend-table.js';
export type TrendMeasure = MeasureInfo & { posters: number };

/** The trend measures of the library, and how many posters have a value for each. */
export async function trendMeasures(): Promise<TrendMeasure[]> {
  return (await json<{ measures: TrendMeasure[] }>(await fetch('/api/trends/measures'))).measures;
}

/** What a trend chart asks: measure, period, filters (the page's URL query carries the same names). */
export interface TrendParams {
  measure: string;
  by: 'year' | 'decade';
  genre?: string;
  country?: string;
  mainOnly?: boolean;
}

const trendQuery = (p: TrendParams): string => {
  const q = new URLSearchParams({ measure: p.measure, by: p.by });
  if (p.genre) q.set('genre', p.genre);
  if (p.country) q.set('country', p.country);
  if (p.mainOnly) q.set('mainOnly', 'true');
  return q.toString();
};

export async function trend(p: TrendParams): Promise<TrendData> {
  return json<TrendData>(await fetch(`/api/trends?${trendQuery(p)}`));
}

export const trendCsvUrl = (p: TrendParams): string => `/api/trends/csv?${trendQuery(p)}`;

export type { FilmPosters } from '../../src/analysis/film-posters.js';

/** Every poster of a film, grouped into designs (GET /api/movies/{id}/posters). */
export async function filmPosters(id: string): Promise<FilmPostersData> {
  return json<FilmPostersData>(await fetch(`/api/movies/${encodeURIComponent(id)}/posters`));
}

export const posterThumbUrl = (id: string, rank: number) => `/api/movies/${encodeURIComponent(id)}/posters/${rank}/thumbnail`;
export const posterImageUrl = (id: string, rank: number) => `/api/movies/${encodeURIComponent(id)}/posters/${rank}/image`;

export type { Borrowing } from '../../src/analysis/borrowings.js';

/** The library's most unusual borrowings on a channel (computed once per library state; the first call takes a while). */
export async function borrowings(channel: string, k = 60): Promise<BorrowingData[]> {
  return (await json<{ borrowings: BorrowingData[] }>(await fetch(`/api/borrowings?channel=${encodeURIComponent(channel)}&k=${k}`))).borrowings;
}

/** Later posters that look like a film's poster (or earlier ones it looks like). */
export async function movieBorrowings(id: string, channel: string, direction: 'later' | 'earlier', k = 8): Promise<BorrowingData[]> {
  return (await json<{ borrowings: BorrowingData[] }>(await fetch(`/api/movies/${encodeURIComponent(id)}/borrowings?channel=${encodeURIComponent(channel)}&direction=${direction}&k=${k}`))).borrowings;
}

export type { PosterVsFilm } from '../../src/analysis/poster-vs-film.js';

/** A film's poster against its look, or null when it lacks a poster or stills. */
export async function posterVsFilm(id: string): Promise<PosterVsFilmData | null> {
  try {
    return await json<PosterVsFilmData>(await fetch(`/api/movies/${encodeURIComponent(id)}/poster-vs-film`));
  } catch (err) {
    if (err instanceof ApiError && err.code === 'no_stills') return null;
    throw err;
  }
}

export async function posterVsFilmRanking(order: 'most' | 'least', k = 50): Promise<PosterVsFilmData[]> {
  return (await json<{ films: PosterVsFilmData[] }>(await fetch(`/api/poster-vs-film?order=${order}&k=${k}`))).films;
}

export type { TypicalPeriod } from '../../src/trends/typical-posters.js';

const filterQuery = (p: Omit<TrendParams, 'measure'>): URLSearchParams => {
  const q = new URLSearchParams({ by: p.by });
  if (p.genre) q.set('genre', p.genre);
  if (p.country) q.set('country', p.country);
  if (p.mainOnly) q.set('mainOnly', 'true');
  return q;
};

/** The typical posters (medoids) of each period under the filters. */
export async function typicalPosters(p: Omit<TrendParams, 'measure'>): Promise<TypicalPeriodData[]> {
  return (await json<{ periods: TypicalPeriodData[] }>(await fetch(`/api/trends/typical?${filterQuery(p)}`))).periods;
}

export const averagePosterUrl = (p: Omit<TrendParams, 'measure'>, period: string): string => {
  const q = filterQuery(p);
  q.set('period', period);
  return `/api/trends/average?${q}`;
};

/** GET /api/jobs: a job with the rate and ETA of its running try. */
export type Job = StoredJob & { rate: number | null; etaSeconds: number | null };
export interface JobsView {
  kinds: KindCounts[];
  jobs: Job[];
  cpuBudget: number;
}

export async function jobs(): Promise<JobsView> {
  return json<JobsView>(await fetch('/api/jobs?limit=50'));
}

/**
 * A change to the job queue (start, cancel, retry, pause, resume): writes need the token in a
 * header (the cookie never authorises a change), asked for once and kept for the tab.
 */
export async function jobAction(path: string): Promise<void> {
  let token = sessionStorage.getItem('marquee_write_token');
  if (!token) {
    token = window.prompt('Changing jobs needs the server\'s token (MARQUEE_TOKEN):')?.trim() ?? '';
    if (!token) return;
    sessionStorage.setItem('marquee_write_token', token);
  }
  const res = await fetch(path, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  if (res.status === 401 || res.status === 403) sessionStorage.removeItem('marquee_write_token');
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string } };
    throw new ApiError(body.error?.code ?? `http_${res.status}`, body.error?.message ?? `HTTP ${res.status}`);
  }
}

/**
 * GET /api/atlas. A fresh `npm start` builds it in a background job: while the reply is
 * `atlas_building`, `waiting` hears why and the atlas is asked for again every 3 s; undefined
 * when `signal` aborted meanwhile.
 */
export function atlas(signal: AbortSignal, waiting: (error: ApiError) => void): Promise<Atlas | undefined> {
  return whenBuilt<Atlas>('/api/atlas', signal, waiting);
}

/** GET /api/stills/atlas: the map of every still (built by a job after `marquee index --stills --background`), waited for as the atlas is. */
export function stillsAtlas(signal: AbortSignal, waiting: (error: ApiError) => void): Promise<StillsAtlas | undefined> {
  return whenBuilt<StillsAtlas>('/api/stills/atlas', signal, waiting);
}

async function whenBuilt<T>(url: string, signal: AbortSignal, waiting: (error: ApiError) => void): Promise<T | undefined> {
  for (;;) {
    try {
      const data = await json<T>(await fetch(url, { signal }));
      return signal.aborted ? undefined : data;
    } catch (err) {
      if (signal.aborted) return undefined;
      if (!(err instanceof ApiError) || err.code !== 'atlas_building') throw err;
      waiting(err);
      await new Promise((r) => setTimeout(r, 3000));
      if (signal.aborted) return undefined;
    }
  }
}

/** GET /api/atlas/sheets/{n}: a JPEG of thumbnail tiles. */
export function atlasSheet(sheet: number): Promise<Blob> {
  return sheetBlob(`/api/atlas/sheets/${sheet}`, `atlas sheet ${sheet}`);
}

/** GET /api/stills/atlas/sheets/{n}: a JPEG of 16:9 still tiles. */
export function stillsAtlasSheet(sheet: number): Promise<Blob> {
  return sheetBlob(`/api/stills/atlas/sheets/${sheet}`, `stills atlas sheet ${sheet}`);
}

async function sheetBlob(url: string, what: string): Promise<Blob> {
  const res = await fetch(url);
  askForTokenOn401(res);
  if (!res.ok) throw new ApiError(`http_${res.status}`, `${what}: HTTP ${res.status}`);
  return res.blob();
}
