/**
 * Two servers on one library, on both engines: a movie ingested over HTTP through one server is
 * found by the other without a restart (PostgreSQL: LISTEN/NOTIFY; SQLite: PRAGMA data_version),
 * and a delete through the second is seen by the first.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessConfigFromEnv } from '../../dist/server/access.js';
import { buildServer } from '../../dist/server/app.js';
import { openStore } from '../../dist/store/open-store.js';
import type { Store } from '../../dist/store/store.js';
import { ENGINES, freshLibrary, type TestLibrary } from '../engines.js';
import { catalogRows, makeCatalog, POSTERS, runCli, spreadRows, tempDir } from '../helpers.js';

const TOKEN = 'shared-library-token-0123456789';
const rows = spreadRows(40, 11);
const inLibrary = new Set(rows.map((r) => r.id));
const newcomer = catalogRows().find((r, i) => i % 89 === 3 && !inLibrary.has(r.id) && (r.overview ?? '').length > 80 && existsSync(join(POSTERS, `${r.id}.jpg`)))!;
const auth = { authorization: `Bearer ${TOKEN}` };

async function waitFor(what: string, check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting until ${what}`);
}

describe.each(ENGINES)('two servers on one %s library', (engine) => {
  let library: TestLibrary;
  const stores: Store[] = [];
  const servers: FastifyInstance[] = [];
  const bases: string[] = [];

  beforeAll(async () => {
    library = await freshLibrary(engine);
    process.env.MARQUEE_UPLOADS = join(tempDir(), 'uploads'); // PostgreSQL: shared upload storage
    const r = runCli(['index', makeCatalog(rows), '--no-ocr', '--db', library.db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    for (let i = 0; i < 2; i++) {
      const store = await openStore(library.db, { create: false });
      const app = await buildServer({ library: store, access: accessConfigFromEnv({ MARQUEE_TOKEN: TOKEN }) });
      stores.push(store);
      servers.push(app);
      bases.push(await app.listen({ port: 0, host: '127.0.0.1' }));
    }
  });

  afterAll(async () => {
    for (const s of servers) await s.close();
    for (const s of stores) await s.close();
    await library.drop();
  });

  const searchText = async (base: string, text: string): Promise<string[]> =>
    ((await (await fetch(`${base}/api/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text, k: 3 }) })).json()) as { results: { id: string }[] }).results.map((r) => r.id);

  const searchImage = async (base: string, bytes: Buffer): Promise<string[]> => {
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), 'q.jpg');
    return ((await (await fetch(`${base}/api/search/image`, { method: 'POST', body: form })).json()) as { results: { id: string }[] }).results.map((r) => r.id);
  };

  it('an ingest through one server is found through the other; a delete through the other is seen by the first', async () => {
    const [a, b] = bases as [string, string];
    const bytes = readFileSync(join(POSTERS, `${newcomer.id}.jpg`));
    // Both servers have loaded their indexes before the change.
    expect(await searchImage(b, bytes)).not.toContain(newcomer.id);
    expect(await searchText(b, newcomer.overview!)).not.toContain(newcomer.id);

    const form = new FormData();
    form.append('movie', JSON.stringify({ id: newcomer.id, title: newcomer.title, year: newcomer.year, genres: newcomer.genres, overview: newcomer.overview }));
    form.append('poster', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), 'poster.jpg');
    const created = await fetch(`${a}/api/movies`, { method: 'POST', headers: auth, body: form });
    expect(created.status, await created.clone().text()).toBe(201);
    expect((await searchImage(a, bytes))[0]).toBe(newcomer.id);

    await waitFor('the second server finds the ingested poster', async () => (await searchImage(b, bytes))[0] === newcomer.id);
    expect((await searchText(b, newcomer.overview!))[0]).toBe(newcomer.id);
    expect((await fetch(`${b}/api/movies/${encodeURIComponent(newcomer.id!)}`)).status).toBe(200);

    expect((await fetch(`${b}/api/movies/${encodeURIComponent(newcomer.id!)}`, { method: 'DELETE', headers: auth })).status).toBe(204);
    await waitFor('the first server forgets the deleted movie', async () => !(await searchImage(a, bytes)).includes(newcomer.id!));
    expect((await fetch(`${a}/api/movies/${encodeURIComponent(newcomer.id!)}`)).status).toBe(404);
    expect(await stores[0]!.checkIntegrity()).toEqual([]);
  });
});
