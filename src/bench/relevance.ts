/**
 * Relevance: query sets with known answers, R@1, R@10 and MRR@10 per set, each split in two by a
 * hash of (set, film id): the development half is what fusion settings are chosen on, the report
 * half is what docs cite (never tuned on). Sets:
 * - described: how a person describes a half-remembered film (bench/queries/described.jsonl, written by the team);
 * - printed: text remembered from a poster (bench/queries/printed.jsonl, written looking at the posters);
 * - tagline: a film's own tagline (from the library; taglines shared by several films left out);
 * - misspelled: a title with one seeded typo in one word (any film of that title counts);
 * - foreign: the original title MovieLens gives in parentheses ("Suna no onna");
 * - upload (bench only, `images`): the poster itself cropped, shrunk, darkened and re-encoded at JPEG quality 35.
 * Noise: each figure carries its binomial standard error; the gate (test/e2e/relevance-gate.test.ts)
 * fails a set that drops more than twice that below its recorded floor.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import type { SearchEngine } from '../search/engine.js';
import type { SearchQuery } from '../search/query.js';
import type { Store } from '../store/store.js';
import type { StoredMovie } from '../store/types.js';

export const QUERY_DIR = resolve(import.meta.dirname, '../../bench/queries');

export type Split = 'dev' | 'report';

export interface RelevanceQuery {
  set: string;
  /** The film the query was written for. */
  id: string;
  text?: string;
  /** Image sets: the poster file to degrade and upload. */
  poster?: string;
  /** Ids of every film that counts as right (remakes share a title). */
  relevant: string[];
  split: Split;
}

export interface SetMetrics {
  n: number;
  r1: number;
  r10: number;
  mrr: number;
  /** Binomial standard error of R@1 (the noise band's unit). */
  se1: number;
  /** Binomial standard error of R@10. */
  se10: number;
}

/** FNV-1a: a stable split that does not depend on the order of the files. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export const splitOf = (set: string, id: string): Split => (hash(`${set}:${id}`) % 2 === 0 ? 'dev' : 'report');
const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

function readJsonl(file: string): { id: string; query: string }[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { id: string; query: string });
}

/** One typo in the longest word of 4+ letters, chosen by the film id: a swap, a dropped, doubled or wrong letter. */
export function misspell(title: string, seed: number): string | undefined {
  const words = title.split(' ');
  const candidates = words.map((w, i) => ({ w, i })).filter((x) => /^[a-z]{4,}$/i.test(x.w));
  if (!candidates.length) return undefined;
  const { w, i } = candidates.sort((a, b) => b.w.length - a.w.length || a.i - b.i)[0]!;
  const at = 1 + (seed % (w.length - 2));
  const op = (seed >> 4) % 4;
  const near = 'qwertyuiopasdfghjklzxcvbnm';
  const typo =
    op === 0 ? w.slice(0, at) + w[at + 1] + w[at] + w.slice(at + 2)
    : op === 1 ? w.slice(0, at) + w.slice(at + 1)
    : op === 2 ? w.slice(0, at) + w[at] + w.slice(at)
    : w.slice(0, at) + near[(near.indexOf(w[at]!.toLowerCase()) + 1) % near.length] + w.slice(at + 1);
  if (typo.toLowerCase() === w.toLowerCase()) return undefined;
  words[i] = typo;
  return words.join(' ');
}

/** The main title without MovieLens's parenthesised original title. */
const mainTitle = (t: string) => t.replace(/\s*\([^)]*\)\s*$/, '').trim();

/** Every query set over the films of a library (films a set names but the library lacks are left out). */
export async function querySets(store: Store, opts: { images?: boolean; perSet?: number } = {}): Promise<RelevanceQuery[]> {
  const keys = (await store.movies.filterRows()).map((r) => r.key);
  const movies = [...(await store.movies.byKeys(keys)).values()];
  const byId = new Map(movies.map((m) => [m.id, m]));
  const byTitle = new Map<string, string[]>();
  for (const m of movies) for (const t of [mainTitle(m.title), m.title]) byTitle.set(norm(t), [...new Set([...(byTitle.get(norm(t)) ?? []), m.id])]);
  const per = opts.perSet ?? 300;
  const out: RelevanceQuery[] = [];
  const take = (set: string, items: Omit<RelevanceQuery, 'set' | 'split'>[]) => {
    const sorted = items.filter((q) => byId.has(q.id)).sort((a, b) => hash(`${set}:${a.id}`) - hash(`${set}:${b.id}`));
    for (const q of sorted.slice(0, per)) out.push({ ...q, set, split: splitOf(set, q.id) });
  };
  take('described', readJsonl(join(QUERY_DIR, 'described.jsonl')).map((q) => ({ id: q.id, text: q.query, relevant: [q.id] })));
  take('printed', readJsonl(join(QUERY_DIR, 'printed.jsonl')).map((q) => ({ id: q.id, text: q.query, relevant: [q.id] })));
  const taglines = new Map<string, StoredMovie[]>();
  for (const m of movies) if (m.tagline.split(/\s+/).length >= 3) taglines.set(norm(m.tagline), [...(taglines.get(norm(m.tagline)) ?? []), m]);
  take('tagline', [...taglines.values()].filter((ms) => ms.length === 1).map(([m]) => ({ id: m!.id, text: m!.tagline, relevant: [m!.id] })));
  take(
    'misspelled',
    movies.flatMap((m) => {
      const typo = misspell(mainTitle(m.title), hash(m.id));
      return typo ? [{ id: m.id, text: typo, relevant: byTitle.get(norm(mainTitle(m.title))) ?? [m.id] }] : [];
    }),
  );
  take(
    'foreign',
    movies.flatMap((m) => {
      const paren = /\(([^)]+)\)\s*$/.exec(m.title)?.[1];
      if (!paren || /^a\.?k\.?a\.?\s/i.test(paren) || norm(paren) === norm(mainTitle(m.title))) return [];
      return [{ id: m.id, text: paren, relevant: [m.id] }];
    }),
  );
  if (opts.images) {
    const withPoster = movies.filter((m) => m.hasPoster);
    const items: Omit<RelevanceQuery, 'set' | 'split'>[] = [];
    for (const m of withPoster) {
      const file = await store.posters.mainFile(m.id);
      if (file) items.push({ id: m.id, poster: file.path, relevant: [m.id] });
    }
    const before = out.length;
    take('upload', items);
    out.splice(before + Math.min(per, 100));
  }
  return out;
}

/** A poster as a visitor's copy of it: cropped by 6 %, 240 px wide, darker, JPEG quality 35. */
export async function degrade(path: string): Promise<Buffer> {
  const img = sharp(path);
  const { width = 300, height = 450 } = await img.metadata();
  const dx = Math.round(width * 0.06), dy = Math.round(height * 0.06);
  return img.extract({ left: dx, top: dy, width: width - 2 * dx, height: height - 2 * dy }).resize({ width: 240 }).modulate({ brightness: 0.85 }).jpeg({ quality: 35 }).toBuffer();
}

function metrics(ranks: (number | undefined)[]): SetMetrics {
  const n = ranks.length;
  const r1 = ranks.filter((r) => r === 1).length / n;
  const r10 = ranks.filter((r) => r !== undefined && r <= 10).length / n;
  const mrr = ranks.reduce<number>((s, r) => s + (r !== undefined && r <= 10 ? 1 / r : 0), 0) / n;
  const se = (p: number) => Math.sqrt((p * (1 - p)) / n);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { n, r1: round(r1), r10: round(r10), mrr: round(mrr), se1: round(se(r1)), se10: round(se(r10)) };
}

/** Runs the queries; per set and split: R@1, R@10, MRR@10, and the latency of each query. */
export async function evaluate(engine: SearchEngine, queries: RelevanceQuery[]): Promise<{ sets: Record<string, Partial<Record<Split, SetMetrics>>>; latencies: Record<string, number[]>; misses: Record<string, { id: string; text?: string; got: string[] }[]> }> {
  const ranks = new Map<string, (number | undefined)[]>();
  const latencies: Record<string, number[]> = {};
  const misses: Record<string, { id: string; text?: string; got: string[] }[]> = {};
  for (const q of queries) {
    const query: SearchQuery = q.text !== undefined ? { text: q.text, k: 10 } : { image: { bytes: await degrade(q.poster!), source: q.poster! }, k: 10 };
    const t0 = performance.now();
    const results = await engine.search(query);
    (latencies[q.set] ??= []).push(performance.now() - t0);
    const at = results.findIndex((r) => q.relevant.includes(r.id));
    const key = `${q.set}/${q.split}`;
    ranks.set(key, [...(ranks.get(key) ?? []), at >= 0 ? at + 1 : undefined]);
    if (at !== 0 && q.split === 'dev') (misses[q.set] ??= []).push({ id: q.id, text: q.text, got: results.slice(0, 3).map((r) => `${r.title} (${r.year})`) });
  }
  const sets: Record<string, Partial<Record<Split, SetMetrics>>> = {};
  for (const [key, r] of ranks) {
    const [set, split] = key.split('/') as [string, Split];
    (sets[set] ??= {})[split] = metrics(r);
  }
  return { sets, latencies, misses };
}
