/** Stills queries over one library, shared by the CLI and the server; loaded data is cached until reset(). */
import type { SearchEngine } from '../search/engine.js';
import { clusterStills, type StillsClustering } from './clusters.js';
import { loadMovieStills, similarLooks, type LookMatch, type MovieStills } from './looks.js';
import type { MovieLook } from './movie-look.js';
import { allStills, getBarcode, getMovieLook, type StoredStill } from './store.js';
import { movieFaceStats, stillFaceSummaries, type MovieFaceStats } from './still-faces.js';
import { evaluateWhichMovie, StillsMatcher, type StillsEvaluation } from './which-movie.js';

export class StillsError extends Error {
  override name = 'StillsError';
  constructor(
    /** unknown_movie: no such movie id; no_stills: the library or the movie has no stills (yet). */
    readonly kind: 'unknown_movie' | 'no_stills',
    message: string,
  ) {
    super(message);
  }
}

export interface WhichMovieResult {
  id: string;
  title: string;
  score: number;
}

export class StillsService {
  private stillsCache?: StoredStill[];
  private moviesCache?: MovieStills[];
  private matcherCache?: StillsMatcher;
  private readonly clustersCache = new Map<string, StillsClustering>();

  constructor(readonly engine: SearchEngine) {}

  reset(): void {
    this.stillsCache = undefined;
    this.moviesCache = undefined;
    this.matcherCache = undefined;
    this.clustersCache.clear();
  }

  private matcher(): StillsMatcher {
    this.matcherCache ??= new StillsMatcher(this.stills());
    return this.matcherCache;
  }

  private stills(): StoredStill[] {
    this.stillsCache ??= allStills(this.engine.library);
    if (this.stillsCache.length === 0) throw new StillsError('no_stills', `library ${this.engine.library.path} has no stills: run "marquee index --stills <folder>"`);
    return this.stillsCache;
  }

  private movies(): MovieStills[] {
    this.moviesCache ??= loadMovieStills(this.engine.library);
    return this.moviesCache;
  }

  private keyOf(id: string): number {
    const key = this.engine.library.keyOf(id);
    if (key === undefined) throw new StillsError('unknown_movie', `no movie with id "${id}"`);
    return key;
  }

  look(id: string): (MovieLook & { id: string; title: string; faces: MovieFaceStats }) | undefined {
    const key = this.keyOf(id);
    const look = getMovieLook(this.engine.library, key);
    return look ? { id, title: this.engine.library.getMovie(id)!.title, ...look, faces: movieFaceStats(this.engine.library, key) } : undefined;
  }

  barcode(id: string): Buffer | undefined {
    return getBarcode(this.engine.library, this.keyOf(id));
  }

  similarLooks(id: string, k = 20): LookMatch[] {
    this.keyOf(id);
    try {
      return similarLooks(this.movies(), id, k);
    } catch (err) {
      throw new StillsError('no_stills', (err as Error).message);
    }
  }

  async whichMovie(bytes: Buffer, source: string, k = 5): Promise<WhichMovieResult[]> {
    const matcher = this.matcher();
    const q = await this.engine.describeImage({ bytes, source });
    const ranked = matcher.rank(q).slice(0, k);
    const movies = this.engine.library.getMoviesByKeys(ranked.map((r) => r.key));
    return ranked.map((r) => ({ id: movies.get(r.key)!.id, title: movies.get(r.key)!.title, score: r.score }));
  }

  private names(): Map<number, { id: string; title: string }> {
    const stills = this.stills();
    const movies = this.engine.library.getMoviesByKeys([...new Set(stills.map((s) => s.movieKey))]);
    return new Map([...movies].map(([k, m]) => [k, { id: m.id, title: m.title }]));
  }

  evaluate(window = 2): StillsEvaluation {
    return evaluateWhichMovie(this.matcher(), this.names(), window);
  }

  /** Kinds of shot; computed once per options until reset(). */
  clusters(opts: { k?: number; seed?: number } = {}): StillsClustering {
    const key = `${opts.k ?? ''}/${opts.seed ?? ''}`;
    let c = this.clustersCache.get(key);
    if (!c) {
      const names = this.names();
      c = clusterStills(this.stills(), new Map([...names].map(([k, v]) => [k, v.id])), { ...opts, faces: stillFaceSummaries(this.engine.library) });
      this.clustersCache.set(key, c);
    }
    return c;
  }
}
