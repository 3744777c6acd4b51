/**
 * The default weights, by measurement (`npm run bench -- weights`, MARQUEE_BENCH_DB = an indexed
 * library). Two questions:
 * 1. Poster channel weights for "more like this" (id queries): over a grid of content / colour /
 *    layout weights, how many of the top 10 share a genre with the query movie, how many share its
 *    decade, and how many share neither (the "Blade Runner finds The Flintstones" failure).
 * 2. The image/text balance for a poster plus words: the query movie's own poster (as an upload,
 *    so identity and OCR take part as in the app) plus words about it — the first eight words of
 *    its synopsis (a close description), or only its genres ("sci-fi film-noir movie": as vague
 *    as a person's "a detective in a rainy city"); where does the movie itself rank, at each
 *    weightImage, and how many of the other top 10 share a genre?
 * 3. "More like this" with the movie's own synopsis blended in (an id query with weightImage < 1):
 *    genre and decade sharing of the top 10 at each weightImage (1 = posters only).
 * MARQUEE_BENCH_WEIGHT_PARTS=channels,balance,story picks the parts.
 */
import { readFile } from 'node:fs/promises';
import { SearchEngine } from '../search/engine.js';
import type { ChannelWeights, SearchQuery } from '../search/query.js';
import { openStore } from '../store/open-store.js';
import { round } from './stats.js';

const GRID: ChannelWeights[] = [
  { content: 1 },
  { content: 0.7, color: 0.15, layout: 0.15 },
  { content: 0.8, color: 0.1, layout: 0.1 },
  { content: 0.85, color: 0.05, layout: 0.1 },
  { content: 0.85, color: 0.1, layout: 0.05 },
  { content: 0.9, color: 0.05, layout: 0.05 },
  { content: 0.6, color: 0.2, layout: 0.2 },
];
const BALANCES = [0.3, 0.5, 0.6, 0.7, 0.8, 0.9];

const decade = (y: number | null) => (y === null ? null : Math.floor(y / 10));

export async function benchDefaultWeights(dbPath: string, queries = Number(process.env.MARQUEE_BENCH_WEIGHT_QUERIES ?? 300)) {
  const library = await openStore(dbPath, { create: false });
  const engine = await SearchEngine.fromLibrary(library);
  try {
    const rows = (await library.movies.filterRows()).filter((r) => r.genres.length > 0);
    const step = Math.max(1, Math.floor(rows.length / queries));
    const sample = rows.filter((_, i) => i % step === 0).slice(0, queries);
    const movies = await library.movies.byKeys(sample.map((r) => r.key));

    const parts = new Set((process.env.MARQUEE_BENCH_WEIGHT_PARTS ?? 'channels,balance,story').split(','));
    /** Share of the top 10 of "more like this" (plus `query`) sharing a genre, the decade, or neither with the query movie. */
    const sharing = async (query: Partial<SearchQuery>) => {
      let genre = 0;
      let dec = 0;
      let neither = 0;
      let n = 0;
      for (const r of sample) {
        const m = movies.get(r.key)!;
        if (!m.hasPoster) continue;
        for (const x of await engine.search({ ...query, id: m.id, k: 10 })) {
          const g = x.genres.some((a) => m.genres.includes(a));
          const d = decade(x.year) !== null && decade(x.year) === decade(m.year);
          genre += g ? 1 : 0;
          dec += d ? 1 : 0;
          neither += !g && !d ? 1 : 0;
          n++;
        }
      }
      return { genreSharing: round(genre / n, 3), decadeSharing: round(dec / n, 3), sharingNeither: round(neither / n, 3) };
    };
    const channelWeights = [];
    for (const weights of parts.has('channels') ? GRID : []) channelWeights.push({ weights, ...(await sharing({ weights })) });
    const story = [];
    for (const weightImage of parts.has('story') ? [1, 0.9, 0.8, 0.7, 0.6, 0.5] : []) story.push({ weightImage, ...(await sharing({ weightImage })) });

    const balance = [];
    const same = sample.slice(0, Math.min(sample.length, Number(process.env.MARQUEE_BENCH_BALANCE_QUERIES ?? 100)));
    const inputs: { id: string; genres: string[]; text: string; vague: string; bytes: Buffer; path: string }[] = [];
    for (const r of same) {
      const m = movies.get(r.key)!;
      const path = (await library.posters.mainFile(m.id))?.path;
      const words = m.overview.split(/\s+/).filter(Boolean).slice(0, 8).join(' ');
      if (path && words) inputs.push({ id: m.id, genres: m.genres, text: words, vague: `${m.genres.join(' ').toLowerCase()} movie`, bytes: await readFile(path), path });
    }
    for (const words of parts.has('balance') ? (['synopsis', 'genres'] as const) : []) {
      for (const weightImage of BALANCES) {
        let first = 0;
        let top10 = 0;
        let genre = 0;
        let n = 0;
        for (const q of inputs) {
          const res = await engine.search({ image: { bytes: q.bytes, source: q.path }, text: words === 'synopsis' ? q.text : q.vague, weightImage, k: 11 });
          const rank = res.findIndex((x) => x.id === q.id);
          if (rank === 0) first++;
          if (rank >= 0 && rank < 10) top10++;
          const others = res.filter((x) => x.id !== q.id).slice(0, 10);
          genre += others.filter((x) => x.genres.some((a) => q.genres.includes(a))).length;
          n += others.length;
        }
        balance.push({ words, weightImage, sameFilmFirst: round(first / inputs.length, 3), sameFilmTop10: round(top10 / inputs.length, 3), genreSharingOfOthers: round(genre / Math.max(1, n), 3) });
      }
    }
    return { queries: sample.length, balanceQueries: inputs.length, channelWeights, story, balance };
  } finally {
    await engine.close();
    await library.close();
  }
}
