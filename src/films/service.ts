/**
 * Films as the CLI and the server show them: a movie's stored analysis (or a video file analysed
 * on the spot, nothing stored), each shot's scale from the faces on its keyframe when stills
 * faces were scanned, and two films' cutting rhythms side by side.
 */
import type { Store } from '../store/store.js';
import type { StoredFaceJson } from '../store/types.js';
import { MarqueeError } from '../util/errors.js';
import { analyseVideo, type FilmAnalysis } from './film-analysis.js';
import type { Shot } from './film-stats.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'faces' | 'films' | 'movies' | 'stills'>;

/** Shot scale from the largest face's share of the frame (box sides are shares of the frame's). */
export type ShotScale = 'close-up' | 'medium' | 'long';

/** Largest face area share at least 6 %: close-up; at least 1 %: medium; smaller: long. No face: no scale. */
export function shotScale(faces: StoredFaceJson[]): ShotScale | null {
  if (faces.length === 0) return null;
  const share = Math.max(...faces.map((f) => f.box.width * f.box.height));
  return share >= 0.06 ? 'close-up' : share >= 0.01 ? 'medium' : 'long';
}

export type FilmShot = Shot & { scale?: ShotScale | null };

export interface FilmView extends Omit<FilmAnalysis, 'keyframeFrames' | 'shots'> {
  movie: { id: string; title: string } | null;
  source: string;
  shots: FilmShot[];
  /** Whether the keyframes' faces were scanned (shot scales are known). */
  scales: boolean;
}

function view(analysis: FilmAnalysis, source: string, movie: FilmView['movie']): FilmView {
  const { keyframeFrames: _drop, ...rest } = analysis;
  void _drop;
  return { ...rest, movie, source, scales: false };
}

export class FilmService {
  constructor(private readonly store: StoreParts) {}

  /** A movie's film; `no_shots` when no video of it was indexed. */
  async film(movieId: string): Promise<FilmView> {
    const movie = await this.store.movies.get(movieId);
    if (!movie) throw new MarqueeError('unknown_movie', `no movie with id "${movieId}"`);
    const key = (await this.store.movies.keyOf(movieId))!;
    const stored = await this.store.films.get<FilmAnalysis>(key);
    if (!stored) throw new MarqueeError('no_shots', `movie "${movieId}" has no analysed film: index its video with "marquee index --video <file> --movie ${movieId}"`);
    const out = view(stored.analysis, stored.source, { id: movieId, title: movie.title });
    // Keyframes are the movie's stills (by timestamp); their faces give each shot's scale.
    const faces = await this.store.faces.stillFaces(key);
    if (faces.size > 0) {
      const byTime = new Map((await this.store.stills.ofMovie(key)).map((s) => [s.timestamp, s.key]));
      out.shots = out.shots.map((s) => {
        const still = byTime.get(s.keyframe);
        return { ...s, scale: still === undefined ? null : shotScale(faces.get(still) ?? []) };
      });
      out.scales = true;
    }
    return out;
  }

  /** Every movie with an analysed film, by title. */
  async list(): Promise<{ id: string; title: string; shotCount: number; asl: number; duration: number }[]> {
    const keys = await this.store.films.movies();
    const movies = await this.store.movies.byKeys(keys);
    const out = [];
    for (const key of keys) {
      const film = await this.store.films.get<FilmAnalysis>(key);
      const m = movies.get(key);
      if (film && m) out.push({ id: m.id, title: m.title, shotCount: film.analysis.shotCount, asl: film.analysis.asl, duration: film.analysis.duration });
    }
    return out.sort((a, b) => a.title.localeCompare(b.title) || a.id.localeCompare(b.id));
  }

  async barcode(movieId: string): Promise<Buffer> {
    const key = await this.store.movies.keyOf(movieId);
    const png = key === undefined ? undefined : await this.store.films.barcode(key);
    if (!png) throw new MarqueeError('no_shots', `movie "${movieId}" has no analysed film`);
    return png;
  }
}

/** A video file analysed without indexing it. */
export async function analyseFile(file: string): Promise<FilmView> {
  const { analysis } = await analyseVideo(file);
  return view(analysis, file, null);
}
