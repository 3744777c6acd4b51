/**
 * Every retriever (retriever.ts) through the one conformance suite, on a small library in a
 * temporary SQLite file: the lexical ones query its full-text indexes, the in-process ones score
 * what it stores. Hermetic: synthetic vectors and readings, no models.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { COLOR_MODEL } from '../design/design-features.js';
import { BIN_CENTRES } from '../design/color-histogram.js';
import { COLOR_CHANNEL } from '../store/channels.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { MovieWrite } from '../store/store.js';
import type { MovieRecord } from '../store/types.js';
import type { TextLine } from '../text/types.js';
import { ExactIndex } from './exact-index.js';
import { FaceScorer } from './face-scorer.js';
import { PaletteScorer } from './palette-scorer.js';
import { PosterOwners } from './poster-owners.js';
import { faceChannel, paletteChannel, vectorChannel, vectorRetriever } from './query-channel.js';
import { retrieverConformance, type RetrieverUnderTest } from './retriever.conformance.js';
import { identityChannel, typographyChannel } from './text-channels.js';
import { textRetrieval } from './text-retrieval.js';
import { fieldWords, misspeltTitles, phrases, printedText, printedWords } from './text-retrievers.js';
import { TypographyScorer } from './typography-scorer.js';

const FILMS: [string, string, number, string, string, string[]][] = [
  // id, title, year, tagline, overview, printed lines
  ['gd', 'Groundhog Day', 1993, "He's having the day of his life over and over again.", 'A weatherman relives the same day in a small town.', ['BILL MURRAY', 'GROUNDHOG DAY', 'HE IS HAVING THE DAY OF HIS LIFE']],
  ['gd2', 'Groundhog Day 2', 2009, 'The day comes back.', 'A weatherman and his daughter relive a day of snow.', ['GROUNDHOG DAY 2', 'SNOW DAY']],
  ['wm', 'The Weather Man', 2005, 'A forecast of a life.', 'A weatherman in Chicago with a troubled family and a bad day.', ['NICOLAS CAGE', 'THE WEATHER MAN', 'A DAY IN CHICAGO']],
  ['alien', 'Alien', 1979, 'In space no one can hear you scream.', 'The crew of a spaceship meets a deadly creature on a day of work.', ['IN SPACE NO ONE', 'CAN HEAR YOU SCREAM', 'ALIEN']],
  ['aliens', 'Aliens', 1986, 'This time it is war. In space no one can hear you scream.', 'The weatherman of the colony is gone; marines come for a day.', ['ALIENS', 'THIS TIME ITS WAR', 'INSPACE NOONE CANHEARYOU SCREAM']],
  ['dog', 'Groundhog Dog', 1962, 'A dog of a day.', 'A farm dog digs.', ['GROUNDHOG DOG', 'A FARM STORY']],
  ['jaws', 'Jaws', 1975, "Don't go in the water.", 'A shark off a beach town; a weatherman warns for a day.', ['JAWS', 'SPACE ON THE BEACH', 'SCREAM IN THE WATER']],
];

const box = (y: number, h: number): [number, number][] => [[0.1, y], [0.9, y], [0.9, y + h], [0.1, y + h]];
const lines = (texts: string[]): TextLine[] => texts.map((text, order) => ({ text, confidence: 0.9, box: box(0.1 + order * 0.2, order === 1 ? 0.12 : 0.05), size: order === 1 ? 0.12 : 0.05, order }));
const vec = (seed: number, dim: number): Float32Array => {
  const v = Float32Array.from({ length: dim }, (_, i) => Math.abs(Math.sin(seed * 3.7 + i * 1.3)) + 0.01);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

let dir: string;
let store: SqliteStore;
let keys: number[];
const OCR = 'ocr-test';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'marquee-retrievers-'));
  store = await SqliteStore.open(join(dir, 'library.db'), { create: true });
  const movie = (id: string, title: string, year: number, tagline: string, overview: string): MovieRecord => ({ id, title, year, genres: ['Drama'], countries: ['US'], overview, tagline, imdbId: null, tmdbId: null, extra: {} });
  const writes: MovieWrite[] = FILMS.map(([id, title, year, tagline, overview], i) => ({
    movie: movie(id, title, year, tagline, overview),
    poster: {
      record: { path: `/posters/${id}.jpg`, contentHash: `hash-${id}`, width: 300, height: 450, format: 'jpeg', bytes: 1000, thumbnail: Buffer.from(id) },
      vectors: [
        { channel: 'content', modelId: 'm', modelVersion: '1', sourceHash: `hash-${id}`, vector: vec(i, 8) },
        { channel: COLOR_CHANNEL, modelId: COLOR_MODEL.id, modelVersion: COLOR_MODEL.version, sourceHash: `hash-${id}`, vector: vec(i + 10, BIN_CENTRES.length) },
      ],
      palette: { version: 'p1', sourceHash: `hash-${id}`, colors: [] },
    },
  }));
  keys = await store.movies.write(writes, '/catalog');
  for (const [i, f] of FILMS.entries()) {
    await store.posterText.put(keys[i]!, OCR, `hash-${f[0]}`, { lines: lines(f[5]) });
    await store.faces.putPosterFaces(keys[i]!, 'faces-1', `hash-${f[0]}`, [{ box: { x: 0.1, y: 0.1, width: 0.2, height: 0.2 }, score: 0.9, descriptor: vec(i + 20, 16) }]);
  }
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Films from 1980 on (every retriever here finds some before and some after). */
const filter = { yearFrom: 1980 };
const allowed = (): ReadonlySet<number> => new Set(FILMS.map((f, i) => (f[2] >= 1980 ? keys[i]! : -1)).filter((k) => k >= 0));
const under = (retriever: RetrieverUnderTest['retriever']): RetrieverUnderTest => ({ retriever, filter, allowed: allowed() });

/** An exact index over the posters' content vectors; it resolves filters to the allowed keys as the engine's rows would. */
async function contentIndex(): Promise<{ index: ExactIndex; keys: number[] }> {
  const index = new ExactIndex(8, 16, async () => allowed());
  const entries = await store.vectors.load('content', { id: 'm', version: '1', dimension: 8 } as never);
  await index.upsert(entries);
  return { index, keys: entries.map((e) => e.key) };
}

retrieverConformance('words in film fields (engine full-text)', async () => under(fieldWords(store.lexical, 'weatherman day')));
retrieverConformance('misspelt titles (engine trigrams + edit distance)', async () => under(misspeltTitles(store.lexical, 'grondhog day')));
retrieverConformance('phrase in title or tagline (engine full-text)', async () => under(phrases(store.lexical, 'in space no one can hear you scream')));
retrieverConformance('printed words (engine trigrams + edit distance)', async () => under(printedWords(store.lexical, 'space scream', OCR)));
retrieverConformance('printed phrase (engine trigrams + edit distance)', async () => under(printedText(store.lexical, 'in space no one can hear you scream', OCR).phrase));
retrieverConformance('vectors (exact index)', async () => {
  const { index, keys: all } = await contentIndex();
  return under(vectorRetriever('synopsis', 'movie', vec(1, 8), { index, keys: all }));
});
retrieverConformance('poster channel (vector, weighted)', async () => {
  const { index, keys: all } = await contentIndex();
  return under(vectorChannel('content', 1, vec(2, 8), { index, keys: all }));
});
retrieverConformance('palette (in process)', async () => under(paletteChannel(1, ['#cc2222', '#2222cc'], await PaletteScorer.load(store))));
retrieverConformance('faces (in process)', async () => under(faceChannel(1, [vec(21, 16)], await FaceScorer.load(store))));
retrieverConformance('identity evidence', async () =>
  under(identityChannel(1, new Map(keys.map((key, i) => [key, { key, score: 0.4 + 0.1 * (i % 3), by: 'title' as const, text: FILMS[i]![1] }])), keys)),
);
retrieverConformance('typography (in process)', async () => {
  const scorer = new TypographyScorer(await store.posterText.all(OCR, 'posters'));
  return under(typographyChannel(1, scorer.queryOf(lines(['A TITLE', 'BIG TITLE', 'credits'])), scorer));
});
retrieverConformance('fused text side (reciprocal rank over the text retrievers)', async () => {
  const { channel } = await textRetrieval({ query: 'weatherman scream', weight: 1, lexical: store.lexical, ocrVersion: OCR, owners: new PosterOwners([]), referenceKeys: keys, filter: undefined, exclude: new Set() });
  return under(channel);
});
