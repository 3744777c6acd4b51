/** The HTTP API over real HTTP, against a server on a free port with a real library from ../shared/catalog. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAYOUT_MODEL } from '../../dist/design/design-features.js';
import { buildServer } from '../../dist/server/app.js';
import { openStore } from '../../dist/store/open-store.js';
import type { Store } from '../../dist/store/store.js';
import { copyOfDemoLibrary, DEMO_ROWS } from '../demo-library.js';
import { POSTERS, runCli } from '../helpers.js';

const rows = DEMO_ROWS;
const db = copyOfDemoLibrary();
let app: FastifyInstance;
let library: Store;
let base = '';

beforeAll(async () => {
  library = await openStore(db, { create: true });
  app = await buildServer({ library });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app.close();
  await library.close();
});

const poster = (id: string) => new Blob([readFileSync(join(POSTERS, `${id}.jpg`))], { type: 'image/jpeg' });

async function upload(path: string, files: Record<string, Blob>, fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries(files)) form.append(k, v, `${k}.jpg`);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const res = await fetch(`${base}${path}`, { method: 'POST', body: form });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function postJson(path: string, body: unknown) {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

type Results = { results: { id: string; score: number; scores: Record<string, number | null> }[] };

describe('HTTP API', () => {
  it('serves health and an OpenAPI document listing every endpoint', async () => {
    expect(await (await fetch(`${base}/api/health`)).json()).toEqual({ ok: true, movies: rows.length, posters: rows.length });
    const doc = (await (await fetch(`${base}/api/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    for (const p of ['/api/search', '/api/search/image', '/api/genres/predict', '/api/movies/{id}', '/api/movies/{id}/thumbnail', '/api/pairs', '/api/dupes', '/api/explain'])
      expect(Object.keys(doc.paths)).toContain(p);
  });

  it('searches by uploaded image (ranked first), blend, text, id with weights and filters', async () => {
    const id = rows[12]!.id!;
    const byImage = await upload('/api/search/image', { image: poster(id) }, { k: '5' });
    expect(byImage.status).toBe(200);
    expect((byImage.body as Results).results[0]!.id).toBe(id);
    const blend = await upload('/api/search/image', { image: poster(id), image2: poster(rows[40]!.id!) }, { mix: '0.5', blend: 'pixel', k: '5' });
    expect(blend.status).toBe(200);
    expect((blend.body as Results).results.map((r) => r.id)).not.toContain(id);
    const text = await postJson('/api/search', { text: rows[30]!.overview || 'a detective', k: 3 });
    expect(text.status).toBe(200);
    expect((text.body as Results).results).toHaveLength(3);
    const filtered = await postJson('/api/search', { id, weights: { color: 1 }, filters: { yearFrom: 1990, yearTo: 1999 }, k: 50 });
    const res = (filtered.body as Results).results;
    expect(res.length).toBeGreaterThan(0);
    for (const r of res) expect(r.scores.color).toBe(r.score);
    const years = new Map(rows.map((r) => [r.id, Number(r.year)]));
    for (const r of res) expect(years.get(r.id)).toBeGreaterThanOrEqual(1990);
  });

  it('answers bad requests with clear 4xx JSON errors', async () => {
    expect((await postJson('/api/search', { text: 'x', k: 0 })).status).toBe(400);
    expect((await postJson('/api/search', { text: 'x', nonsense: 1 })).body).toMatchObject({ error: { code: 'invalid_request' } });
    expect((await postJson('/api/search', { id: 'no-such' })).body).toMatchObject({ error: { code: 'bad_query', message: expect.stringMatching(/no movie/) } });
    const text = await upload('/api/search/image', { image: new Blob(['<html>not an image</html>'], { type: 'image/jpeg' }) });
    expect(text.status).toBe(422);
    expect(text.body).toMatchObject({ error: { code: 'bad_image' } });
    const big = await upload('/api/search/image', { image: new Blob([Buffer.alloc(16 * 1024 * 1024, 1)]) });
    expect(big.status).toBe(413);
    const notMultipart = await postJson('/api/search/image', {});
    expect(notMultipart.status).toBe(415);
    expect((await upload('/api/search/image', {}, { k: '3' })).body).toMatchObject({ error: { code: 'missing_image' } });
    // One limit on results for every search route (200; the CLI may ask the engine for up to 1,000).
    expect((await postJson('/api/search', { text: 'x', k: 201 })).status).toBe(400);
    const tooMany = await upload('/api/search/image', { image: poster(rows[3]!.id!) }, { k: '201' });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ error: { code: 'invalid_field', message: expect.stringMatching(/from 1 to 200/) } });
    expect((await upload('/api/search/image', { image: poster(rows[3]!.id!) }, { k: '200' })).status).toBe(200);
    const traversal = await fetch(`${base}/api/movies/..%2F..%2Fetc%2Fpasswd/poster`);
    expect(traversal.status).toBe(404);
    expect(await traversal.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('serves a movie page model, thumbnails with ETag, posters, pairs, dupes and explain PNGs', async () => {
    const id = rows[5]!.id!;
    const movie = (await (await fetch(`${base}/api/movies/${id}`)).json()) as { title: string; film: boolean; palette: { hex: string; share: number }[]; neighbours: Record<string, Results['results']> };
    expect(movie.title).toBe(rows[5]!.title);
    // No film analysed from a video: the page does not ask for its shots.
    expect(movie.film).toBe(false);
    expect(movie.palette.length).toBeGreaterThanOrEqual(5);
    expect(Object.keys(movie.neighbours).sort()).toEqual(['color', 'content', 'layout']);
    expect(movie.neighbours.content!.map((r) => r.id)).not.toContain(id);
    const thumb = await fetch(`${base}/api/movies/${id}/thumbnail`);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/jpeg');
    const etag = thumb.headers.get('etag')!;
    expect((await fetch(`${base}/api/movies/${id}/thumbnail`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    const full = await fetch(`${base}/api/movies/${id}/poster`);
    expect(Buffer.from(await full.arrayBuffer())).toEqual(readFileSync(join(POSTERS, `${id}.jpg`)));
    expect((await fetch(`${base}/api/movies/nope`)).status).toBe(404);
    const pairs = (await (await fetch(`${base}/api/pairs?channel=layout&k=5`)).json()) as { pairs: { channel: string }[] };
    expect(pairs.pairs).toHaveLength(5);
    expect(pairs.pairs.every((p) => p.channel === 'layout')).toBe(true);
    expect(await (await fetch(`${base}/api/dupes`)).json()).toHaveProperty('groups');
    const explain = await fetch(`${base}/api/explain?a=${id}&b=${rows[6]!.id}`);
    expect(explain.headers.get('content-type')).toBe('image/png');
    expect(Number(explain.headers.get('x-similarity'))).toBeGreaterThan(0);
  });

  it('keeps the closest pairs through a genre model and a reading, serves them while recomputing after a layout change', async () => {
    type Status = { pairs: Record<string, { state: string; updating: boolean; computedAt: string | null }> };
    const status = async () => ((await (await fetch(`${base}/api/analyses/status`)).json()) as Status).pairs.layout!;
    const pairs = async () => ((await (await fetch(`${base}/api/pairs?channel=layout&k=5`)).json()) as { pairs: { a: string; b: string }[] }).pairs;
    const first = await pairs();
    const computed = await status();
    expect(computed).toMatchObject({ state: 'ready', updating: false });
    expect(computed.computedAt).not.toBeNull();
    // Writes to other areas: the server hears them within a second (it polls the revisions).
    const key = (await library.movies.keyOf(rows[7]!.id!))!;
    await library.genreModels.put('scratch', { method: 'prior' }, null);
    await library.posterText.put(key, 'scratch-ocr', 'scratch-hash', { lines: [] });
    await new Promise((r) => setTimeout(r, 2500));
    expect(await pairs()).toEqual(first);
    expect(await status()).toEqual(computed);
    // Rewriting a layout vector moves vectors:layout: the same pairs at once, then a newer result.
    const state = (await library.vectors.state(key, 'layout'))!;
    const vector = (await library.vectors.get(key, 'layout', LAYOUT_MODEL))!;
    await library.vectors.put(key, [{ channel: 'layout', modelId: state.modelId, modelVersion: state.modelVersion, sourceHash: state.sourceHash, vector }]);
    const until = Date.now() + 20_000;
    let now = await status();
    while (now.computedAt === computed.computedAt && Date.now() < until) {
      expect(await pairs()).toEqual(first);
      await new Promise((r) => setTimeout(r, 250));
      now = await status();
    }
    expect(now.computedAt! > computed.computedAt!).toBe(true);
    expect(await pairs()).toEqual(first);
  });

  it('predicts genres of an upload once a model is trained (409 before)', async () => {
    const before = await upload('/api/genres/predict', { image: poster(rows[3]!.id!) });
    expect(before.status).toBe(409);
    expect(runCli(['genres', 'train', '--db', db, '--folds', '3']).code).toBe(0);
    const after = await upload('/api/genres/predict', { image: poster(rows[3]!.id!) }, { overview: 'A family of toys comes alive.' });
    expect(after.status).toBe(200);
    const genres = (after.body as { genres: { p: number }[] }).genres;
    expect(genres).toHaveLength(18);
    for (const g of genres) expect(g.p >= 0 && g.p <= 1).toBe(true);
  });
});
