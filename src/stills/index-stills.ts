/**
 * Indexes a stills folder: every still gets the poster channels (content embedding, colour
 * histogram, layout) plus its HSL statistics and palette, linked to its movie and ordered.
 * Incremental (a still whose bytes and channel versions are unchanged is skipped), resumable
 * (each batch is one transaction), and a movie's look and barcode are recomputed only when its
 * stills changed. Stills are joined to existing movies by imdb_id, then by id; otherwise the
 * movie is created from the stills' metadata.
 */
import { resolve } from 'node:path';
import { readPosterBytes } from '../image/read-image-file.js';
import { decodeForIndex, DEFAULT_LIMITS } from '../image/decode.js';
import { ANALYSIS_HEIGHT, ANALYSIS_WIDTH, COLOR_MODEL, designFeatures, LAYOUT_MODEL, PALETTE_VERSION } from '../design/design-features.js';
import type { ImageEmbeddingModel } from '../models/types.js';
import { catalogJoins } from './catalog-join.js';
import type { Store } from '../store/store.js';
import { LOOK_STATS_VERSION, lookStats } from '../image/look-stats.js';
import { barcodePng, movieLook, stillsHash } from './movie-look.js';
import { readStillsCatalog } from './read-stills.js';
import type { StillRecord } from '../store/types.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'library' | 'movies' | 'stills'>;

export interface StillsIndexProgress {
  done: number;
  total: number;
  indexed: number;
  unchanged: number;
  failed: number;
  rate: number;
  etaSeconds: number | null;
}

export interface StillsIndexSummary {
  folder: string;
  /** The image model the stills' content vectors come from (the library's default). */
  model: string;
  movies: number;
  total: number;
  indexed: number;
  unchanged: number;
  failed: number;
  pruned: number;
  /** Stills films joined to a catalog film by title and year (no IMDb id in their metadata). */
  joinedByTitle: number;
  looksComputed: number;
  interrupted: boolean;
  seconds: number;
  stillsPerSecond: number;
  problems: { item: string; reason: string }[];
}

export interface StillsIndexOptions {
  library: StoreParts;
  imageModel: ImageEmbeddingModel;
  batchSize?: number;
  onProgress?: (p: StillsIndexProgress) => void;
  shouldStop?: () => boolean;
}

export function stillVersions(model: { id: string; version: string }): string {
  return [`${model.id}@${model.version}`, `${COLOR_MODEL.id}@${COLOR_MODEL.version}`, `${LAYOUT_MODEL.id}@${LAYOUT_MODEL.version}`, PALETTE_VERSION, LOOK_STATS_VERSION].join('|');
}

interface Job {
  movieKey: number;
  seq: number;
  path: string;
  where: string;
  timestamp: number | null;
}

export async function indexStills(folder: string, opts: StillsIndexOptions): Promise<StillsIndexSummary> {
  const { library, imageModel } = opts;
  const root = resolve(folder);
  const started = performance.now();
  const batchSize = opts.batchSize ?? 16;
  const versions = stillVersions(imageModel);
  const catalog = await readStillsCatalog(root);
  const s: StillsIndexSummary = {
    folder: root, model: imageModel.id, movies: catalog.movies.length, total: 0, indexed: 0, unchanged: 0, failed: 0, pruned: 0, joinedByTitle: 0, looksComputed: 0,
    interrupted: false, seconds: 0, stillsPerSecond: 0, problems: [...catalog.problems],
  };
  if (!(await library.library.getMeta('image_model'))) await library.library.setMeta('image_model', JSON.stringify({ id: imageModel.id, version: imageModel.version, dimension: imageModel.dimension }));

  const jobs: Job[] = [];
  // Joined by imdb_id, else by title and year (catalog-join.ts), then id; created from the stills' metadata only when missing (never overwriting a catalog's).
  const joins = catalogJoins(catalog.movies, await library.movies.titleRows());
  s.joinedByTitle = joins.filter((j) => j !== undefined).length;
  const { keys: movieKeys, pruned } = await library.stills.prepareMovies(
    catalog.movies.map((m, i) => ({
      movie: { id: m.ref, title: m.title, year: m.year, genres: [], countries: [], overview: '', tagline: '', imdbId: m.imdbId, tmdbId: null, extra: {} },
      imdbId: m.imdbId,
      ...(joins[i] ? { joinId: joins[i] } : {}),
      keepSeqs: m.stills.map((x) => x.seq),
    })),
    root,
  );
  s.pruned = pruned;
  catalog.movies.forEach((m, i) => {
    for (const st of m.stills) jobs.push({ movieKey: movieKeys[i]!, seq: st.seq, path: st.path, where: st.where, timestamp: st.timestamp });
  });
  s.total = jobs.length;
  let done = 0;
  const progress = (): void => {
    const rate = done / Math.max((performance.now() - started) / 1000, 1e-3);
    opts.onProgress?.({ done, total: s.total, indexed: s.indexed, unchanged: s.unchanged, failed: s.failed, rate, etaSeconds: rate > 0 ? (s.total - done) / rate : null });
  };

  for (let i = 0; i < jobs.length; i += batchSize) {
    if (opts.shouldStop?.()) {
      s.interrupted = true;
      break;
    }
    const batch = jobs.slice(i, i + batchSize);
    const prepared = await Promise.all(
      batch.map(async (job) => {
        try {
          const { bytes, hash } = await readPosterBytes(job.path);
          const state = await library.stills.state(job.movieKey, job.seq);
          if (state && state.contentHash === hash && state.versions === versions && state.path === job.path) return { job, unchanged: true as const };
          const d = await decodeForIndex(bytes, job.path, { width: imageModel.preprocessing.width, height: imageModel.preprocessing.height, analysisWidth: ANALYSIS_WIDTH, analysisHeight: ANALYSIS_HEIGHT }, DEFAULT_LIMITS);
          const design = designFeatures(d.analysis);
          return { job, hash, decoded: d, design, stats: lookStats(d.analysis) };
        } catch (err) {
          return { job, error: (err as Error).message.replace(`${job.path}: `, '') };
        }
      }),
    );
    const toEmbed = prepared.filter((p): p is Extract<typeof p, { decoded: unknown }> => 'decoded' in p);
    const vectors = await imageModel.embedBatch(toEmbed.map((p) => p.decoded.pixels));
    await library.stills.put(
      toEmbed.map((p, j): StillRecord => ({
          movieKey: p.job.movieKey, seq: p.job.seq, path: p.job.path, timestamp: p.job.timestamp, contentHash: p.hash,
          width: p.decoded.info.width, height: p.decoded.info.height, thumbnail: p.decoded.thumbnail, versions,
          content: vectors[j]!, color: p.design.color, layout: p.design.layout, look: { stats: p.stats, palette: p.design.palette },
      })),
    );
    for (const p of prepared) {
      if ('unchanged' in p) s.unchanged++;
      else if ('error' in p) {
        s.failed++;
        s.problems.push({ item: p.job.where, reason: p.error ?? 'unreadable' });
      } else s.indexed++;
    }
    done += batch.length;
    progress();
  }

  if (!s.interrupted) {
    for (const key of movieKeys) {
      const stills = await library.stills.ofMovie(key);
      const hash = stillsHash(stills);
      if (stills.length === 0 || (await library.stills.lookHash(key)) === hash) continue;
      await library.stills.putLook(key, hash, movieLook(stills), await barcodePng(stills));
      s.looksComputed++;
    }
  }
  s.seconds = (performance.now() - started) / 1000;
  s.stillsPerSecond = (s.indexed + s.unchanged) / Math.max(s.seconds, 1e-3);
  return s;
}
