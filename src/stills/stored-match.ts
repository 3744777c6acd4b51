/**
 * The stored which-movie match (`marquee stills prepare`, a job after `marquee index --stills
 * --background`): the matcher of which-movie.ts prepared once by a worker — each still's weighted
 * row and hub term, and how a query becomes a row (the means and the projection) — and stored
 * in the library. Where the engine searches the rows (PostgreSQL with pgvector, a halfvec HNSW
 * index), a query is ranked in the database: the serving process holds the projection (128 x
 * 1792 floats) and no still, where the in-process matcher holds every still's rows and prepares
 * them at start (25 s at 30,000 stills). Stills indexed after the build are not in it until the
 * job runs again; stills deleted leave it with their rows.
 *
 * The ranking is the in-process matcher's: up to stillsAnnThreshold() stills every still scored
 * (rankPrepared), past it the ANN_SHORTLIST stills nearest the query (rankShortlist, here through
 * the halfvec index); each less half its hub term, each film the mean of its TOP_PER_MOVIE best,
 * a film with fewer of them in a shortlist filled up with the lowest shortlisted similarity less
 * the smallest hub term. The hub terms are the matcher's (exact up to the threshold, from its
 * HNSW index past it).
 */
import { Whitening, type WhiteningSpec } from '../search/whitening.js';
import type { Store } from '../store/store.js';
import { centreOn } from '../util/vectors.js';
import { StillsError } from './errors.js';
import { ANN_SHORTLIST, DEFAULT_VARIANT, StillsMatcher, stillsAnnThreshold, TOP_PER_MOVIE, weighted } from './which-movie.js';
import { defaultModelKey } from '../store/library-models.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'library' | 'location' | 'stills' | 'stillsMatch'>;


/** A build of another version is not read: which-movie prepares in the process until the job runs again. */
export const STORED_MATCH_VERSION = 1;

export interface StoredMatchMeta {
  version: number;
  builtAt: string;
  /** The image model the content vectors came from, and their length: a query of another is not ranked here. */
  model: string;
  inputDimension: number;
  stills: number;
  /** Floats of a row: the projected content, then the colour. */
  dimension: number;
  contentDimension: number;
  /** The smallest hub term (the fill-up bound of films with few shortlisted stills). */
  minHub: number;
  /** The projection's shape, when the content is projected (a library of at least twice STILLS_CONTENT_AXES stills). */
  projection?: { dimension: number; inputDimension: number; spec: WhiteningSpec };
  seconds: number;
}

const f64 = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const readF64 = (b: Buffer) => new Float64Array(new Uint8Array(b).buffer);

/** Prepares the matcher from every still and stores it (replacing the last build). */
export async function prepareStoredMatch(library: StoreParts): Promise<StoredMatchMeta> {
  const started = performance.now();
  const count = await library.stills.count();
  if (count === 0) throw new StillsError('no_stills', `library ${library.location} has no stills: run "marquee index --stills <folder>"`);
  const matcher = await StillsMatcher.prepare({ count, page: (afterKey, limit) => library.stills.vectorPage(afterKey, limit) });
  const { rows, contentMean, colorMean, reduce } = await matcher.storedRows();
  let minHub = Infinity;
  for (const r of rows) minHub = Math.min(minHub, r.hub);
  const stored = reduce?.toBytes();
  const meta: StoredMatchMeta = {
    version: STORED_MATCH_VERSION,
    builtAt: new Date().toISOString(),
    model: await defaultModelKey(library),
    inputDimension: contentMean.length,
    stills: rows.length,
    dimension: rows[0]?.row.length ?? 0,
    contentDimension: (rows[0]?.row.length ?? 0) - colorMean.length,
    minHub: Number.isFinite(minHub) ? minHub : 0,
    ...(stored ? { projection: { dimension: stored.dimension, inputDimension: stored.inputDimension, spec: stored.spec } } : {}),
    seconds: 0,
  };
  meta.seconds = Math.round((performance.now() - started) / 100) / 10;
  await library.stillsMatch.save({
    rows: rows.map((r) => ({ stillKey: r.key, movieKey: r.movieKey, hub: r.hub, row: r.row })),
    files: [
      { name: 'meta', data: Buffer.from(JSON.stringify(meta), 'utf8') },
      { name: 'content-mean', data: Buffer.from(f64(contentMean)) },
      { name: 'color-mean', data: Buffer.from(f64(colorMean)) },
      ...(stored ? [{ name: 'projection', data: stored.bytes }] : []),
    ],
  });
  return meta;
}

/** A stored build's meta, if any. */
export async function storedMatchMeta(library: Pick<Store, 'stillsMatch'>): Promise<StoredMatchMeta | undefined> {
  const raw = await library.stillsMatch.file('meta');
  return raw ? (JSON.parse(raw.toString('utf8')) as StoredMatchMeta) : undefined;
}

/** How a query becomes a row of a stored build: the means and projection it was built with. */
export class StoredMatchQuery {
  private constructor(
    readonly meta: StoredMatchMeta,
    private readonly contentMean: Float64Array,
    private readonly colorMean: Float64Array,
    private readonly reduce: Whitening | undefined,
  ) {}

  /**
   * The stored build's query side; undefined when there is none, or it is of another version or
   * of vectors of another image model than the library's default now (a model changed since:
   * which-movie prepares in the process until the job builds it again).
   */
  static async load(library: Pick<Store, 'library' | 'location' | 'stillsMatch'>, meta?: StoredMatchMeta): Promise<StoredMatchQuery | undefined> {
    const m = meta ?? (await storedMatchMeta(library));
    if (!m || m.version !== STORED_MATCH_VERSION || m.model !== (await defaultModelKey(library))) return undefined;
    const [contentMean, colorMean, projection] = await Promise.all(['content-mean', 'color-mean', 'projection'].map((n) => library.stillsMatch.file(n)));
    if (!contentMean || !colorMean || (m.projection && !projection)) return undefined;
    const reduce = m.projection && projection ? Whitening.fromBytes({ bytes: projection, ...m.projection }) : undefined;
    return new StoredMatchQuery(m, readF64(contentMean), readF64(colorMean), reduce);
  }

  /** A query image's row (raw content and colour vectors, as the embedder gives them); undefined for vectors of other lengths than the build's. */
  row(query: { content: Float32Array; color: Float32Array }): Float32Array | undefined {
    if (query.content.length !== this.contentMean.length || query.color.length !== this.colorMean.length) return undefined;
    const centred = centreOn(query.content, this.contentMean);
    return weighted(this.reduce ? this.reduce.project(centred) : centred, centreOn(query.color, this.colorMean), DEFAULT_VARIANT);
  }
}

/**
 * Movies for a query, ranked in the engine from the stored rows; undefined when it cannot (no
 * engine search, a query of other vectors, no row answered: the caller ranks in the process).
 * Up to stillsAnnThreshold() stills every still is scored, as the in-process matcher does
 * (exactly); past it the ANN_SHORTLIST nearest, as its shortlist ranking does.
 */
export async function rankStored(library: Pick<Store, 'stillsMatch'>, query: StoredMatchQuery, image: { content: Float32Array; color: Float32Array }): Promise<{ key: number; score: number }[] | undefined> {
  const top = TOP_PER_MOVIE;
  const row = query.row(image);
  if (!row) return undefined;
  const exact = query.meta.stills <= stillsAnnThreshold();
  const match = await library.stillsMatch.rank(row, { shortlist: exact ? undefined : ANN_SHORTLIST, top });
  if (!match || match.movies.length === 0) return undefined;
  // A shortlist may have left out stills of a film: it is filled up with what they could score at best.
  const partial = !exact && match.shortlisted < query.meta.stills;
  const bound = match.lowestSimilarity - query.meta.minHub / 2;
  return match.movies
    .map((m) => ({ key: m.movieKey, score: Math.round(((partial && m.count < top ? m.total + (top - m.count) * bound : m.total) / (partial ? top : m.count)) * 1e6) / 1e6 }))
    .sort((a, b) => b.score - a.score || a.key - b.key);
}
