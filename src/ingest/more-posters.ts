/**
 * The films' further posters (posters.csv, several paths in a row): a pass after the main posters,
 * as the tiles pass is. Each further poster is embedded with every image model and design channel
 * of the library (not tiles: genres read a film's main poster) and written with its movie at once
 * (store.writeMorePosters, one transaction per film), so an interrupted pass resumes where it
 * stopped; posters whose bytes and models are unchanged are not decoded again. A film's further
 * posters no longer listed are deleted with everything computed from them; a listed poster that
 * cannot be read is reported and whatever is stored of it is kept.
 */
import { resolve } from 'node:path';
import { DEFAULT_LIMITS, type DecodeLimits } from '../image/decode.js';
import { readCatalog, type MorePosterEntry } from '../catalog/read-catalog.js';
import { NO_META } from '../catalog/poster-listing.js';
import type { MorePosterWrite, Store } from '../store/store.js';
import type { PosterMeta, StoredPoster } from '../store/types.js';
import type { ChannelModel, IndexProblem, IndexProgress } from './indexer.js';
import { designChannelsCurrent, embedPosters, inputSizeOf, isCurrent, posterContent } from './poster-content.js';
import { readPosterBytes } from '../image/read-image-file.js';
import { preparePoster, type PreparedPoster } from './prepare-poster.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'movies' | 'posters' | 'vectors'>;

export interface MorePostersSummary {
  /** Films whose further posters were looked at (listed now, or stored before). */
  films: number;
  /** Further posters the catalog lists. */
  listed: number;
  indexed: number;
  unchanged: number;
  failed: number;
  /** Further posters deleted because the catalog no longer lists them. */
  removed: number;
  interrupted: boolean;
  seconds: number;
  problems: IndexProblem[];
}

export interface MorePostersOptions {
  library: StoreParts;
  /** Every image model of the library, the default first. */
  imageModels: ChannelModel[];
  limits?: DecodeLimits;
  /** Posters embedded per model call. */
  batchSize?: number;
  onProgress?: (p: IndexProgress) => void;
  shouldStop?: () => boolean;
}

interface FilmWork {
  movieKey: number;
  listed: MorePosterEntry[];
  mainMeta: PosterMeta;
  stored: StoredPoster[];
}

interface PosterWork {
  film: FilmWork;
  entry: MorePosterEntry;
  rank: number;
  prepared?: PreparedPoster;
  embedWith: ChannelModel[];
  unchanged: boolean;
  error?: string;
}

const sameMeta = (a: PosterMeta, b: PosterMeta): boolean => a.kind === b.kind && a.country === b.country && a.year === b.year;

export async function indexMorePosters(catalogDir: string, opts: MorePostersOptions): Promise<MorePostersSummary> {
  const { library, imageModels } = opts;
  const started = performance.now();
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const batchSize = opts.batchSize ?? 16;
  const s: MorePostersSummary = { films: 0, listed: 0, indexed: 0, unchanged: 0, failed: 0, removed: 0, interrupted: false, seconds: 0, problems: [] };

  // Which films need a look: those the catalog gives further posters or main-poster meta, and those with further posters stored.
  const storedByMovie = new Map<number, StoredPoster[]>();
  for (const p of await library.posters.all()) storedByMovie.set(p.movieKey, [...(storedByMovie.get(p.movieKey) ?? []), p]);
  const films: FilmWork[] = [];
  for await (const entry of readCatalog(resolve(catalogDir))) {
    if (!entry.record) continue;
    const movieKey = await library.movies.keyOf(entry.record.id);
    if (movieKey === undefined) continue; // the main pass did not get to it (interrupted) or could not use it
    const stored = storedByMovie.get(movieKey) ?? [];
    const mainMeta = entry.mainMeta ?? NO_META;
    const main = stored.find((p) => p.rank === 0);
    const metaChanged = main !== undefined && !sameMeta(main, mainMeta);
    if (!entry.morePosters?.length && !stored.some((p) => p.rank > 0) && !metaChanged) continue;
    films.push({ movieKey, listed: entry.morePosters ?? [], mainMeta, stored });
  }
  s.films = films.length;
  const total = films.reduce((n, f) => n + f.listed.length, 0);
  s.listed = total;
  let done = 0;
  const progress = (): void => {
    const elapsed = (performance.now() - started) / 1000;
    const rate = done / Math.max(elapsed, 1e-3);
    opts.onProgress?.({ done, total, indexed: s.indexed, unchanged: s.unchanged, skipped: 0, failed: s.failed, rate, etaSeconds: rate > 0 ? (total - done) / rate : null });
  };

  const prepare = async (film: FilmWork, entry: MorePosterEntry, rank: number): Promise<PosterWork> => {
    const work: PosterWork = { film, entry, rank, embedWith: [], unchanged: false };
    if (!entry.path) return { ...work, error: entry.error ?? 'no path' };
    try {
      const { bytes, hash } = await readPosterBytes(entry.path);
      const stored = film.stored.find((p) => p.rank > 0 && p.path === entry.path);
      const states = stored && stored.contentHash === hash ? await library.vectors.states(stored.key) : undefined;
      work.embedWith = states ? imageModels.filter((m) => !isCurrent(states.get(m.channel), hash, m.model)) : imageModels;
      if (stored && states && work.embedWith.length === 0 && (await designChannelsCurrent(library, stored.key, hash, states))) work.unchanged = true;
      else work.prepared = await preparePoster(entry.path, bytes, hash, work.embedWith.map(inputSizeOf), limits);
    } catch (err) {
      work.error = (err as Error).message.replace(`${entry.path}: `, '');
    }
    return work;
  };

  const commit = async (film: FilmWork, works: PosterWork[], vectors: Map<PosterWork, Float32Array[]>): Promise<void> => {
    const writes: MorePosterWrite[] = [];
    const keep: string[] = [];
    for (const w of works) {
      const path = w.entry.path;
      const stored = path ? film.stored.find((p) => p.rank > 0 && p.path === path) : undefined;
      if (w.error) {
        s.failed++;
        s.problems.push({ item: w.entry.where, file: w.entry.ref, reason: w.error });
        // What is stored of a poster that cannot be read now is kept (never lost to bad input).
        if (stored) keep.push(stored.path);
        continue;
      }
      keep.push(path!);
      const meta = w.entry.meta;
      if (w.prepared) {
        writes.push({ path: path!, rank: w.rank, meta, content: posterContent(w.prepared, w.embedWith, vectors.get(w)!) });
        s.indexed++;
      } else {
        if (stored && (stored.rank !== w.rank || !sameMeta(stored, meta))) writes.push({ path: path!, rank: w.rank, meta });
        s.unchanged++;
      }
    }
    const main = film.stored.find((p) => p.rank === 0);
    const mainMeta = main && !sameMeta(main, film.mainMeta) ? film.mainMeta : undefined;
    const { removed } = await library.posters.writeMore(film.movieKey, writes, keep, mainMeta);
    s.removed += removed;
  };

  // Films in groups of about batchSize posters: read and decode the group concurrently, embed it per model, write each film.
  for (let i = 0; i < films.length; ) {
    if (opts.shouldStop?.()) {
      s.interrupted = true;
      break;
    }
    const group: FilmWork[] = [];
    let posters = 0;
    while (i < films.length && (group.length === 0 || posters + films[i]!.listed.length <= batchSize)) {
      posters += films[i]!.listed.length;
      group.push(films[i++]!);
    }
    const works = await Promise.all(group.map((film) => Promise.all(film.listed.map((entry, r) => prepare(film, entry, r + 1)))));
    const vectors = await embedPosters(works.flat().filter((w) => w.prepared));
    for (const [g, film] of group.entries()) await commit(film, works[g]!, vectors);
    done += posters;
    progress();
  }
  s.seconds = (performance.now() - started) / 1000;
  return s;
}
