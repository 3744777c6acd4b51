/** Stills queries over one library, shared by the CLI and the server; loaded data is cached until reset(). */
import type { Embedder } from '../search/embedder.js';
import { COLOR_CHANNEL } from '../store/channels.js';
import { defaultImageModel, refOf } from '../store/library-models.js';
import { COLOR_MODEL } from '../design/design-features.js';
import type { Store } from '../store/store.js';
import { StillsError } from './errors.js';
import { clusterStills, type StillsClustering } from './clusters.js';
import { chamfers, LOOK_CANDIDATES, loadMovieStills, movieStillsFromParts, SEGMENTS, similarLooks, type LookMatch, type MovieStills } from './looks.js';
import type { MovieLook } from './movie-look.js';
import type { StoredStill } from '../store/types.js';
import { movieFaceStats, stillFaceSummaries, type MovieFaceStats } from './still-faces.js';
import { CONFIDENT_SCORE, evaluateConfidence, evaluateWhichMovie, StillsMatcher, WHICH_WEIGHTS, type StillsEvaluation } from './which-movie.js';
import { rankStored, storedMatchMeta, StoredMatchQuery } from './stored-match.js';

export { StillsError } from './errors.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'faces' | 'films' | 'library' | 'location' | 'movies' | 'stills' | 'stillsMatch' | 'vectors'>;

export interface WhichMovieResult {
  id: string;
  title: string;
  score: number;
}

/** Which movie an image comes from: the ranked films, and whether the best is a confident answer. */
export interface WhichMovieAnswer {
  movies: WhichMovieResult[];
  /** The best film scores at least `threshold` (measured on the stills); otherwise the image is likely a frame of no indexed film. */
  confident: boolean;
  threshold: number;
}

export class StillsService {
  /** What the loaded stills, matcher and clusterings read (store/revisions.ts). */
  static readonly READS = ['stills', 'films', 'movies'] as const;

  private stillsCache?: StoredStill[];
  /** Each film's look inputs, from the rows of the matcher they were built from. */
  private moviesCache?: { from: StillsMatcher; movies: MovieStills[] };
  /** The last prepared matcher; `current` says whether the library changed since it was read. */
  private ready?: StillsMatcher;
  private current = false;
  private preparing?: Promise<StillsMatcher>;
  private readonly clustersCache = new Map<string, StillsClustering>();
  /** The stored match's query side, for the build it was read from (an engine that ranks from it). */
  private storedCache?: StoredMatchQuery;
  /** Each film's look inputs from the engine's aggregates of that build. */
  private storedMoviesCache?: { builtAt: string; movies: MovieStills[] };

  constructor(
    private readonly store: StoreParts,
    private readonly embedder: Embedder,
  ) {}

  /** The library's stills changed: what was read from them is read again, the last matcher serving until then. */
  reset(): void {
    this.stillsCache = undefined;
    this.current = false;
    this.preparing = undefined;
    this.clustersCache.clear();
    this.storedMoviesCache = undefined;
  }

  /**
   * The matcher queries use: the current one, or while a newer one is prepared after a library
   * change, the last one prepared (preparing reads every still: 24 s for 30,000 stills; a query
   * should not wait for it, and an index run changes the library many times).
   */
  private matcher(): Promise<StillsMatcher> {
    const next = this.prepared();
    return this.ready && !this.current ? Promise.resolve(this.ready) : next;
  }

  /** The matcher of the library as it is now (one preparation however many wait for it; the stills' full vectors are not kept). */
  prepared(): Promise<StillsMatcher> {
    if (this.ready && this.current) return Promise.resolve(this.ready);
    if (!this.preparing) {
      const preparing = (async () => {
        const count = await this.store.stills.count();
        if (count === 0) throw this.noStills();
        return StillsMatcher.prepare({ count, page: (afterKey, limit) => this.store.stills.vectorPage(afterKey, limit) });
      })();
      this.preparing = preparing;
      preparing.then(
        (m) => {
          if (this.preparing !== preparing) return; // the library changed again meanwhile: a newer one follows
          this.ready = m;
          this.current = true;
          this.preparing = undefined;
        },
        () => {
          if (this.preparing !== preparing) return;
          this.preparing = undefined;
          this.ready = undefined; // e.g. every still gone: queries get the error, not an old answer
        },
      );
    }
    return this.preparing;
  }

  /**
   * Prepares the matcher in the background (a server starting), so the first query does not wait
   * for it; not when the engine ranks from a stored match (the process then holds no still).
   */
  warm(): void {
    void this.stored()
      .then((stored) => (stored ? undefined : this.prepared()))
      .catch(() => undefined);
  }

  /**
   * The stored match's query side when the engine ranks from it (stored-match.ts): read again
   * when a newer build is stored (its meta, a few hundred bytes, is read at each query).
   */
  private async stored(): Promise<StoredMatchQuery | undefined> {
    if (!this.store.stillsMatch.searchable) return undefined;
    const meta = await storedMatchMeta(this.store);
    if (!meta) return undefined;
    if (this.storedCache?.meta.builtAt !== meta.builtAt) this.storedCache = await StoredMatchQuery.load(this.store, meta);
    return this.storedCache;
  }

  private noStills(): StillsError {
    return new StillsError('no_stills', `library ${this.store.location} has no stills: run "marquee index --stills <folder>"`);
  }

  /** Every still with its vectors (kinds of shot need them all; which-movie keeps only its compact rows). */
  private async stills(): Promise<StoredStill[]> {
    if (!this.stillsCache) {
      const all = await this.store.stills.all();
      if (!all.length) throw this.noStills();
      this.stillsCache = all;
    }
    return this.stillsCache;
  }

  private async movies(): Promise<MovieStills[]> {
    const matcher = await this.matcher();
    if (this.moviesCache?.from !== matcher) this.moviesCache = { from: matcher, movies: await loadMovieStills(this.store, matcher.contentByMovie()) };
    return this.moviesCache.movies;
  }

  private async keyOf(id: string): Promise<number> {
    const key = await this.store.movies.keyOf(id);
    if (key === undefined) throw new StillsError('unknown_movie', `no movie with id "${id}"`);
    return key;
  }

  async look(id: string): Promise<(MovieLook & { id: string; title: string; faces: MovieFaceStats }) | undefined> {
    const key = await this.keyOf(id);
    const look = await this.store.stills.getLook<MovieLook>(key);
    return look ? { id, title: (await this.store.movies.get(id))!.title, ...look, faces: await movieFaceStats(this.store, key) } : undefined;
  }

  async barcode(id: string): Promise<Buffer | undefined> {
    return this.store.stills.barcode(await this.keyOf(id));
  }

  async similarLooks(id: string, k = 20): Promise<LookMatch[]> {
    await this.keyOf(id);
    // Where the engine ranks from the stored match, the looks come from it too: each film's means
    // aggregated in SQL, and only the best candidates' content parts read for their chamfers.
    const stored = await this.stored();
    const fromEngine = stored ? await this.storedMovies(stored) : undefined;
    if (stored && fromEngine?.some((m) => m.id === id)) {
      const dc = stored.meta.contentDimension;
      // The stored rows' content parts carry √(content weight): their inner products are that weight times the content rows'.
      const scale = 1 / WHICH_WEIGHTS.content;
      return similarLooks(fromEngine, id, k, LOOK_CANDIDATES, async (target, others) => {
        const rows = await this.store.stillsMatch.contentParts([target.key, ...others.map((o) => o.key)], dc);
        return (await chamfers(rows.get(target.key) ?? [], others.map((o) => rows.get(o.key) ?? []))).map((c) => c * scale);
      });
    }
    const movies = await this.movies();
    try {
      return await similarLooks(movies, id, k);
    } catch (err) {
      throw new StillsError('no_stills', (err as Error).message);
    }
  }

  /** Each film's look inputs from the engine's per-film aggregates of a stored build (cached for that build); undefined when the engine cannot aggregate. */
  private async storedMovies(stored: StoredMatchQuery): Promise<MovieStills[] | undefined> {
    if (this.storedMoviesCache?.builtAt !== stored.meta.builtAt) {
      const parts = await this.store.stillsMatch.filmParts(stored.meta.contentDimension, SEGMENTS);
      if (!parts) return undefined;
      this.storedMoviesCache = { builtAt: stored.meta.builtAt, movies: await movieStillsFromParts(this.store, parts) };
    }
    return this.storedMoviesCache.movies;
  }

  async whichMovie(bytes: Buffer, source: string, k = 5): Promise<WhichMovieAnswer> {
    const stored = await this.stored();
    const matcher = stored ? undefined : await this.matcher();
    const q = await this.embedder.describeImage({ bytes, source });
    // A film deleted since the matcher was prepared (a stale one serves meanwhile) is left out.
    const all = (stored && (await rankStored(this.store, stored, q))) ?? (await (matcher ?? (await this.matcher())).rank(q));
    const movies = await this.store.movies.byKeys(all.slice(0, k + 8).map((r) => r.key));
    const ranked = all.filter((r) => movies.has(r.key)).slice(0, k);
    return {
      movies: ranked.map((r) => ({ id: movies.get(r.key)!.id, title: movies.get(r.key)!.title, score: r.score })),
      confident: (ranked[0]?.score ?? 0) >= CONFIDENT_SCORE,
      threshold: CONFIDENT_SCORE,
    };
  }

  private async names(stills: { movieKey: number }[]): Promise<Map<number, { id: string; title: string }>> {
    const movies = await this.store.movies.byKeys([...new Set(stills.map((s) => s.movieKey))]);
    return new Map([...movies].map(([k, m]) => [k, { id: m.id, title: m.title }]));
  }

  async evaluate(window = 2): Promise<StillsEvaluation> {
    const matcher = await this.prepared();
    const evaluation = await evaluateWhichMovie(matcher, await this.names(matcher.stills), window);
    // The library's posters are images of no indexed film's frames: what the confidence threshold must reject.
    // Stills are embedded with the library's default image model: its poster vectors compare with them.
    const imageModel = await defaultImageModel(this.store);
    if (imageModel) {
      const content = await this.store.vectors.load(imageModel.channel, refOf(imageModel));
      const color = new Map((await this.store.vectors.load(COLOR_CHANNEL, COLOR_MODEL)).map((e) => [e.key, e.vector]));
      const others = content.filter((e) => color.has(e.key)).map((e) => ({ content: e.vector, color: color.get(e.key)! }));
      if (others.length) evaluation.confidence = await evaluateConfidence(matcher, others, window);
    }
    return evaluation;
  }

  /** Kinds of shot; computed once per options until reset(). */
  async clusters(opts: { k?: number; seed?: number } = {}): Promise<StillsClustering> {
    const key = `${opts.k ?? ''}/${opts.seed ?? ''}`;
    let c = this.clustersCache.get(key);
    if (!c) {
      const stills = await this.stills();
      const names = await this.names(stills);
      c = await clusterStills(stills, new Map([...names].map(([k, v]) => [k, v.id])), { ...opts, faces: await stillFaceSummaries(this.store) });
      this.clustersCache.set(key, c);
    }
    return c;
  }
}
