/**
 * The store conformance suite: the SQLite and PostgreSQL stores run these same cases (as Hono
 * runs one case file against every router). A factory hands out an empty library and a way to
 * open it again from a second connection, as another process would.
 */
import { describe, expect, it } from 'vitest';
import { StoreError } from './errors.js';
import { changedKeys } from './revisions.js';
import type { QueueUnderTest } from '../jobs/job-queue.conformance.js';
import type { MorePosterWrite, MovieWrite, Store } from './store.js';
import type { MovieRecord, StillRecord, VectorRecord } from './types.js';
import type { StillsAtlasPlace } from './repositories/stills-atlas.js';

export interface LibraryUnderTest {
  store: Store;
  /** The same library opened again (another process's view). */
  reopen(): Promise<Store>;
  close(): Promise<void>;
}

export type StoreFactory = () => Promise<LibraryUnderTest>;

/** The job queue of a store under test, for the job queue conformance suite (every connection opened is closed with it). */
export function queueUnderTest(make: StoreFactory): () => Promise<QueueUnderTest> {
  return async () => {
    const t = await make();
    const others: Store[] = [];
    return {
      queue: t.store.jobs,
      reopen: async () => {
        const other = await t.reopen();
        others.push(other);
        return other.jobs;
      },
      close: async () => {
        for (const other of others) await other.close();
        await t.close();
      },
    };
  };
}

const movie = (id: string, over: Partial<MovieRecord> = {}): MovieRecord => ({
  id,
  title: `Title ${id} — “quoted” ü`,
  year: 1999,
  genres: ['Drama', 'Science Fiction'],
  countries: ['US', 'fr'],
  overview: `Overview of ${id}`,
  tagline: '',
  imdbId: `tt${id}`,
  tmdbId: null,
  extra: { director: 'Someone', note: 'a "quote"' },
  ...over,
});

/** Deterministic vectors whose float32 bits must survive the round trip exactly. */
const vec = (seed: number, dim: number): Float32Array => Float32Array.from({ length: dim }, (_, i) => Math.sin(seed * 7.31 + i * 0.17) / (i + 1) + 1e-7 * seed);

const vector = (channel: string, seed: number, dim: number, model = 'm1'): VectorRecord => ({ channel, modelId: model, modelVersion: '1', sourceHash: `h${seed}`, vector: vec(seed, dim) });

const write = (id: string, seed: number, over: Partial<MovieWrite> = {}): MovieWrite => ({
  movie: movie(id),
  poster: {
    record: { path: `/posters/${id}.jpg`, contentHash: `hash-${id}`, width: 300, height: 450, format: 'jpeg', bytes: 1234, thumbnail: Buffer.from(`thumb ${id} \u0000\u00ff`) },
    vectors: [vector('content', seed, 32), vector('color', seed + 1, 8, 'colour'), vector('signature', seed + 2, 6, 'sig')],
    palette: { version: 'p1', sourceHash: `hash-${id}`, colors: [{ hex: '#112233', share: 0.5, lab: [1, 2, 3], rgb: [17, 34, 51] } as never] },
  },
  text: vector('text', seed + 3, 12, 'text-model'),
  ...over,
});

const still = (movieKey: number, seq: number, hash = `s${seq}`): StillRecord => ({
  movieKey, seq, path: `/stills/${movieKey}/${seq}.jpg`, timestamp: seq * 1.5, contentHash: hash, width: 64, height: 36, thumbnail: Buffer.from(`still ${seq}`),
  versions: 'v1', content: vec(seq, 16), color: vec(seq + 100, 4), layout: vec(seq + 200, 4),
  look: { stats: { hue: [seq] } as never, palette: [] },
});

const bits = (v: Float32Array | undefined): number[] => Array.from(new Uint32Array(Float32Array.from(v ?? []).buffer));

export function storeConformance(name: string, make: StoreFactory): void {
  describe(`Store conformance: ${name}`, () => {
    const withLibrary = async (fn: (t: LibraryUnderTest) => Promise<void>): Promise<void> => {
      const t = await make();
      try {
        await fn(t);
      } finally {
        await t.close();
      }
    };

    describe('library: meta', () => {
      it('starts empty and keeps meta values', async () => {
        await withLibrary(async ({ store }) => {
          expect(await store.library.stats()).toEqual({ movies: 0, posters: 0, vectors: [] });
          expect(await store.library.getMeta('image_model')).toBeUndefined();
          await store.library.setMeta('image_model', '{"id":"x"}');
          await store.library.setMeta('image_model', '{"id":"y"}');
          expect(await store.library.getMeta('image_model')).toBe('{"id":"y"}');
          expect(await store.checkIntegrity()).toEqual([]);
        });
      });
    });

    describe('movies: batches, updates, deletes', () => {
      it('writes a batch of movies with poster, thumbnail and every channel, and reads it back exactly', async () => {
        await withLibrary(async ({ store }) => {
          const keys = await store.movies.write([write('a', 1), write('b', 2), { movie: movie('c', { year: null, genres: [], countries: [] }) }], '/catalog');
          expect(new Set(keys).size).toBe(3);
          const a = (await store.movies.get('a'))!;
          expect(a).toMatchObject({ key: keys[0], id: 'a', title: 'Title a — “quoted” ü', year: 1999, genres: ['Drama', 'Science Fiction'], countries: ['US', 'fr'], imdbId: 'tta', tmdbId: null, source: '/catalog', hasPoster: true });
          expect(a.extra).toEqual({ director: 'Someone', note: 'a "quote"' });
          expect((await store.movies.get('c'))!).toMatchObject({ year: null, hasPoster: false });
          expect(await store.movies.get('zz')).toBeUndefined();
          expect(await store.movies.keyOf('b')).toBe(keys[1]);
          expect(await store.movies.keyOf('zz')).toBeUndefined();
          const byKeys = await store.movies.byKeys([keys[2]!, 999_999, keys[0]!]);
          expect([...byKeys.keys()]).toEqual([keys[2], keys[0]]);
          expect(await store.posters.hash(keys[0]!)).toBe('hash-a');
          expect(await store.posters.hash(keys[2]!)).toBeUndefined();
          expect(await store.posters.mainFile('a')).toEqual({ path: '/posters/a.jpg', contentHash: 'hash-a', format: 'jpeg' });
          expect((await store.posters.mainThumbnail('b'))!.equals(Buffer.from('thumb b \u0000\u00ff'))).toBe(true);
          expect(await store.posters.countAtPath('/posters/a.jpg')).toBe(1);
          expect(await store.posters.paletteState(keys[0]!)).toEqual({ version: 'p1', sourceHash: 'hash-a' });
          expect((await store.posters.palette(keys[0]!))![0]).toMatchObject({ hex: '#112233', share: 0.5 });
          expect(await store.vectors.state(keys[1]!, 'content')).toEqual({ modelId: 'm1', modelVersion: '1', sourceHash: 'h2' });
          expect([...(await store.vectors.states(keys[1]!)).keys()].sort()).toEqual(['color', 'content', 'signature', 'text']);
          expect(bits(await store.vectors.get(keys[1]!, 'content', { id: 'm1', version: '1', dimension: 32 }))).toEqual(bits(vec(2, 32)));
          expect(await store.vectors.get(keys[1]!, 'content', { id: 'other', version: '1', dimension: 32 })).toBeUndefined();
          const loaded = await store.vectors.load('content', { id: 'm1', version: '1', dimension: 32 });
          expect(loaded.map((e) => e.key)).toEqual([...keys.slice(0, 2)].sort((x, y) => x - y));
          expect(bits(loaded.find((e) => e.key === keys[0])!.vector)).toEqual(bits(vec(1, 32)));
          expect(await store.vectors.keys('text', { id: 'text-model', version: '1', dimension: 12 })).toEqual([...keys.slice(0, 2)].sort((x, y) => x - y));
          await expect(store.vectors.load('content', { id: 'm1', version: '1', dimension: 31 })).rejects.toBeInstanceOf(StoreError);
          const stats = await store.library.stats();
          expect(stats.movies).toBe(3);
          expect(stats.posters).toBe(2);
          expect(stats.vectors).toContainEqual({ channel: 'content', modelId: 'm1', modelVersion: '1', count: 2 });
          expect(await store.movies.idsWithPoster(10)).toEqual(['a', 'b']);
          expect((await store.movies.idsFromSource('/catalog')).sort()).toEqual(['a', 'b', 'c']);
          const rows = await store.movies.filterRows();
          expect(rows.find((r) => r.key === keys[0])).toEqual({ key: keys[0], year: 1999, genres: ['Drama', 'Science Fiction'], countries: ['US', 'fr'] });
          expect(await store.checkIntegrity()).toEqual([]);
        });
      });

      it('commits a batch whole or not at all', async () => {
        await withLibrary(async ({ store }) => {
          await store.movies.write([write('keep', 1)], '/catalog');
          const broken = write('bad', 3);
          (broken.poster!.record as { path: unknown }).path = null; // NOT NULL in both engines
          await expect(store.movies.write([write('first', 2), broken, write('after', 4)], '/catalog')).rejects.toThrow();
          expect(await store.movies.get('first')).toBeUndefined();
          expect(await store.movies.get('after')).toBeUndefined();
          expect((await store.library.stats()).movies).toBe(1);
          expect(await store.vectors.keys('content', { id: 'm1', version: '1', dimension: 32 })).toHaveLength(1);
        });
      });

      it('updates a movie in place: same key, new metadata, dropped synopsis vector', async () => {
        await withLibrary(async ({ store }) => {
          const [key] = await store.movies.write([write('a', 1)], '/catalog');
          const [again] = await store.movies.write([{ movie: movie('a', { title: 'Renamed', genres: ['Horror'] }), dropText: true }], '/other');
          expect(again).toBe(key);
          expect(await store.movies.get('a')).toMatchObject({ title: 'Renamed', genres: ['Horror'], source: '/other', hasPoster: true });
          expect(await store.vectors.state(key!, 'text')).toBeUndefined();
          expect(await store.vectors.state(key!, 'content')).toBeDefined();
          expect(await store.movies.upsert(movie('a', { title: 'Again' }), '/x')).toBe(key);
          await store.vectors.put(key!, [vector('content', 9, 32)]);
          expect(bits(await store.vectors.get(key!, 'content', { id: 'm1', version: '1', dimension: 32 }))).toEqual(bits(vec(9, 32)));
        });
      });

      it('deletes movies with everything derived from them', async () => {
        await withLibrary(async ({ store }) => {
          const [a, b] = await store.movies.write([write('a', 1), write('b', 2)], '/catalog');
          await store.faces.putPosterFaces(a!, 'f1', 'hash-a', [{ box: { x: 0.1, y: 0.2, width: 0.3, height: 0.4 }, score: 0.9, descriptor: vec(5, 128) }]);
          await store.atlas.savePoints('content', [{ key: a!, pca: [0, 0], umap: [1, 1], tsne: [2, 2], cell: 0, cluster: 0, placed: 'build' }, { key: b!, pca: [1, 0], umap: [2, 1], tsne: [3, 2], cell: 1, cluster: 1, placed: 'build' }], true);
          await store.stills.put([still(a!, 1)]);
          expect(await store.movies.delete(['a', 'missing'])).toBe(1);
          expect(await store.movies.get('a')).toBeUndefined();
          expect(await store.faces.posterFaces(a!)).toEqual([]);
          expect(await store.vectors.get(a!, 'content', { id: 'm1', version: '1', dimension: 32 })).toBeUndefined();
          expect(await store.posters.palette(a!)).toBeUndefined();
          expect((await store.atlas.loadPoints('content')).map((p) => p.key)).toEqual([b]);
          expect(await store.stills.count()).toBe(0);
          expect(await store.movies.delete([])).toBe(0);
          expect(await store.checkIntegrity()).toEqual([]);
        });
      });
    });

    describe('posters: several per movie', () => {
      it('keeps several posters per movie: further posters have keys no movie gets, every channel, and go with their movie', async () => {
        await withLibrary(async ({ store }) => {
          const [a, b] = await store.movies.write([write('a', 1), write('b', 2)], '/catalog');
          const more = (path: string, rank: number, seed: number, year: number | null = null): MorePosterWrite => ({
            path,
            rank,
            meta: { kind: rank === 1 ? 'teaser' : null, country: 'FR', year },
            content: {
              record: { path, contentHash: `hash-${path}`, width: 200, height: 300, format: 'png', bytes: 99, thumbnail: Buffer.from(`thumb ${path}`) },
              vectors: [vector('content', seed, 32), vector('color', seed + 1, 8, 'colour'), vector('signature', seed + 2, 6, 'sig')],
              palette: { version: 'p1', sourceHash: `hash-${path}`, colors: [] },
            },
          });
          const { keys: [t1, t2], removed } = await store.posters.writeMore(a!, [more('/p/a-teaser.jpg', 1, 10, 1998), more('/p/a-intl.jpg', 2, 20)], ['/p/a-teaser.jpg', '/p/a-intl.jpg'], { kind: 'final', country: 'US', year: 1999 });
          expect(removed).toBe(0);
          const movieKeys = new Set([a, b]);
          expect(movieKeys.has(t1!) || movieKeys.has(t2!) || t1 === t2).toBe(false);
          // A movie written after them never takes a further poster's key.
          const [c] = await store.movies.write([write('c', 3)], '/catalog');
          expect([t1, t2]).not.toContain(c);
          const posters = await store.posters.ofMovie(a!);
          expect(posters.map((p) => [p.key, p.rank, p.kind, p.country, p.year, p.path])).toEqual([
            [a, 0, 'final', 'US', 1999, '/posters/a.jpg'],
            [t1, 1, 'teaser', 'FR', 1998, '/p/a-teaser.jpg'],
            [t2, 2, null, 'FR', null, '/p/a-intl.jpg'],
          ]);
          expect(posters.every((p) => p.movieKey === a)).toBe(true);
          expect((await store.posters.all()).map((p) => p.key)).toEqual([a, b, c, t1, t2].sort((x, y) => x! - y!));
          expect((await store.posters.thumbnail(t1!))!.equals(Buffer.from('thumb /p/a-teaser.jpg'))).toBe(true);
          expect(await store.posters.hash(t2!)).toBe('hash-/p/a-intl.jpg');
          const content = { id: 'm1', version: '1', dimension: 32 };
          // One item per film by default; every poster when asked.
          expect(await store.vectors.keys('content', content)).toEqual([a, b, c].sort((x, y) => x! - y!));
          expect((await store.vectors.load('content', content, 'posters')).map((e) => e.key)).toEqual([a, b, c, t1, t2].sort((x, y) => x! - y!));
          expect(bits(await store.vectors.get(t1!, 'content', content))).toEqual(bits(vec(10, 32)));
          expect((await store.faces.postersNeedingScan('f1')).map((p) => p.key)).toEqual([a, b, c, t1, t2].sort((x, y) => x! - y!));
          await store.faces.putPosterFaces(t1!, 'f1', 'hash-/p/a-teaser.jpg', [{ box: { x: 0.1, y: 0.2, width: 0.3, height: 0.4 }, score: 0.9, descriptor: vec(5, 128) }]);
          expect((await store.faces.allDescriptors()).length).toBe(0);
          expect((await store.faces.allDescriptors('posters')).map((f) => f.key)).toEqual([t1]);
          await store.posterText.put(t2!, 'o1', 'hash-/p/a-intl.jpg', { lines: [{ text: 'LE FILM', confidence: 0.9, box: [0, 0, 1, 1] } as never] });
          expect(await store.posterText.all('o1')).toEqual([]);
          expect((await store.posterText.all('o1', 'posters')).map((r) => r.key)).toEqual([t2]);
          // Meta-only rewrite, and a poster no longer listed goes with everything computed from it.
          const again = await store.posters.writeMore(a!, [{ path: '/p/a-teaser.jpg', rank: 1, meta: { kind: 'teaser', country: null, year: 1997 } }], ['/p/a-teaser.jpg']);
          expect(again).toEqual({ keys: [t1], removed: 1 });
          expect((await store.posters.ofMovie(a!)).map((p) => [p.key, p.year, p.country])).toEqual([[a, 1999, 'US'], [t1, 1997, null]]);
          expect(await store.vectors.get(t2!, 'content', content)).toBeUndefined();
          expect(await store.posterText.get(t2!)).toBeUndefined();
          // Deleting the movie takes its further posters, their vectors and faces; the other films keep theirs.
          await store.movies.delete(['a']);
          expect(await store.posters.ofMovie(a!)).toEqual([]);
          expect(await store.vectors.get(t1!, 'content', content)).toBeUndefined();
          expect(await store.faces.posterFaces(t1!)).toEqual([]);
          expect((await store.vectors.load('content', content, 'posters')).map((e) => e.key)).toEqual([b, c].sort((x, y) => x! - y!));
          expect(await store.vectors.keys('text', { id: 'text-model', version: '1', dimension: 12 })).toEqual([b, c].sort((x, y) => x! - y!));
          expect(await store.checkIntegrity()).toEqual([]);
        });
      });
    });

    describe('faces', () => {
      it('keeps faces and knows which posters need a face scan', async () => {
        await withLibrary(async ({ store }) => {
          const [a, b] = await store.movies.write([write('a', 1), write('b', 2)], '/catalog');
          expect((await store.faces.postersNeedingScan('f1')).map((p) => p.key)).toEqual([a, b]);
          const face = { box: { x: 0.1, y: 0.2, width: 0.3, height: 0.4 }, score: 0.875, descriptor: vec(5, 128) };
          await store.faces.putPosterFaces(a!, 'f1', 'hash-a', [face, { ...face, score: 0.5, descriptor: vec(6, 128) }]);
          await store.faces.putPosterFaces(b!, 'f1', 'hash-b', []);
          expect(await store.faces.postersNeedingScan('f1')).toEqual([]);
          expect(await store.faces.countsPerPoster()).toEqual([{ key: a, count: 2 }, { key: b, count: 0 }].sort((x, y) => x.key! - y.key!));
          expect((await store.posters.allPalettes()).map((p) => [p.key, p.colors[0]!.hex])).toEqual([[a, '#112233'], [b, '#112233']].sort((x, y) => (x[0] as number) - (y[0] as number)));
          expect((await store.faces.postersNeedingScan('f2')).map((p) => p.key)).toEqual([a, b]);
          const faces = await store.faces.posterFaces(a!);
          expect(faces).toHaveLength(2);
          expect(faces[0]!.box).toEqual(face.box);
          expect(faces[0]!.score).toBe(0.875);
          expect(bits(faces[1]!.descriptor)).toEqual(bits(vec(6, 128)));
          expect((await store.faces.allDescriptors()).map((f) => f.key)).toEqual([a, a]);
          expect(await store.faces.scannedPosters()).toBe(2);
          await store.faces.putPosterFaces(a!, 'f1', 'hash-a', []); // a re-scan replaces
          expect(await store.faces.posterFaces(a!)).toEqual([]);
        });
      });
    });

    describe('posterText: OCR readings', () => {
      it('keeps printed text per poster, versioned, with failures that wait for a change', async () => {
        await withLibrary(async ({ store }) => {
          const [a, b, c] = await store.movies.write([write('a', 1), write('b', 2), write('c', 3)], '/catalog');
          expect((await store.posterText.postersNeeding('ocr1')).map((p) => p.key)).toEqual([a, b, c]);
          expect(await store.posterText.progress('ocr1')).toEqual({ read: 0, failed: 0, pending: 3, smallPrint: 0 });
          const line = { text: 'THE “QUOTED” TITLE — ü', confidence: 0.875, box: [[0.1, 0.2], [0.9, 0.2], [0.9, 0.3], [0.1, 0.3]] as [number, number][], size: 0.1, order: 0 };
          await store.posterText.put(a!, 'ocr1', 'hash-a', { lines: [line, { ...line, text: 'tagline', order: 1 }] });
          await store.posterText.put(b!, 'ocr1', 'hash-b', { lines: [] });
          await store.posterText.put(c!, 'ocr1', 'hash-c', { error: 'cannot decode image' });
          expect(await store.posterText.postersNeeding('ocr1')).toEqual([]);
          expect(await store.posterText.progress('ocr1')).toEqual({ read: 2, failed: 1, pending: 0, smallPrint: 0 });
          const stored = await store.posterText.get(a!);
          expect(stored!.smallPrint).toEqual([]);
          expect(stored!.lines[0]).toEqual(line);
          expect(stored!.lines.map((l) => l.text)).toEqual([line.text, 'tagline']);
          expect(new Date(stored!.readAt).getTime()).toBeGreaterThan(0);
          expect((await store.posterText.get(c!))!.error).toBe('cannot decode image');
          expect((await store.posterText.all('ocr1')).map((r) => [r.key, r.lines.length])).toEqual([[a, 2], [b, 0]]);
          expect(await store.movies.titleRows()).toEqual(['a', 'b', 'c'].map((id, i) => ({ key: [a, b, c][i], id, title: movie(id).title, year: 1999, extra: movie(id).extra })));
          // A new reader version re-reads everything; a changed poster is read again.
          expect((await store.posterText.postersNeeding('ocr2')).map((p) => p.key)).toEqual([a, b, c]);
          await store.movies.write([write('a', 1, { poster: { ...write('a', 1).poster!, record: { ...write('a', 1).poster!.record, contentHash: 'hash-a2' } } })], '/catalog');
          expect((await store.posterText.postersNeeding('ocr1')).map((p) => p.key)).toEqual([a]);
          expect((await store.posterText.all('ocr1')).map((r) => r.key)).toEqual([b]);
          await store.movies.delete(['b']);
          expect(await store.posterText.get(b!)).toBeUndefined();
        });
      });

      it('keeps the small print a reading left for later until the whole reading replaces it', async () => {
        await withLibrary(async ({ store }) => {
          const [a, b] = await store.movies.write([write('a', 1), write('b', 2)], '/catalog');
          const line = { text: 'TITLE', confidence: 0.9, box: [[0.1, 0.2], [0.9, 0.2], [0.9, 0.3], [0.1, 0.3]] as [number, number][], size: 0.1, order: 0 };
          // Unrounded fractions survive exactly: the later reading samples the same pixels.
          const strip = { strip: [[0.1234567891234, 0.9], [0.8, 0.9], [0.8, 0.91], [0.1234567891234, 0.91]] as [number, number][], box: [[0.1, 0.9], [0.8, 0.9], [0.8, 0.91], [0.1, 0.91]] as [number, number][] };
          await store.posterText.put(a!, 'ocr1', 'hash-a', { lines: [line], smallPrint: [strip] });
          await store.posterText.put(b!, 'ocr1', 'hash-b', { lines: [line], smallPrint: [] });
          expect(await store.posterText.postersNeeding('ocr1')).toEqual([]);
          expect(await store.posterText.postersWithSmallPrint('ocr1')).toEqual([{ key: a, path: '/posters/a.jpg', contentHash: 'hash-a' }]);
          expect(await store.posterText.postersWithSmallPrint('ocr2')).toEqual([]);
          expect(await store.posterText.progress('ocr1')).toEqual({ read: 2, failed: 0, pending: 0, smallPrint: 1 });
          expect((await store.posterText.get(a!))!.smallPrint).toEqual([strip]);
          expect((await store.posterText.all('ocr1')).map((r) => r.lines.map((l) => l.text))).toEqual([['TITLE'], ['TITLE']]);
          const before = await store.analyses.revisions();
          await store.posterText.put(a!, 'ocr1', 'hash-a', { lines: [line, { ...line, text: 'SMALL PRINT', order: 1 }] });
          expect((await store.analyses.revisions()).get('printed-text')).toBeGreaterThan(before.get('printed-text') ?? 0);
          expect(await store.posterText.postersWithSmallPrint('ocr1')).toEqual([]);
          expect((await store.posterText.get(a!))!.smallPrint).toEqual([]);
          // A changed poster's small print is not read against its new bytes.
          await store.posterText.put(b!, 'ocr1', 'hash-b', { lines: [line], smallPrint: [strip] });
          await store.movies.write([write('b', 2, { poster: { ...write('b', 2).poster!, record: { ...write('b', 2).poster!.record, contentHash: 'hash-b2' } } })], '/catalog');
          expect(await store.posterText.postersWithSmallPrint('ocr1')).toEqual([]);
        });
      });
    });

    describe('genreModels, runs and the index lock', () => {
      it('stores genre models and index runs', async () => {
        await withLibrary(async ({ store }) => {
          expect(await store.genreModels.get('poster')).toBeUndefined();
          await store.genreModels.put('poster', { method: 'blend', thresholds: [0.25] }, vec(3, 40));
          await store.genreModels.put('prior-only', { method: 'prior' }, null);
          const g = (await store.genreModels.get('poster'))!;
          expect(g.meta).toEqual({ method: 'blend', thresholds: [0.25] });
          expect(bits(g.params!)).toEqual(bits(vec(3, 40)));
          expect(Number.isNaN(Date.parse(g.createdAt))).toBe(false);
          expect((await store.genreModels.get('prior-only'))!.params).toBeNull();
          const r1 = await store.runs.start('/catalog');
          const r2 = await store.runs.start('/catalog');
          expect(r2).toBeGreaterThan(r1);
          await store.runs.recordFailure(r1, 'movies.csv:3', '/posters/x.jpg', 'corrupt JPEG');
          await store.runs.finish(r1, 'done', { indexed: 1 });
          const counts = { entries: 16, indexed: 10, unchanged: 6, failed: 0, texts: 9 };
          await store.runs.recordBatch(r1, 2, 'host:1', counts);
          await store.runs.recordBatch(r1, 0, 'host:2', { ...counts, indexed: 1 });
          await store.runs.recordBatch(r1, 2, 'host:3', { ...counts, indexed: 16, unchanged: 0 }); // a retried batch replaces its tally
          expect(await store.runs.batches(r1)).toEqual([{ batch: 0, worker: 'host:2', counts: { ...counts, indexed: 1 } }, { batch: 2, worker: 'host:3', counts: { ...counts, indexed: 16, unchanged: 0 } }]);
          expect(await store.runs.batches(r2)).toEqual([]);
        });
      });

      it('lets one indexer at a time hold the index lock, across connections', async () => {
        await withLibrary(async ({ store, reopen }) => {
          const other = await reopen();
          try {
            const release = await store.runs.acquireIndexLock();
            await expect(other.runs.acquireIndexLock()).rejects.toMatchObject({ kind: 'busy' });
            await release();
            const again = await other.runs.acquireIndexLock();
            await again();
          } finally {
            await other.close();
          }
        });
      });
    });

    describe('analyses: revisions and stored results', () => {
      it('keeps a revision per area that only writes to that area move, also from another connection', async () => {
        await withLibrary(async ({ store, reopen }) => {
          let seen = await store.analyses.revisions();
          /** The keys a step moved since the last call. */
          const moved = async (): Promise<string[]> => {
            const now = await store.analyses.revisions();
            const keys = [...changedKeys(seen, now)].sort();
            seen = now;
            return keys;
          };
          const [a] = await store.movies.write([write('a', 1)], '/catalog');
          expect(await moved()).toEqual(['movies', 'palettes', 'posters', 'vectors:color', 'vectors:content', 'vectors:signature', 'vectors:text']);
          await store.genreModels.put('poster', { method: 'prior' }, null);
          expect(await moved()).toEqual(['genre-model']);
          await store.posterText.put(a!, 'ocr1', 'hash-a', { lines: [{ text: 'ALIEN', confidence: 0.9, box: [[0, 0], [1, 0], [1, 1], [0, 1]], size: 0.1, order: 0 }] });
          expect(await moved()).toEqual(['printed-text']);
          await store.vectors.put(a!, [vector('content', 9, 32)]);
          expect(await moved()).toEqual(['vectors:content']);
          expect(await store.movies.delete(['no-such-movie'])).toBe(0);
          expect(await moved()).toEqual([]);
          await store.library.setMeta('note', 'bookkeeping has no area');
          expect(await moved()).toEqual([]);
          const other = await reopen();
          try {
            await other.genreModels.put('poster', { method: 'prior', again: true }, null);
          } finally {
            await other.close();
          }
          expect(await moved()).toEqual(['genre-model']);
          await store.movies.delete(['a']);
          expect(await moved()).toEqual(expect.arrayContaining(['movies', 'posters', 'printed-text', 'vectors:content', 'vectors:text']));
        });
      });

      it('stores an analysis result with the revisions it was computed from, and replaces it', async () => {
        await withLibrary(async ({ store }) => {
          expect(await store.analyses.get('pairs:content')).toBeUndefined();
          const before = await store.analyses.revisions();
          await store.analyses.put('pairs:content', { 'vectors:content': 3, posters: 2 }, { pairs: [{ a: 'x', b: 'ü “y”', score: 0.5 }] });
          await store.analyses.put('pairs:content', { 'vectors:content': 4, posters: 2 }, { pairs: [] });
          const stored = await store.analyses.get('pairs:content');
          expect(stored).toMatchObject({ revisions: { 'vectors:content': 4, posters: 2 }, result: { pairs: [] } });
          expect(Number.isNaN(Date.parse(stored!.computedAt))).toBe(false);
          expect([...changedKeys(before, await store.analyses.revisions())]).toEqual(['analyses']);
        });
      });
    });

    describe('change events', () => {
      it('tells a reader about changes another connection commits', async () => {
        await withLibrary(async ({ store, reopen }) => {
          let heard = 0;
          const stop = await store.onExternalChange(() => heard++);
          const other = await reopen();
          try {
            await other.movies.write([write('x', 1)], '/elsewhere');
            const until = Date.now() + 5000;
            while (heard === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
            expect(heard).toBeGreaterThan(0);
            expect(await store.movies.get('x')).toBeDefined();
          } finally {
            await stop();
            await other.close();
          }
        });
      });
    });

    describe('films', () => {
      it('stores a film analysis per movie, replaces it, and drops it with its movie', async () => {
        await withLibrary(async ({ store }) => {
          const [a, b] = await store.movies.write([write('a', 1), write('b', 2)], '/catalog');
          expect(await store.films.get(a!)).toBeUndefined();
          const analysis = { shots: [{ start: 0, end: 2.5, transition: 'cut' }], asl: 2.5, title: 'ü “q”' };
          await store.films.put(a!, { source: '/films/a.mp4', sourceHash: 'h1', version: 'v1', analysis }, Buffer.from('bar1'));
          await store.films.put(b!, { source: '/films/b.mp4', sourceHash: 'h2', version: 'v1', analysis: { shots: [] } }, Buffer.from('bar2'));
          await store.films.put(a!, { source: '/films/a2.mp4', sourceHash: 'h3', version: 'v2', analysis: { ...analysis, asl: 3 } }, Buffer.from('bar3'));
          expect(await store.films.get(a!)).toEqual({ source: '/films/a2.mp4', sourceHash: 'h3', version: 'v2', analysis: { ...analysis, asl: 3 } });
          expect((await store.films.barcode(a!))!.toString()).toBe('bar3');
          expect(await store.films.movies()).toEqual([a, b].sort((x, y) => x! - y!));
          await store.movies.delete(['b']);
          expect(await store.films.movies()).toEqual([a]);
          expect(await store.films.barcode(b!)).toBeUndefined();
        });
      });
    });

    describe('stills and looks', () => {
      it('keeps stills, joins them to movies by IMDb id, prunes gone frames, and stores looks', async () => {
        await withLibrary(async ({ store }) => {
          const [catalogKey] = await store.movies.write([write('a', 1)], '/catalog');
          const stillsMovie = (ref: string, imdbId: string | null, keep: number[]) => ({ movie: movie(ref, { title: `stills ${ref}`, imdbId, genres: [] }), imdbId, keepSeqs: keep });
          const first = await store.stills.prepareMovies([stillsMovie('whiplash', 'tta', [1, 2, 3]), stillsMovie('gravity', null, [1, 2])], '/stills');
          expect(first.keys[0]).toBe(catalogKey); // joined by imdb id
          expect(await store.movies.get('a')).toMatchObject({ title: 'Title a — “quoted” ü' }); // catalog metadata untouched
          const gravity = first.keys[1]!;
          expect(await store.movies.get('gravity')).toMatchObject({ title: 'stills gravity', source: '/stills' });
          await store.stills.put([still(catalogKey!, 1), still(catalogKey!, 2), still(catalogKey!, 3), still(gravity, 1), still(gravity, 2)]);
          // The same frame twice in one write: the last one given is kept (one upsert per frame).
          await store.stills.put([still(gravity, 2, 'first'), still(gravity, 2, 'changed')]);
          expect(await store.stills.state(gravity, 2)).toEqual({ contentHash: 'changed', versions: 'v1', path: `/stills/${gravity}/2.jpg` });
          expect(await store.stills.state(gravity, 9)).toBeUndefined();
          expect(await store.stills.count()).toBe(5);
          const again = await store.stills.prepareMovies([stillsMovie('whiplash', 'tta', [1, 3])], '/stills');
          expect(again).toEqual({ keys: [catalogKey], pruned: 1 });
          const own = await store.stills.ofMovie(catalogKey!);
          expect(own.map((s) => s.seq)).toEqual([1, 3]);
          expect(bits(own[1]!.content)).toEqual(bits(vec(3, 16)));
          expect(own[1]).toMatchObject({ timestamp: 4.5, look: { stats: { hue: [3] }, palette: [] } });
          expect((await store.stills.all()).map((s) => [s.movieKey, s.seq])).toEqual([...[[catalogKey, 1], [catalogKey, 3], [gravity, 1], [gravity, 2]]].sort((x, y) => x[0]! - y[0]! || x[1]! - y[1]!));
          // Read a page at a time by key: the same stills and vectors as all().
          const everyStill = await store.stills.all();
          const paged = [...(await store.stills.vectorPage(0, 3)), ...(await store.stills.vectorPage((await store.stills.vectorPage(0, 3))[2]!.key, 3))];
          expect(paged.map((s) => s.key)).toEqual(everyStill.map((s) => s.key).sort((x, y) => x - y));
          for (const p of paged) expect(Array.from(p.content)).toEqual(Array.from(everyStill.find((s) => s.key === p.key)!.content));
          expect(await store.stills.vectorPage(Math.max(...paged.map((s) => s.key)), 3)).toEqual([]);
          expect((await store.stills.thumbnail(gravity, 1))!.toString()).toBe('still 1');
          expect(await store.stills.movies()).toEqual([{ key: catalogKey, count: 2 }, { key: gravity, count: 2 }].sort((x, y) => x.key! - y.key!));
          expect(await store.stills.countOfMovie(gravity)).toBe(2);
          await store.stills.putLook(gravity, 'hash1', { palette: ['#000'] }, Buffer.from('png'));
          await store.stills.putLook(gravity, 'hash2', { palette: ['#fff'] }, Buffer.from('png2'));
          expect(await store.stills.lookHash(gravity)).toBe('hash2');
          expect(await store.stills.getLook(gravity)).toEqual({ palette: ['#fff'] });
          expect((await store.stills.barcode(gravity))!.toString()).toBe('png2');
          // A stand-in the stills folder created, later joined to a catalog film by title and year: it goes, with its stills.
          const [standIn] = (await store.stills.prepareMovies([stillsMovie('holy-grail', null, [1])], '/stills')).keys;
          await store.stills.put([still(standIn!, 1)]);
          expect(await store.movies.get('holy-grail')).toMatchObject({ source: '/stills' });
          expect((await store.stills.prepareMovies([{ ...stillsMovie('holy-grail', null, [1, 3]), joinId: 'a' }], '/stills')).keys).toEqual([catalogKey]);
          expect(await store.movies.get('holy-grail')).toBeUndefined();
          expect(await store.stills.countOfMovie(standIn!)).toBe(0);
          expect((await store.stills.ofMovie(catalogKey!)).map((x) => x.seq)).toEqual([1, 3]);
          const todo = await store.faces.stillsNeedingScan('f1');
          expect(todo).toHaveLength(4);
          const face = { box: { x: 0.5, y: 0.5, width: 0.25, height: 0.25 }, score: 0.9, descriptor: [0.1, -0.2] };
          await store.faces.putStillFaces(todo[0]!.key, 'f1', todo[0]!.contentHash, [face]);
          expect(await store.faces.stillsNeedingScan('f1')).toHaveLength(3);
          expect([...(await store.faces.stillFaces()).values()]).toEqual([[face]]);
          expect((await store.faces.stillFaces(todo[0]!.key === own[0]!.key ? catalogKey : gravity)).size).toBe(1);
          expect(await store.checkIntegrity()).toEqual([]);
        });
      });

      it('keeps the stills map: places by still, named files, a build saved whole; a still deleted takes its place along', async () => {
        await withLibrary(async ({ store }) => {
          const mapFilm = (keep: number[]) => ({ movie: movie('map-film', { title: 'Map Film', genres: [] }), imdbId: null, keepSeqs: keep });
          const key = (await store.stills.prepareMovies([mapFilm([1, 2, 3])], '/stills')).keys[0]!;
          await store.stills.put([still(key, 1), still(key, 2), still(key, 3)]);
          const stills = await store.stills.ofMovie(key);
          // Summaries and vectors by key, a page at a time or for named stills.
          const summaries = await store.stills.lookPage(0, 2);
          expect(summaries.map((s) => [s.seq, s.contentHash])).toEqual([[1, 's1'], [2, 's2']]);
          expect(summaries[0]!.look).toEqual(stills[0]!.look);
          expect((await store.stills.lookPage(summaries[1]!.key, 2)).map((s) => s.seq)).toEqual([3]);
          const vectors = await store.stills.vectorsOf([stills[2]!.key, stills[0]!.key, 999_999]);
          expect([...vectors.keys()].sort((a, b) => a - b)).toEqual([stills[0]!.key, stills[2]!.key]);
          expect(Array.from(vectors.get(stills[2]!.key)!)).toEqual(Array.from(stills[2]!.content));
          expect((await store.stills.thumbnails([stills[1]!.key])).get(stills[1]!.key)!.toString()).toBe('still 2');

          const place = (i: number, over: Partial<StillsAtlasPlace> = {}): StillsAtlasPlace => ({ stillKey: stills[i]!.key, contentHash: stills[i]!.contentHash, x: 0.25 * i, y: 0.5, cell: i, cluster: i % 2, hue: i === 2 ? -1 : 120 * i, sheet: 0, slot: i, placed: 'build', ...over });
          await store.stillsAtlas.save({ places: [place(0), place(1), place(2)], replaceAll: true, files: [{ name: 'meta', data: Buffer.from('{"v":1}') }, { name: 'sheet.0', data: Buffer.from([0, 255, 1]) }] });
          expect(await store.stillsAtlas.places()).toEqual([place(0), place(1), place(2)]);
          expect((await store.stillsAtlas.view()).map((r) => [r.movieId, r.movieKey, r.seq, r.cell])).toEqual([['map-film', key, 1, 0], ['map-film', key, 2, 1], ['map-film', key, 3, 2]]);
          expect(await store.stillsAtlas.file('sheet.0')).toEqual(Buffer.from([0, 255, 1]));
          expect(await store.stillsAtlas.fileNames()).toEqual(['meta', 'sheet.0']);
          // An incremental save adds and replaces places and files, drops the files it names, and keeps the rest.
          await store.stillsAtlas.save({ places: [place(1, { cell: 7, placed: 'incremental' })], replaceAll: false, files: [{ name: 'sheet.1', data: Buffer.from('b') }, { name: 'meta', data: Buffer.from('{"v":2}') }], dropFiles: ['sheet.0'] });
          expect((await store.stillsAtlas.places()).map((p) => [p.cell, p.placed])).toEqual([[0, 'build'], [7, 'incremental'], [2, 'build']]);
          expect(await store.stillsAtlas.fileNames()).toEqual(['meta', 'sheet.1']);
          expect((await store.stillsAtlas.file('meta'))!.toString()).toBe('{"v":2}');
          // A still gone from its folder takes its place along.
          await store.stills.prepareMovies([mapFilm([1, 3])], '/stills');
          expect((await store.stillsAtlas.places()).map((p) => p.stillKey)).toEqual([stills[0]!.key, stills[2]!.key]);
          // A whole build replaces every place and file.
          await store.stillsAtlas.save({ places: [place(2, { cell: 0 })], replaceAll: true, files: [{ name: 'meta', data: Buffer.from('{}') }] });
          expect((await store.stillsAtlas.places()).map((p) => p.stillKey)).toEqual([stills[2]!.key]);
          expect(await store.stillsAtlas.fileNames()).toEqual(['meta']);
          expect(await store.checkIntegrity()).toEqual([]);
        });
      });

      it('keeps the stored which-movie rows: a build saved whole, read a page at a time; a still deleted takes its row along', async () => {
        await withLibrary(async ({ store }) => {
          const film = (keep: number[]) => ({ movie: movie('match-film', { title: 'Match Film', genres: [] }), imdbId: null, keepSeqs: keep });
          const key = (await store.stills.prepareMovies([film([1, 2, 3])], '/stills')).keys[0]!;
          await store.stills.put([still(key, 1), still(key, 2), still(key, 3)]);
          const stills = await store.stills.ofMovie(key);
          const row = (i: number) => ({ stillKey: stills[i]!.key, movieKey: key, hub: 0.125 * i, row: Float32Array.from([i, 0.5, -1, 2]) });
          await store.stillsMatch.save({ rows: [row(0), row(1), row(2)], files: [{ name: 'meta', data: Buffer.from('{"v":1}') }] });
          expect(await store.stillsMatch.count()).toBe(3);
          const first = await store.stillsMatch.page(0, 2);
          expect(first).toEqual([row(0), row(1)]);
          expect(await store.stillsMatch.page(first[1]!.stillKey, 2)).toEqual([row(2)]);
          expect((await store.stillsMatch.file('meta'))!.toString()).toBe('{"v":1}');
          // A film's content parts (a row's first floats), for the chamfers of the looks.
          expect([...(await store.stillsMatch.contentParts([key, 999_999], 2)).entries()].map(([k, v]) => [k, v.map((x) => Array.from(x))])).toEqual([[key, [[0, 0.5], [1, 0.5], [2, 0.5]]]]);
          // The engine ranks from them only where it searches vectors (pgvector).
          const ranked = await store.stillsMatch.rank(Float32Array.from([1, 0, 0, 0]), { shortlist: 10, top: 2 });
          if (store.stillsMatch.searchable) expect(ranked).toEqual({ movies: [{ movieKey: key, total: expect.closeTo(1.875 + 0.9375, 5), count: 2 }], shortlisted: 3, lowestSimilarity: 0 });
          else expect(ranked).toBeUndefined();
          await store.stills.prepareMovies([film([1, 3])], '/stills');
          expect((await store.stillsMatch.page(0, 10)).map((r) => r.stillKey)).toEqual([stills[0]!.key, stills[2]!.key]);
          // A new build replaces every row and file.
          await store.stillsMatch.save({ rows: [row(2)], files: [] });
          expect(await store.stillsMatch.count()).toBe(1);
          expect(await store.stillsMatch.file('meta')).toBeUndefined();
          expect(await store.checkIntegrity()).toEqual([]);
        });
      });
    });

    describe('atlas', () => {
      it('keeps the atlas: points (whole or incremental), meta, sheets and sprites', async () => {
        await withLibrary(async ({ store }) => {
          const keys = await store.movies.write([write('a', 1), write('b', 2), write('c', 3)], '/catalog');
          const point = (key: number, i: number, placed: 'build' | 'incremental' = 'build') => ({ key, pca: [i, 10 - i] as [number, number], umap: [i / 3, 0.1] as [number, number], tsne: [1e-9 * i, 2] as [number, number], cell: i, cluster: i % 2, placed });
          await store.atlas.savePoints('content', [point(keys[0]!, 0), point(keys[1]!, 1)], true);
          await store.atlas.savePoints('content', [point(keys[2]!, 2, 'incremental')], false);
          await store.atlas.savePoints('color', [point(keys[0]!, 5)], true);
          expect(await store.atlas.loadPoints('content')).toEqual([point(keys[0]!, 0), point(keys[1]!, 1), point(keys[2]!, 2, 'incremental')]);
          await store.atlas.savePoints('content', [point(keys[1]!, 7)], true);
          expect(await store.atlas.loadPoints('content')).toEqual([point(keys[1]!, 7)]);
          expect(await store.atlas.loadPoints('color')).toHaveLength(1);
          expect(await store.atlas.loadMeta('content')).toBeUndefined();
          await store.atlas.saveMeta('content', { k: 6, labels: ['a'] });
          expect(await store.atlas.loadMeta('content')).toEqual({ k: 6, labels: ['a'] });
          await store.atlas.saveSheets([Buffer.from('sheet0'), Buffer.from('sheet1')], [{ key: keys[0]!, sheet: 0, slot: 0 }, { key: keys[1]!, sheet: 1, slot: 3 }]);
          await store.atlas.saveSheets([Buffer.from('sheet0')], [{ key: keys[2]!, sheet: 0, slot: 1 }]);
          expect((await store.atlas.loadSheet(0))!.toString()).toBe('sheet0');
          expect(await store.atlas.loadSheet(1)).toBeUndefined();
          expect([...(await store.atlas.loadSprites())]).toEqual([[keys[2], { sheet: 0, slot: 1 }]]);
        });
      });
    });

    describe('vectors: several models per channel', () => {
      it('keeps the content vectors of several image models side by side and deletes one model\'s channel whole', async () => {
        await withLibrary(async ({ store }) => {
          const [a, b] = await store.movies.write([write('a', 1), write('b', 2)], '/catalog');
          const second = { id: 'm2', version: '1', dimension: 20 };
          await store.vectors.put(a!, [{ ...vector('content:m2', 5, 20, 'm2'), metric: 'l2' }]);
          await store.vectors.put(b!, [{ ...vector('content:m2', 6, 20, 'm2'), metric: 'l2' }]);
          await store.atlas.savePoints('content:m2', [{ key: a!, pca: [0, 0], umap: [0, 0], tsne: [0, 0], cell: 0, cluster: 0, placed: 'build' }], true);
          await store.atlas.saveMeta('content:m2', { k: 1 });
          expect(bits(await store.vectors.get(a!, 'content:m2', second))).toEqual(bits(vec(5, 20)));
          expect(bits(await store.vectors.get(a!, 'content', { id: 'm1', version: '1', dimension: 32 }))).toEqual(bits(vec(1, 32)));
          expect((await store.vectors.states(a!)).get('content:m2')).toEqual({ modelId: 'm2', modelVersion: '1', sourceHash: 'h5' });
          expect(await store.vectors.deleteChannel('content:m2')).toBe(2);
          expect(await store.vectors.load('content:m2', second)).toEqual([]);
          expect(await store.atlas.loadPoints('content:m2')).toEqual([]);
          expect(await store.atlas.loadMeta('content:m2')).toBeUndefined();
          expect(await store.vectors.keys('content', { id: 'm1', version: '1', dimension: 32 })).toEqual([a, b]);
        });
      });
    });

    describe('lexical search', () => {
      it('searches movie fields and printed text in the engine, kept by every write (lexical)', async () => {
        await withLibrary(async ({ store }) => {
          const keys = await store.movies.write(
            [
              { movie: movie('groundhog', { title: 'Groundhog Day', overview: 'A cynical weatherman finds himself reliving the same day over and over.', tagline: "He's having the day of his life... over and over again." }) },
              { movie: movie('alien', { title: 'Alien', year: 1979, genres: ['Horror'], overview: 'The crew of a commercial spaceship meets a deadly creature.', tagline: 'In space no one can hear you scream.' }) },
              { movie: movie('weather', { title: 'The Weather Man', year: 2005, genres: ['Comedy'], overview: 'A weatherman in Chicago with a troubled family.', tagline: '' }) },
              { movie: movie('noise', { title: 'Outer Space Stories', year: 1960, overview: 'Nothing to do with it.', tagline: '', extra: { original_title: 'Histoires du cosmos' } }) },
            ],
            '/catalog',
          );
          const [groundhog, alien, weather, noise] = keys as [number, number, number, number];
          // Stemmed words over every field; a title word outranks a synopsis word.
          const hits = await store.lexical.searchMovies('weatherman relives days', 10);
          expect(hits[0]).toMatchObject({ key: groundhog });
          expect(hits[0]!.fields).toEqual(expect.arrayContaining(['title', 'overview']));
          expect(hits.map((h) => h.key)).toContain(weather);
          expect((await store.lexical.searchMovies('weather man', 10))[0]!.key).toBe(weather);
          expect((await store.lexical.searchMovies('cosmos', 10)).map((h) => [h.key, h.fields])).toEqual([[noise, ['alt_titles']]]);
          // Misspelt titles: trigram candidates.
          expect((await store.lexical.titleCandidates('grondhog dya', 5))[0]).toEqual({ key: groundhog, title: 'Groundhog Day' });
          // Titles printed in a poster's lines, one lookup per line in one call, each film once.
          const printedTitles = await store.lexical.titlesInText(['A FILM BY HAROLD RAMIS', 'GROUNDHOG DAY', 'Groundhog  Day', 'ALIEN'], 3);
          expect(printedTitles.map((c) => c.key)).toEqual(expect.arrayContaining([groundhog, alien]));
          expect(new Set(printedTitles.map((c) => c.key)).size).toBe(printedTitles.length);
          expect(await store.lexical.titlesInText(['', '!!'], 3)).toEqual([]);
          // A title printed without its spaces (OCR often joins the words of a large title) is found by its letters.
          expect((await store.lexical.titlesInText(['GROUNDHOGDAY'], 3)).map((c) => c.key)).toContain(groundhog);
          // Filters are applied in the engine.
          expect((await store.lexical.searchMovies('weatherman', 10, { yearFrom: 2000 })).map((h) => h.key)).toEqual([weather]);
          expect(await store.lexical.searchMovies('  !! ', 10)).toEqual([]);
          // A phrase: the whole query in the title, other titles or tagline.
          expect(await store.lexical.phraseMovies('in space no one can hear you scream', 5)).toEqual([{ key: alien, field: 'tagline' }]);
          expect(await store.lexical.phraseMovies('space scream', 5)).toEqual([]);
          // Updates and deletes reach the index in the same write.
          await store.movies.upsert(movie('weather', { title: 'The Forecaster', year: 2005, overview: 'A man in Chicago.', tagline: '' }), '/catalog');
          expect((await store.lexical.searchMovies('weatherman', 10)).map((h) => h.key)).toEqual([groundhog]);
          expect((await store.lexical.searchMovies('forecaster', 10)).map((h) => h.key)).toEqual([weather]);
          await store.movies.delete(['noise']);
          expect(await store.lexical.searchMovies('cosmos', 10)).toEqual([]);

          // Printed text: current readings only, squashed (OCR drops spaces), fuzzy words.
          await store.movies.write([write('p1', 1, { movie: movie('p1', { year: 1979, genres: ['Horror'] }) }), write('p2', 2), write('p3', 3)], '/catalog');
          const [p1, p2, p3] = [(await store.movies.keyOf('p1'))!, (await store.movies.keyOf('p2'))!, (await store.movies.keyOf('p3'))!];
          const line = (text: string, order: number) => ({ text, confidence: 0.9, box: [[0, 0], [1, 0], [1, 1], [0, 1]], size: 0.1, order }) as never;
          await store.posterText.put(p1, 'ocr1', 'hash-p1', { lines: [line('CANHEARYOU SCREAM', 1), line('IN SPACE NO ONE', 0)] });
          await store.posterText.put(p2, 'ocr1', 'hash-p2', { lines: [line('SPACE CAMP', 0)] });
          await store.posterText.put(p3, 'ocr0', 'hash-p3', { lines: [line('SCREAM AND SPACE', 0)] });
          const printed = await store.lexical.printedCandidates('in space no one can hear you scream', 'ocr1', 10);
          expect(printed[0]).toEqual({ key: p1, lines: ['IN SPACE NO ONE', 'CANHEARYOU SCREAM'] });
          expect(printed.map((c) => c.key)).not.toContain(p3);
          // Candidates share letter trigrams with the query (the caller scores them); filters apply to the poster's movie.
          expect((await store.lexical.printedCandidates('space screem', 'ocr1', 10, { genres: ['Horror'] })).map((c) => c.key)).toEqual([p1]);
          // A newer reading replaces the old one; a failed reading and a deleted poster leave the index.
          await store.posterText.put(p2, 'ocr1', 'hash-p2', { lines: [line('MOONRAKER', 0)] });
          expect((await store.lexical.printedCandidates('moonraker', 'ocr1', 10))[0]!.key).toBe(p2);
          expect((await store.lexical.printedCandidates('camp', 'ocr1', 10)).map((c) => c.key)).not.toContain(p2);
          await store.posterText.put(p2, 'ocr1', 'hash-p2', { error: 'unreadable' });
          expect((await store.lexical.printedCandidates('moonraker', 'ocr1', 10)).map((c) => c.key)).not.toContain(p2);
          await store.movies.delete(['p1']);
          expect(await store.lexical.printedCandidates('scream', 'ocr1', 10)).toEqual([]);
          expect(await store.checkIntegrity()).toEqual([]);
        });
      });
    });
  });
}
