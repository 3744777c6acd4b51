/**
 * `npm run bench -- lexical`: the engine's lexical retrieval (src/store/lexical.ts) at two library
 * sizes, against issue 26's target "lexical query p50 ≤ 30 ms on the demo catalog and at 100k".
 *
 * - Libraries: the demo catalog (MARQUEE_BENCH_DB, e.g. a copy of a library with every poster
 *   read; else the catalog's metadata written through the store, without posters or printed text)
 *   and N synthetic movies (MARQUEE_BENCH_LEXICAL_N, default 100,000) generated deterministically
 *   from the catalog's own text (titles recombined from title words, overview and tagline sentences
 *   with words swapped, OCR-like printed lines per poster) and written through the store's write
 *   path (writeMovies in batches of 1,000, one transaction each; putPosterText per poster as the
 *   OCR pass does), so the engines' triggers fill the lexical indexes as in production. The SQLite
 *   copy is kept in MARQUEE_BENCH_LEXICAL_CACHE (default the OS temp folder) and reused.
 * - Queries: bench/queries (described, printed) and synthetic ones from the catalog (a title with
 *   a typo, a tagline phrase, one word, 15 words of a synopsis), run one at a time after a warm-up:
 *   each call kind alone with the depth a text query asks for, the four calls as textRetrieval
 *   makes them (concurrently; `meetsTarget` compares their p50 with 30 ms), and textRetrieval
 *   itself with only its lexical retrievers (candidate scoring and fusion included).
 * - Engines: SQLite; PostgreSQL too when MARQUEE_TEST_PG (an admin URL) is set: the demo library's
 *   rows and the synthetic movies written into databases of that server (the synthetic one kept and
 *   reused on a lasting server). Writing stops at MARQUEE_BENCH_LEXICAL_PG_WRITE_S seconds (default
 *   600) and the size reached is measured and said.
 * - Parts: MARQUEE_BENCH_LEXICAL_ENGINES (sqlite,postgres) and MARQUEE_BENCH_LEXICAL_SIZES
 *   (demo,synthetic) pick some.
 * No SQL here (src/store's boundary): EXPLAIN plans are for an engine's shell.
 */
import { readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readCatalog } from '../catalog/read-catalog.js';
import { PosterOwners } from '../search/poster-owners.js';
import { textRetrieval } from '../search/text-retrieval.js';
import { couldBeTitle, MIN_PHRASE_WORDS, printedLookup } from '../search/text-retrievers.js';
import { searchTerms } from '../store/lexical.js';
import { createDatabase, databaseBytes } from '../store/postgres/admin.js';
import { openStore } from '../store/open-store.js';
import { libraryMigrations, MIGRATOR_VERSIONS } from '../store/sql/migrations.js';
import type { MovieWrite, Store } from '../store/store.js';
import type { MovieRecord } from '../store/types.js';
import { ocrVersionKey } from '../text/poster-ocr.js';
import type { TextLine } from '../text/types.js';
import { misspell, QUERY_DIR } from './relevance.js';
import { percentile, round } from './stats.js';

/** Bump when the generator changes: cached libraries of another version are rebuilt. */
const GENERATOR_VERSION = 1;
const SEED = 26;
const TARGET_P50_MS = 30;
const BATCH = 1000;
const WARM_UP = 50;
/** The k each call gets from a text query (text-retrieval.ts LIST_DEPTH for words and phrases, text-retrievers.ts TITLE_CANDIDATES, PRINTED_CANDIDATES); phrases from 3 words. */
const DEPTH = { searchMovies: 100, titleCandidates: 50, phraseMovies: 100, printedCandidates: 200 } as const;
const META_KEY = 'bench.lexical';

type CallKind = keyof typeof DEPTH;
const CALLS = Object.keys(DEPTH) as CallKind[];

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

/** mulberry32: a small seeded PRNG, the same sequence on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rand {
  constructor(readonly next: () => number) {}
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs;
  }
}

/** FNV-1a (as relevance.ts): misspell()'s seed per film. */
function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

// ---------------------------------------------------------------------------------------------
// The catalog's text, as pools the generator draws from (occurrence lists: draws follow real frequencies)

interface TextPools {
  movies: MovieRecord[];
  /** Title words, one entry per occurrence. */
  titleWords: string[];
  titleLengths: number[];
  /** Overview sentences. */
  sentences: string[];
  /** Sentences per overview (0 for an empty overview). */
  overviewLengths: number[];
  taglines: string[];
  taglineShare: number;
  /** Lower-case overview words of 3+ letters, one entry per occurrence (swaps draw from it). */
  words: string[];
  /** Capitalised words inside overview sentences (character names): credits-like names. */
  names: string[];
  /** A digest of the catalog text the pools came from (cache key). */
  digest: string;
}

const mainTitle = (t: string): string => t.replace(/\s*\([^)]*\)\s*$/, '').trim();
const splitSentences = (s: string): string[] =>
  s
    .split(/(?<=[.!?])\s+(?=["'“A-Z0-9])/)
    .map((x) => x.trim())
    .filter((x) => x.length > 0);

export async function readPools(catalog: string): Promise<TextPools> {
  const movies: MovieRecord[] = [];
  for await (const e of readCatalog(catalog)) if (e.record) movies.push(e.record);
  const titleWords: string[] = [], titleLengths: number[] = [], sentences: string[] = [], overviewLengths: number[] = [], taglines: string[] = [], words: string[] = [], names: string[] = [];
  const lowerSeen = new Set<string>();
  for (const m of movies) for (const w of m.overview.split(/\s+/)) if (/^[a-z]{3,}$/.test(w)) lowerSeen.add(w);
  let h = 0x811c9dc5;
  for (const m of movies) {
    for (const s of [m.title, m.tagline, m.overview]) for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
    const tw = mainTitle(m.title).split(/\s+/).filter(Boolean);
    titleWords.push(...tw);
    titleLengths.push(Math.max(1, tw.length));
    const ss = splitSentences(m.overview);
    sentences.push(...ss);
    overviewLengths.push(ss.length);
    if (m.tagline.trim()) taglines.push(m.tagline.trim());
    for (const s of ss) {
      const tokens = s.split(/\s+/);
      tokens.forEach((raw, i) => {
        const w = raw.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
        if (/^[a-z]{3,}$/.test(w)) words.push(w);
        // Capitalised mid-sentence, never seen in lower case: most likely a name.
        else if (i > 0 && /^[A-Z][a-z]{2,}$/.test(w) && !lowerSeen.has(w.toLowerCase())) names.push(w);
      });
    }
  }
  return { movies, titleWords, titleLengths, sentences, overviewLengths, taglines, taglineShare: taglines.length / movies.length, words, names, digest: `${movies.length}-${h.toString(16)}` };
}

// ---------------------------------------------------------------------------------------------
// Synthetic movies

export interface CorpusItem {
  movie: MovieRecord;
  /** Main poster: its content hash and, when read, its printed lines. */
  poster?: { contentHash: string; lines?: TextLine[] };
}

const SUFFIXES = ['', '', '', ' 2', ' II', ' III', ': Part Two', ' Returns', ' Forever', ': The Beginning', ' Reloaded'];
const MONTHS = ['JANUARY', 'FEBRUARY', 'MARCH', 'APRIL', 'MAY', 'JUNE', 'JULY', 'AUGUST', 'SEPTEMBER', 'OCTOBER', 'NOVEMBER', 'DECEMBER'];
const CREDITS = ['DIRECTED BY', 'A FILM BY', 'PRODUCED BY', 'MUSIC BY', 'WRITTEN BY', 'STARRING'];
const SMALL = ['COMING SOON', 'R', 'PG-13', 'DVD', '15', 'ONLY IN THEATRES', 'SOUNDTRACK AVAILABLE', 'WORLD PREMIERE'];
/** What a reader confuses letters with (PP-OCRv4 on poster fonts). */
const CONFUSIONS: Record<string, string> = { o: '0', O: '0', i: 'l', l: 'I', I: 'l', e: 'c', c: 'e', r: 'n', n: 'r', u: 'v', a: 'o', s: '5', S: '5', B: '8', h: 'b', m: 'rn', E: 'F', G: 'C', T: 'I', D: 'O' };
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Swaps some lower-case words of a sentence for words drawn from the catalog's word frequencies. */
function swapWords(r: Rand, s: string, p: number, words: string[]): string {
  return s
    .split(' ')
    .map((t) => (/^[a-z]{3,}$/.test(t) && r.chance(p) ? r.pick(words) : t))
    .join(' ');
}

const titleCase = (w: string): string => (w ? w[0]!.toUpperCase() + w.slice(1) : w);

/** OCR-like damage: dropped spaces, confused, dropped and doubled letters. */
function ocrNoise(r: Rand, line: string): string {
  let s = r.chance(0.3) ? line.replace(/\s+/g, '') : line;
  let out = '';
  for (const ch of s) {
    const x = r.next();
    if (x < 0.035) out += CONFUSIONS[ch] ?? (/\p{L}/u.test(ch) ? r.pick([...UPPER]).toLowerCase() : ch);
    else if (x < 0.05) continue;
    else if (x < 0.06) out += ch + ch;
    else out += ch;
  }
  s = out;
  return s.length ? s : line;
}

function printedLines(r: Rand, pools: TextPools, title: string, tagline: string): TextLine[] {
  const texts: string[] = [];
  const name = () => `${r.pick(pools.names)} ${r.pick(pools.names)}`;
  if (r.chance(0.4)) texts.push(`${r.pick(pools.names).toUpperCase()} PICTURES`);
  for (let i = 0, n = 1 + r.int(4); i < n; i++) {
    const nm = name();
    const x = r.next();
    if (x < 0.6) texts.push(nm.toUpperCase());
    else if (x < 0.85) texts.push(...nm.toUpperCase().split(' '));
    else texts.push(nm);
  }
  if (tagline && r.chance(0.7)) {
    const words = tagline.split(/\s+/);
    for (let i = 0; i < words.length; ) {
      const n = 2 + r.int(4);
      texts.push(words.slice(i, i + n).join(' '));
      i += n;
    }
  }
  if (r.chance(0.95)) {
    const t = r.chance(0.6) ? title.toUpperCase() : title;
    if (r.chance(0.3)) texts.push(...t.split(/\s+/));
    else texts.push(t);
  }
  if (r.chance(0.3)) texts.push(`${r.pick(CREDITS)} ${name().toUpperCase()}`);
  if (r.chance(0.3)) texts.push(r.chance(0.5) ? `IN THEATERS ${r.pick(MONTHS)} ${1 + r.int(28)}` : r.pick(SMALL));
  // Misreadings of artwork and small print.
  for (let i = 0, n = r.pick([0, 0, 1, 1, 2, 3, 4]); i < n; i++) texts.push(Array.from({ length: 3 + r.int(16) }, () => r.pick([...UPPER])).join(''));
  return texts.map((t, order) => {
    const y = order / (texts.length + 1);
    return { text: ocrNoise(r, t), confidence: round(0.6 + 0.39 * r.next(), 3), box: [[0.1, y], [0.9, y], [0.9, y + 0.04], [0.1, y + 0.04]], size: 0.04, order };
  });
}

/** Synthetic movie i of the sequence (the sequence depends only on the seed and the catalog). */
function syntheticMovie(r: Rand, pools: TextPools, i: number): CorpusItem {
  const template = r.pick(pools.movies);
  let title: string;
  if (r.chance(0.25)) title = mainTitle(r.pick(pools.movies).title) + r.pick(SUFFIXES);
  else title = Array.from({ length: r.pick(pools.titleLengths) }, () => titleCase(r.pick(pools.titleWords))).join(' ');
  const tagline = r.chance(pools.taglineShare) ? swapWords(r, r.pick(pools.taglines), 0.15, pools.words) : '';
  const overview = Array.from({ length: r.pick(pools.overviewLengths) }, () => swapWords(r, r.pick(pools.sentences), 0.12, pools.words)).join(' ');
  const contentHash = `lexbench-${GENERATOR_VERSION}-${i}`;
  return {
    movie: { id: `lex${i}`, title, year: template.year, genres: template.genres, countries: template.countries, overview, tagline, imdbId: null, tmdbId: null, extra: template.extra },
    poster: { contentHash, lines: printedLines(r, pools, title, tagline) },
  };
}

/** The synthetic movies in order, generated lazily. */
export function* syntheticCorpus(pools: TextPools, n: number): Generator<CorpusItem> {
  const r = new Rand(prng(SEED));
  for (let i = 0; i < n; i++) yield syntheticMovie(r, pools, i);
}

// ---------------------------------------------------------------------------------------------
// Writing a library through the store

interface WriteFigures {
  movies: number;
  postersRead: number;
  seconds: number;
  moviesPerSecond: number;
  /** writeMovies, batches of BATCH in one transaction each (movies, posters, their triggers). */
  movieBatchesSeconds: number;
  /** putPosterText per poster (the OCR pass's write; the printed-text trigger). */
  posterTextSeconds: number;
  batch: number;
  stoppedByTimeBudget?: boolean;
}

async function writeCorpus(store: Store, items: Iterable<CorpusItem>, opts: { budgetSeconds?: number; label: string; expected: number }): Promise<WriteFigures> {
  const started = performance.now();
  let movieMs = 0, textMs = 0, movies = 0, read = 0, stopped = false;
  const version = ocrVersionKey();
  let batch: CorpusItem[] = [];
  const flush = async () => {
    const t0 = performance.now();
    const keys = await store.movies.write(
      batch.map((it): MovieWrite => ({
        movie: it.movie,
        ...(it.poster ? { poster: { record: { path: `/lexbench/${it.movie.id}.jpg`, contentHash: it.poster.contentHash, width: 300, height: 450, format: 'jpeg', bytes: 1, thumbnail: Buffer.alloc(1) }, vectors: [], palette: { version: 'lexbench', sourceHash: it.poster.contentHash, colors: [] } } } : {}),
      })),
      'lexbench',
    );
    const t1 = performance.now();
    await Promise.all(batch.map((it, j) => (it.poster?.lines ? store.posterText.put(keys[j]!, version, it.poster.contentHash, { lines: it.poster.lines }) : undefined)));
    const t2 = performance.now();
    movieMs += t1 - t0;
    textMs += t2 - t1;
    movies += batch.length;
    read += batch.filter((it) => it.poster?.lines).length;
    batch = [];
    if (movies % 10_000 === 0 || movies === opts.expected) process.stderr.write(`bench lexical: ${opts.label}: ${movies} movies written (${round((performance.now() - started) / 1000, 0)} s)\n`);
  };
  for (const it of items) {
    batch.push(it);
    if (batch.length === BATCH) {
      await flush();
      if (opts.budgetSeconds !== undefined && (performance.now() - started) / 1000 > opts.budgetSeconds && movies < opts.expected) {
        stopped = true;
        break;
      }
    }
  }
  if (!stopped && batch.length) await flush();
  const seconds = (performance.now() - started) / 1000;
  return {
    movies,
    postersRead: read,
    seconds: round(seconds, 1),
    moviesPerSecond: round(movies / seconds, 0),
    movieBatchesSeconds: round(movieMs / 1000, 1),
    posterTextSeconds: round(textMs / 1000, 1),
    batch: BATCH,
    ...(stopped ? { stoppedByTimeBudget: true } : {}),
  };
}

/** The demo library's movies, main posters and current readings, to write into another engine. */
async function corpusOf(store: Store): Promise<CorpusItem[]> {
  const version = ocrVersionKey();
  const keys = (await store.movies.filterRows()).map((r) => r.key).sort((a, b) => a - b);
  const movies = await store.movies.byKeys(keys);
  const mains = new Map((await store.posters.all()).filter((p) => p.rank === 0).map((p) => [p.movieKey, p.contentHash]));
  const out: CorpusItem[] = [];
  for (const key of keys) {
    const m = movies.get(key);
    if (!m) continue;
    const { key: _k, source: _s, hasPoster: _h, ...movie } = m;
    const hash = mains.get(key);
    const reading = hash ? await store.posterText.get(key) : undefined;
    const lines = reading && reading.version === version && reading.sourceHash === hash && !reading.error ? reading.lines : undefined;
    out.push({ movie, ...(hash ? { poster: { contentHash: hash, ...(lines ? { lines } : {}) } } : {}) });
  }
  return out;
}

const removeSqlite = (path: string): void => {
  for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
};

const sqliteBytes = (path: string): number => statSync(path).size + (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0);

/**
 * A library of the corpus at `location` (a SQLite path or a PostgreSQL URL), reused when a complete
 * one with the same tag is there (its recorded write figures are reported), else made afresh by
 * `fresh` (which returns where) and written now.
 */
async function cachedLibrary(location: string, tag: string, fresh: () => Promise<string>, write: (store: Store) => Promise<WriteFigures>): Promise<{ store: Store; location: string; write: WriteFigures & { cached: boolean } }> {
  let existing: Store | undefined;
  try {
    existing = await openStore(location, { create: false });
  } catch {
    existing = undefined;
  }
  if (existing) {
    const meta = await existing.library.getMeta(META_KEY).catch(() => undefined);
    const recorded = meta ? (JSON.parse(meta) as { tag: string; write: WriteFigures }) : undefined;
    if (recorded?.tag === tag) return { store: existing, location, write: { ...recorded.write, cached: true } };
    await existing.close();
  }
  const at = await fresh();
  const store = await openStore(at, { create: true });
  try {
    const figures = await write(store);
    // A library cut short by the time budget is measured but never reused.
    if (!figures.stoppedByTimeBudget) await store.library.setMeta(META_KEY, JSON.stringify({ tag, write: figures }));
    return { store, location: at, write: { ...figures, cached: false } };
  } catch (err) {
    await store.close();
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Queries

export interface LexicalQuery {
  set: 'described' | 'printed' | 'typo' | 'tagline' | 'oneWord' | 'long15';
  text: string;
}

function jsonlQueries(file: string): string[] {
  return readFileSync(join(QUERY_DIR, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { query: string }).query);
}

const isStopword = (w: string): boolean => !searchTerms(`${w} qzqx`).includes(w);

/** The query sets (bench/queries and synthetic ones from the catalog), shuffled by the seed. */
export function lexicalQueries(pools: TextPools, perSynthetic = 100): LexicalQuery[] {
  const r = new Rand(prng(SEED + 1));
  const out: LexicalQuery[] = [
    ...jsonlQueries('described.jsonl').map((text) => ({ set: 'described' as const, text })),
    ...jsonlQueries('printed.jsonl').map((text) => ({ set: 'printed' as const, text })),
  ];
  const movies = r.shuffle([...pools.movies]);
  const typos = movies.flatMap((m) => {
    const t = misspell(mainTitle(m.title), fnv(m.id));
    return t ? [t] : [];
  });
  out.push(...typos.slice(0, perSynthetic).map((text) => ({ set: 'typo' as const, text })));
  const taglines = r.shuffle(pools.taglines.filter((t) => t.split(/\s+/).length >= 3));
  out.push(
    ...taglines.slice(0, perSynthetic).map((t) => {
      const w = t.split(/\s+/);
      const n = Math.min(w.length, 3 + r.int(4));
      const at = r.int(w.length - n + 1);
      return { set: 'tagline' as const, text: w.slice(at, at + n).join(' ') };
    }),
  );
  const content = pools.words.filter((w) => !isStopword(w));
  for (let i = 0; i < perSynthetic; i++) out.push({ set: 'oneWord', text: r.pick(content) });
  const long = pools.movies.map((m) => m.overview.split(/\s+/)).filter((w) => w.length >= 15);
  for (let i = 0; i < perSynthetic; i++) {
    const w = r.pick(long);
    const at = r.int(w.length - 15 + 1);
    out.push({ set: 'long15', text: w.slice(at, at + 15).join(' ') });
  }
  return r.shuffle(out);
}

// ---------------------------------------------------------------------------------------------
// Measuring

interface Dist {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

const dist = (xs: number[]): Dist => ({ n: xs.length, p50: round(percentile(xs, 50)), p95: round(percentile(xs, 95)), p99: round(percentile(xs, 99)), max: round(Math.max(...xs)) });

const phraseApplies = (q: string): boolean => q.trim().split(/\s+/).length >= MIN_PHRASE_WORDS;

async function call(store: Store, kind: CallKind, q: string, version: string): Promise<number> {
  const lex = store.lexical;
  switch (kind) {
    case 'searchMovies':
      return (await lex.searchMovies(q, DEPTH.searchMovies)).length;
    case 'titleCandidates':
      return couldBeTitle(q) ? (await lex.titleCandidates(q, DEPTH.titleCandidates)).length : 0;
    case 'phraseMovies':
      return (await lex.phraseMovies(q, DEPTH.phraseMovies)).length;
    case 'printedCandidates':
      return (await lex.printedCandidates(printedLookup(q), version, DEPTH.printedCandidates)).length;
  }
}

/** The lexical part of a text query: the four calls as textRetrieval makes them (concurrently; the phrase from 3 words, titles for queries that could be one, printed text by printedLookup's words). */
const lexicalPart = (store: Store, q: string, version: string): Promise<unknown> =>
  Promise.all([call(store, 'searchMovies', q, version), call(store, 'titleCandidates', q, version), phraseApplies(q) ? call(store, 'phraseMovies', q, version) : 0, call(store, 'printedCandidates', q, version)]);

async function measureLibrary(store: Store, queries: LexicalQuery[]) {
  const version = ocrVersionKey();
  const owners = new PosterOwners(await store.posters.all());
  const retrieval = (q: string) => textRetrieval({ query: q, weight: 1, lexical: store.lexical, ocrVersion: version, owners, referenceKeys: [], filter: undefined, exclude: new Set() });
  for (const q of queries.slice(0, WARM_UP)) {
    await lexicalPart(store, q.text, version);
    await retrieval(q.text);
  }
  // Each call kind alone.
  const times: Record<CallKind, number[]> = { searchMovies: [], titleCandidates: [], phraseMovies: [], printedCandidates: [] };
  const hits: Record<CallKind, number[]> = { searchMovies: [], titleCandidates: [], phraseMovies: [], printedCandidates: [] };
  const slowest: Record<CallKind, { ms: number; query: string }[]> = { searchMovies: [], titleCandidates: [], phraseMovies: [], printedCandidates: [] };
  for (const q of queries)
    for (const kind of CALLS) {
      if (kind === 'phraseMovies' && !phraseApplies(q.text)) continue;
      const t = performance.now();
      hits[kind].push(await call(store, kind, q.text, version));
      const ms = performance.now() - t;
      times[kind].push(ms);
      slowest[kind].push({ ms, query: q.text });
    }
  // The whole lexical part, and textRetrieval with only its lexical retrievers.
  const part: number[] = [], whole: number[] = [];
  const partBySet: Record<string, number[]> = {};
  for (const q of queries) {
    let t = performance.now();
    await lexicalPart(store, q.text, version);
    const ms = performance.now() - t;
    part.push(ms);
    (partBySet[q.set] ??= []).push(ms);
    t = performance.now();
    await retrieval(q.text);
    whole.push(performance.now() - t);
  }
  const calls = Object.fromEntries(CALLS.map((k) => [k, { k: DEPTH[k], ...dist(times[k]), meanHits: round(hits[k].reduce((s, x) => s + x, 0) / Math.max(1, hits[k].length), 1) }]));
  const lexicalPartMs = dist(part);
  return {
    latencyMs: { ...calls, lexicalPart: lexicalPartMs, textRetrievalLexicalOnly: dist(whole) },
    lexicalPartP50BySet: Object.fromEntries(Object.entries(partBySet).map(([s, xs]) => [s, round(percentile(xs, 50))])),
    lexicalPartP95BySet: Object.fromEntries(Object.entries(partBySet).map(([s, xs]) => [s, round(percentile(xs, 95))])),
    slowestQueries: Object.fromEntries(CALLS.map((k) => [k, slowest[k].sort((a, b) => b.ms - a.ms).slice(0, 3).map((s) => ({ ms: round(s.ms), query: s.query.slice(0, 80) }))])),
    meetsTarget: lexicalPartMs.p50 <= TARGET_P50_MS,
    callsP50OverTarget: CALLS.filter((k) => (calls[k] as Dist).p50 > TARGET_P50_MS),
  };
}

async function measure(store: Store, library: Record<string, unknown>, queries: LexicalQuery[], bytes: () => Promise<number>) {
  const stats = await store.library.stats();
  const progress = await store.posterText.progress(ocrVersionKey());
  process.stderr.write(`bench lexical: measuring ${store.engine} / ${String(library.name)} (${stats.movies} movies, ${queries.length} queries)...\n`);
  const loadBefore = loadavg()[0]!;
  const m = await measureLibrary(store, queries);
  // The machine's 1-minute load average before and after (other work on shared cores inflates the figures).
  const loadAverage = { before: round(loadBefore), after: round(loadavg()[0]!), cores: availableParallelism() };
  const result = { engine: store.engine, ...library, movies: stats.movies, loadAverage, postersRead: progress.read, diskBytesPerMovie: round((await bytes()) / Math.max(1, stats.movies), 0), ...m };
  process.stderr.write(`bench lexical result ${JSON.stringify({ engine: result.engine, library: library.name, movies: result.movies, lexicalPart: m.latencyMs.lexicalPart, meetsTarget: m.meetsTarget })}\n`);
  return result;
}

/** Mean printed lines and characters per reading of a corpus sample (the synthetic text beside the demo's). */
function printedShape(items: CorpusItem[]) {
  const read = items.filter((i) => i.poster?.lines);
  const lines = read.reduce((s, i) => s + i.poster!.lines!.length, 0);
  const chars = read.reduce((s, i) => s + i.poster!.lines!.reduce((c, l) => c + l.text.length, 0), 0);
  return { readings: read.length, linesPerPoster: round(lines / Math.max(1, read.length), 1), charsPerPoster: round(chars / Math.max(1, read.length), 0) };
}

export async function benchLexical(catalog: string, dir: string, existingDb?: string) {
  const n = Number(process.env.MARQUEE_BENCH_LEXICAL_N ?? 100_000);
  const cacheDir = resolve(process.env.MARQUEE_BENCH_LEXICAL_CACHE ?? tmpdir());
  const pgAdmin = process.env.MARQUEE_TEST_PG;
  const pgBudget = Number(process.env.MARQUEE_BENCH_LEXICAL_PG_WRITE_S ?? 600);
  // Parts to run (both by default): engines sqlite, postgres (with MARQUEE_TEST_PG); sizes demo, synthetic.
  const engines = new Set((process.env.MARQUEE_BENCH_LEXICAL_ENGINES ?? 'sqlite,postgres').split(','));
  const sizes = new Set((process.env.MARQUEE_BENCH_LEXICAL_SIZES ?? 'demo,synthetic').split(','));
  const pg = engines.has('postgres') ? pgAdmin : undefined;
  const pools = await readPools(catalog);
  const queries = lexicalQueries(pools);
  const sets: Record<string, number> = {};
  for (const q of queries) sets[q.set] = (sets[q.set] ?? 0) + 1;
  const tag = JSON.stringify({ generator: GENERATOR_VERSION, seed: SEED, n, catalog: pools.digest, ocr: ocrVersionKey() });
  const sample = [...syntheticCorpus(pools, 2000)];
  const runs: Record<string, unknown>[] = [];
  const out: Record<string, unknown> = {
    targetP50Ms: TARGET_P50_MS,
    meetsTargetMeans: 'p50 of the lexical part of a text query (searchMovies, titleCandidates, phraseMovies from 3 words, printedCandidates, concurrently as src/search/text-retrieval.ts makes them) ≤ 30 ms',
    queries: { total: queries.length, sets, warmUp: WARM_UP, order: 'seeded shuffle, one query at a time' },
    depths: DEPTH,
    synthetic: { movies: n, seed: SEED, generator: GENERATOR_VERSION, source: `${pools.movies.length} catalog movies`, printedSample: printedShape(sample) },
    runs,
  };

  // 1. The demo catalog: MARQUEE_BENCH_DB, or its metadata written through the store.
  let demo: Store;
  let demoLibrary: Record<string, unknown>;
  let demoBytes: () => Promise<number>;
  if (existingDb) {
    demo = await openStore(existingDb, { create: false });
    demoLibrary = { name: 'demo', source: 'MARQUEE_BENCH_DB' };
    demoBytes = async () => (demo.engine === 'sqlite' ? sqliteBytes(existingDb) : databaseBytes(existingDb));
  } else {
    const path = join(dir, 'lexical-demo.db');
    demo = await openStore(path, { create: true });
    process.stderr.write('bench lexical: writing the catalog metadata (no posters, no printed text: set MARQUEE_BENCH_DB to a library with posters read)...\n');
    const write = await writeCorpus(demo, pools.movies.map((movie) => ({ movie })), { label: 'demo', expected: pools.movies.length });
    demoLibrary = { name: 'demo', source: 'catalog metadata only (no posters or printed text)', write };
    demoBytes = async () => sqliteBytes(path);
  }
  let demoCorpus: CorpusItem[];
  try {
    if (sizes.has('demo') && engines.has(demo.engine)) runs.push(await measure(demo, demoLibrary, queries, demoBytes));
    demoCorpus = pg && sizes.has('demo') && demo.engine === 'sqlite' ? await corpusOf(demo) : [];
  } finally {
    await demo.close();
  }
  if (demoCorpus.length) (out.synthetic as Record<string, unknown>).demoPrinted = printedShape(demoCorpus);

  // 2. N synthetic movies in SQLite, cached.
  const cached = join(cacheDir, `marquee-lexical-${n}-g${GENERATOR_VERSION}-s${MIGRATOR_VERSIONS.sqlite}.${Object.keys(libraryMigrations('sqlite')).length}.db`);
  if (sizes.has('synthetic') && engines.has('sqlite')) {
    process.stderr.write(`bench lexical: ${n} synthetic movies in SQLite (${cached})...\n`);
    const fresh = async () => (removeSqlite(cached), cached);
    const { store, write } = await cachedLibrary(cached, tag, fresh, (s) => writeCorpus(s, syntheticCorpus(pools, n), { label: 'sqlite synthetic', expected: n }));
    try {
      runs.push(await measure(store, { name: 'synthetic', path: cached, write }, queries, async () => sqliteBytes(cached)));
    } finally {
      await store.close();
    }
  }

  // 3. PostgreSQL: the demo library's rows and the synthetic movies, written through the store.
  if (pg) {
    if (demoCorpus.length) {
      const url = await createDatabase(pg, 'marquee_lexical_demo');
      const store = await openStore(url, { create: true });
      try {
        process.stderr.write('bench lexical: the demo library into PostgreSQL...\n');
        const write = await writeCorpus(store, demoCorpus, { label: 'postgres demo', expected: demoCorpus.length });
        runs.push(await measure(store, { name: 'demo', source: `${String(demoLibrary.source)}, rows written through the PostgreSQL store`, write }, queries, () => databaseBytes(url)));
      } finally {
        await store.close();
      }
    }
    if (sizes.has('synthetic')) {
      // A lasting server (not a throw-away cluster) keeps the database: reused when complete.
      const name = `marquee_lexical_${n}_g${GENERATOR_VERSION}`;
      const url = new URL(pg);
      url.pathname = `/${name}`;
      process.stderr.write(`bench lexical: ${n} synthetic movies in PostgreSQL (write budget ${pgBudget} s)...\n`);
      const { store, location, write } = await cachedLibrary(url.toString(), tag, () => createDatabase(pg, name), (s) => writeCorpus(s, syntheticCorpus(pools, n), { label: 'postgres synthetic', expected: n, budgetSeconds: pgBudget }));
      try {
        const library: Record<string, unknown> = { name: 'synthetic', write };
        if (write.movies < n) library.note = `writing stopped at the ${pgBudget} s budget: measured at ${write.movies} movies, not ${n}`;
        runs.push(await measure(store, library, queries, () => databaseBytes(location)));
      } finally {
        await store.close();
      }
    }
  } else if (engines.has('postgres')) out.postgres = 'not measured: set MARQUEE_TEST_PG to an admin URL (scripts/pg-cluster.sh start)';
  return out;
}
