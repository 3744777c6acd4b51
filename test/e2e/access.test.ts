/** Access control and the mutating routes (ingest, delete, background jobs) over real HTTP on a real library. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessConfigFromEnv, tokenMatches } from '../../dist/server/access.js';
import { buildServer } from '../../dist/server/app.js';
import { openStore } from '../../dist/store/open-store.js';
import type { Store } from '../../dist/store/store.js';
import { copyOfDemoLibrary, DEMO_ROWS } from '../demo-library.js';
import { catalogRows, POSTERS } from '../helpers.js';

const TOKEN = 'test-token-0123456789abcdef';
const rows = DEMO_ROWS;
const inLibrary = new Set(rows.map((r) => r.id));
// A real catalog movie that is not in the library, to ingest over HTTP.
const newcomer = catalogRows().find((r, i) => i % 97 === 5 && !inLibrary.has(r.id) && r.overview && existsSync(join(POSTERS, `${r.id}.jpg`)))!;
const db = copyOfDemoLibrary();

const servers: FastifyInstance[] = [];
let library: Store;

async function serve(env: Record<string, string>): Promise<string> {
  const app = await buildServer({ library, access: accessConfigFromEnv(env) });
  servers.push(app);
  return app.listen({ port: 0, host: '127.0.0.1' });
}

beforeAll(async () => {
  library = await openStore(db, { create: true });
});

afterAll(async () => {
  for (const s of servers) await s.close();
  await library.close();
});

const auth = (token = TOKEN) => ({ authorization: `Bearer ${token}` });

function ingestForm(movie: unknown, posterBytes: Buffer): FormData {
  const form = new FormData();
  form.append('movie', typeof movie === 'string' ? movie : JSON.stringify(movie));
  form.append('poster', new Blob([new Uint8Array(posterBytes)], { type: 'image/jpeg' }), 'poster.jpg');
  return form;
}

async function searchByImage(base: string, bytes: Buffer): Promise<string[]> {
  const form = new FormData();
  form.append('image', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), 'q.jpg');
  form.append('k', '5');
  const res = await fetch(`${base}/api/search/image`, { method: 'POST', body: form });
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: { id: string }[] }).results.map((r) => r.id);
}

describe('access configuration', () => {
  it('compares tokens in constant time and validates the environment', () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches(`${TOKEN}x`, TOKEN)).toBe(false);
    expect(tokenMatches('', TOKEN)).toBe(false);
    expect(tokenMatches(undefined, TOKEN)).toBe(false);
    expect(accessConfigFromEnv({})).toEqual({ token: undefined, readAccess: 'public', corsOrigins: [] });
    expect(() => accessConfigFromEnv({ MARQUEE_TOKEN: 'short' })).toThrow(/at least 16/);
    expect(() => accessConfigFromEnv({ MARQUEE_READ_ACCESS: 'token' })).toThrow(/needs MARQUEE_TOKEN/);
    expect(() => accessConfigFromEnv({ MARQUEE_READ_ACCESS: 'open' })).toThrow(/"public" or "token"/);
    expect(() => accessConfigFromEnv({ MARQUEE_CORS_ORIGINS: 'example.org/path' })).toThrow(/not an origin/);
  });
});

describe('default server: public reads, writes disabled, CORS off', () => {
  it('refuses every mutating route and sends no CORS headers', async () => {
    const base = await serve({});
    const poster = readFileSync(join(POSTERS, `${newcomer.id}.jpg`));
    const ingest = await fetch(`${base}/api/movies`, { method: 'POST', headers: auth(), body: ingestForm({ id: newcomer.id, title: newcomer.title }, poster) });
    expect(ingest.status).toBe(403);
    expect(((await ingest.json()) as { error: { code: string } }).error.code).toBe('writes_disabled');
    expect((await fetch(`${base}/api/movies/${rows[0]!.id}`, { method: 'DELETE', headers: auth() })).status).toBe(403);
    expect((await fetch(`${base}/api/jobs/atlas-build`, { method: 'POST', headers: auth() })).status).toBe(403);
    const read = await fetch(`${base}/api/health`, { headers: { origin: 'https://evil.example' } });
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
    expect(await library.movies.get(rows[0]!.id!)).toBeDefined();
  });
});

describe('token-protected server', () => {
  let base = '';
  beforeAll(async () => {
    base = await serve({ MARQUEE_TOKEN: TOKEN, MARQUEE_READ_ACCESS: 'token', MARQUEE_CORS_ORIGINS: 'https://atlas.example' });
  });

  it('needs the token for reads (header or cookie) and the header for writes', async () => {
    expect((await fetch(`${base}/api/health`)).status).toBe(401);
    expect((await fetch(`${base}/api/health`, { headers: auth('wrong-token-0123456789') })).status).toBe(401);
    expect((await fetch(`${base}/api/health`, { headers: auth() })).status).toBe(200);
    expect((await fetch(`${base}/api/health`, { headers: { cookie: `marquee_token=${TOKEN}` } })).status).toBe(200);
    // The cookie alone never authorises a change (a cross-site form could send it).
    const del = await fetch(`${base}/api/movies/${rows[0]!.id}`, { method: 'DELETE', headers: { cookie: `marquee_token=${TOKEN}` } });
    expect(del.status).toBe(401);
    expect(await library.movies.get(rows[0]!.id!)).toBeDefined();
  });

  it('allows only the configured CORS origin', async () => {
    const ok = await fetch(`${base}/api/health`, { headers: { ...auth(), origin: 'https://atlas.example' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://atlas.example');
    const other = await fetch(`${base}/api/health`, { headers: { ...auth(), origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('ingests a movie with every channel, updates it, rejects bad input without changes, and deletes it', async () => {
    const bytes = readFileSync(join(POSTERS, `${newcomer.id}.jpg`));
    const before = (await library.library.stats()).movies;
    expect((await searchByImage(base, bytes).catch(() => []))[0]).not.toBe(newcomer.id);

    const created = await fetch(`${base}/api/movies`, {
      method: 'POST',
      headers: auth(),
      body: ingestForm({ id: newcomer.id, title: newcomer.title, year: newcomer.year, genres: newcomer.genres, overview: newcomer.overview }, bytes),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ id: newcomer.id, created: true });
    expect((await library.library.stats()).movies).toBe(before + 1);
    // Found by its own poster (the engine reloaded), and by its synopsis.
    const bearerSearch = async (body: unknown) =>
      ((await (await fetch(`${base}/api/search`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { results: { id: string }[] }).results.map((r) => r.id);
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), 'q.jpg');
    const byImage = (await (await fetch(`${base}/api/search/image`, { method: 'POST', headers: auth(), body: form })).json()) as { results: { id: string; scores: Record<string, number | null> }[] };
    expect(byImage.results[0]!.id).toBe(newcomer.id);
    expect(byImage.results[0]!.scores.color).toBeGreaterThan(0.99);
    expect((await bearerSearch({ text: newcomer.overview, k: 3 }))[0]).toBe(newcomer.id);
    const movie = (await (await fetch(`${base}/api/movies/${encodeURIComponent(newcomer.id!)}`, { headers: auth() })).json()) as { title: string; palette: unknown[] };
    expect(movie.title).toBe(newcomer.title);
    expect(movie.palette.length).toBeGreaterThan(0);
    expect(readdirSync(library.uploadsDir)).toHaveLength(1);

    // Same id again: an update, not a second movie.
    const again = await fetch(`${base}/api/movies`, { method: 'POST', headers: auth(), body: ingestForm({ id: newcomer.id, title: `${newcomer.title} (restored)` }, bytes) });
    expect(again.status).toBe(200);
    expect((await library.library.stats()).movies).toBe(before + 1);
    expect((await library.movies.get(newcomer.id!))!.title).toBe(`${newcomer.title} (restored)`);

    // Bad input: named errors, nothing written.
    const badImage = await fetch(`${base}/api/movies`, { method: 'POST', headers: auth(), body: ingestForm({ id: 'zz-bad' }, Buffer.from('<html>not an image</html>')) });
    expect(badImage.status).toBe(422);
    expect(((await badImage.json()) as { error: { message: string } }).error.message).toMatch(/upload poster\.jpg.*not a readable image/);
    const badJson = await fetch(`${base}/api/movies`, { method: 'POST', headers: auth(), body: ingestForm('{"id": ', bytes) });
    expect(badJson.status).toBe(400);
    const noId = await fetch(`${base}/api/movies`, { method: 'POST', headers: auth(), body: ingestForm({ title: 'no id' }, bytes) });
    expect(noId.status).toBe(400);
    expect(((await noId.json()) as { error: { message: string } }).error.message).toMatch(/missing id/);
    expect(await library.movies.get('zz-bad')).toBeUndefined();
    expect((await library.library.stats()).movies).toBe(before + 1);

    // While another indexer holds the library, changes are refused, not interleaved.
    const indexer = await openStore(db, { create: false });
    const release = await indexer.runs.acquireIndexLock();
    try {
      const busy = await fetch(`${base}/api/movies/${encodeURIComponent(newcomer.id!)}`, { method: 'DELETE', headers: auth() });
      expect(busy.status).toBe(409);
    } finally {
      await release();
      await indexer.close();
    }
    expect(await library.movies.get(newcomer.id!)).toBeDefined();

    const gone = await fetch(`${base}/api/movies/${encodeURIComponent(newcomer.id!)}`, { method: 'DELETE', headers: auth() });
    expect(gone.status).toBe(204);
    expect((await fetch(`${base}/api/movies/${encodeURIComponent(newcomer.id!)}`, { headers: auth() })).status).toBe(404);
    expect((await fetch(`${base}/api/movies/${encodeURIComponent(newcomer.id!)}`, { method: 'DELETE', headers: auth() })).status).toBe(404);
    const after = (await (await fetch(`${base}/api/search/image`, { method: 'POST', headers: auth(), body: form })).json()) as { results: { id: string }[] };
    expect(after.results.map((r) => r.id)).not.toContain(newcomer.id);
    expect(readdirSync(library.uploadsDir)).toHaveLength(0);
    expect((await library.library.stats()).movies).toBe(before);
    expect(await library.checkIntegrity()).toEqual([]);
  });

  it('rebuilds the atlas as a background job, one at a time', async () => {
    const start = await fetch(`${base}/api/jobs/atlas-build`, { method: 'POST', headers: auth() });
    expect(start.status).toBe(202);
    const job = (await start.json()) as { id: string; state: string };
    expect(['waiting', 'running']).toContain(job.state);
    expect((await fetch(`${base}/api/jobs/atlas-build`, { method: 'POST', headers: auth() })).status).toBe(409);
    let state = job.state;
    let polled: { state: string; error: string | null; result: unknown } = { state, error: null, result: null };
    const deadline = Date.now() + 240_000;
    while ((state === 'waiting' || state === 'running') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      polled = (await (await fetch(`${base}/api/jobs/${job.id}`, { headers: auth() })).json()) as typeof polled;
      state = polled.state;
    }
    expect(polled.error).toBeNull();
    expect(state).toBe('done');
    const atlas = (await (await fetch(`${base}/api/atlas`, { headers: auth() })).json()) as { points: { id: string }[] };
    expect(atlas.points.map((p) => p.id).sort()).toEqual([...inLibrary].sort());
  });
});
