/**
 * The API contract: every operation the OpenAPI document describes is called over HTTP on a real
 * library (posters, stills, a film, a genre model, an atlas), with a request that succeeds and one
 * that fails wherever one can, and every reply is checked against the document: its status is
 * documented for the operation, its media type is the documented one, and a JSON body validates
 * against the documented schema. A route added without an example here, or an example for a route
 * the document does not list, fails the first test. What the body check cannot see: a field the
 * handler returns but the schema lacks is dropped by fastify before the reply is written, so the
 * reply still validates; `covering<T>()` in src/server/schemas.ts is the guard for that (at compile
 * time, on the top-level fields of the schemas it wraps).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessConfigFromEnv } from '../../dist/server/access.js';
import { apiReference, type OpenApiDocument } from '../../dist/server/api-reference.js';
import { buildServer } from '../../dist/server/app.js';
import { renderFilm, planFilm, stillsForFilms } from '../../dist/films/synthetic-film.js';
import { openStore } from '../../dist/store/open-store.js';
import type { Store } from '../../dist/store/store.js';
import { makeCatalog, POSTERS, ROOT, runCli, spreadRows, tempDir, type CatalogRow } from '../helpers.js';

const STILLS = resolve(ROOT, '../shared/stills');
const TOKEN = 'contract-token-0123456789abcdef';
const rows: CatalogRow[] = spreadRows(24, 7);
/** Two stills films with a catalog poster (poster vs film needs both). */
const filmRows: CatalogRow[] = [
  { id: 'frozen', title: 'Frozen', year: '2013', genres: 'Animation', poster: `posters/${rows[0]!.id}.jpg` },
  { id: 'gravity', title: 'Gravity', year: '2013', genres: 'Sci-Fi', poster: `posters/${rows[1]!.id}.jpg` },
];
const dir = tempDir('marquee-contract-');
const db = join(dir, 'lib.db');
const poster = (i: number) => readFileSync(join(POSTERS, `${rows[i]!.id}.jpg`));
const still = () => readFileSync(join(STILLS, 'gravity', '040.jpg'));
let app: FastifyInstance;
let library: Store;
let base = '';

interface Example {
  /** "GET /api/movies/{id}": the operation as the document names it. */
  op: string;
  url: string;
  body?: () => BodyInit;
  json?: unknown;
  token?: boolean;
  /** The status this request must get. */
  status: number;
}

const form = (fields: Record<string, Buffer | string>): (() => FormData) => () => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) {
    if (typeof v === 'string') f.append(k, v);
    else f.append(k, new Blob([new Uint8Array(v)], { type: 'image/jpeg' }), `${k}.jpg`);
  }
  return f;
};
const text = (name: string): (() => FormData) => () => {
  const f = new FormData();
  f.append(name, new Blob(['not an image'], { type: 'text/plain' }), 'notes.txt');
  return f;
};

const id = () => rows[2]!.id;
const other = () => rows[3]!.id;
/** Filled in as the examples run: the id of a job the examples queued. */
let jobId = '';

const examples = (): Example[] => [
  { op: 'GET /api/health', url: '/api/health', status: 200 },
  { op: 'POST /api/search', url: '/api/search', json: { text: 'a haunted house', k: 5 }, status: 200 },
  { op: 'POST /api/search', url: '/api/search', json: { text: 'x', k: 5000 }, status: 400 },
  { op: 'POST /api/search/image', url: '/api/search/image', body: form({ image: poster(4) }), status: 200 },
  { op: 'POST /api/search/image', url: '/api/search/image', body: text('image'), status: 422 },
  { op: 'POST /api/genres/predict', url: '/api/genres/predict', body: form({ image: poster(4) }), status: 200 },
  { op: 'POST /api/genres/predict', url: '/api/genres/predict', body: text('image'), status: 422 },
  { op: 'GET /api/models', url: '/api/models', status: 200 },
  { op: 'GET /api/genres/status', url: '/api/genres/status', status: 200 },
  { op: 'GET /api/movies/{id}', url: `/api/movies/${id()}`, status: 200 },
  { op: 'GET /api/movies/{id}', url: '/api/movies/no-such-movie', status: 404 },
  { op: 'GET /api/movies/{id}/summary', url: `/api/movies/${id()}/summary`, status: 200 },
  { op: 'GET /api/movies/{id}/summary', url: '/api/movies/no-such-movie/summary', status: 404 },
  { op: 'GET /api/movies/{id}/thumbnail', url: `/api/movies/${id()}/thumbnail`, status: 200 },
  { op: 'GET /api/movies/{id}/thumbnail', url: '/api/movies/no-such-movie/thumbnail', status: 404 },
  { op: 'GET /api/movies/{id}/poster', url: `/api/movies/${id()}/poster`, status: 200 },
  { op: 'GET /api/movies/{id}/poster', url: '/api/movies/no-such-movie/poster', status: 404 },
  { op: 'GET /api/movies/{id}/posters', url: `/api/movies/${id()}/posters`, status: 200 },
  { op: 'GET /api/movies/{id}/posters', url: '/api/movies/no-such-movie/posters', status: 404 },
  { op: 'GET /api/movies/{id}/posters/{rank}/thumbnail', url: `/api/movies/${id()}/posters/0/thumbnail`, status: 200 },
  { op: 'GET /api/movies/{id}/posters/{rank}/thumbnail', url: `/api/movies/${id()}/posters/9/thumbnail`, status: 404 },
  { op: 'GET /api/movies/{id}/posters/{rank}/image', url: `/api/movies/${id()}/posters/0/image`, status: 200 },
  { op: 'GET /api/movies/{id}/posters/{rank}/image', url: `/api/movies/${id()}/posters/9/image`, status: 404 },
  { op: 'GET /api/pairs', url: '/api/pairs?channel=content&k=5', status: 200 },
  { op: 'GET /api/pairs', url: '/api/pairs?k=5000', status: 400 },
  { op: 'GET /api/dupes', url: '/api/dupes', status: 200 },
  { op: 'GET /api/analyses/status', url: '/api/analyses/status', status: 200 },
  { op: 'GET /api/explain', url: `/api/explain?a=${id()}&b=${other()}&channel=color`, status: 200 },
  { op: 'GET /api/explain', url: `/api/explain?a=no-such-movie&b=${other()}`, status: 404 },
  { op: 'GET /api/explain/colors', url: `/api/explain/colors?a=${id()}&b=${other()}`, status: 200 },
  { op: 'GET /api/explain/colors', url: `/api/explain/colors?a=no-such-movie&b=${other()}`, status: 404 },
  { op: 'GET /api/atlas', url: '/api/atlas', status: 200 },
  { op: 'GET /api/atlas', url: '/api/atlas?channel=nope', status: 400 },
  { op: 'GET /api/atlas/sheets/{n}', url: '/api/atlas/sheets/0', status: 200 },
  { op: 'GET /api/atlas/sheets/{n}', url: '/api/atlas/sheets/999', status: 404 },
  { op: 'GET /api/movies/{id}/look', url: '/api/movies/gravity/look', status: 200 },
  { op: 'GET /api/movies/{id}/look', url: '/api/movies/no-such-movie/look', status: 404 },
  { op: 'GET /api/movies/{id}/barcode', url: '/api/movies/gravity/barcode', status: 200 },
  { op: 'GET /api/movies/{id}/barcode', url: '/api/movies/no-such-movie/barcode', status: 404 },
  { op: 'GET /api/movies/{id}/stills/{seq}/thumbnail', url: '/api/movies/gravity/stills/1/thumbnail', status: 200 },
  { op: 'GET /api/movies/{id}/stills/{seq}/thumbnail', url: '/api/movies/gravity/stills/9999/thumbnail', status: 404 },
  { op: 'GET /api/movies/{id}/looks', url: '/api/movies/gravity/looks?k=3', status: 200 },
  { op: 'GET /api/movies/{id}/looks', url: '/api/movies/no-such-movie/looks', status: 404 },
  { op: 'POST /api/stills/which-movie', url: '/api/stills/which-movie', body: form({ image: still() }), status: 200 },
  { op: 'POST /api/stills/which-movie', url: '/api/stills/which-movie', body: text('image'), status: 422 },
  { op: 'GET /api/stills', url: '/api/stills', status: 200 },
  { op: 'GET /api/stills/clusters', url: '/api/stills/clusters', status: 200 },
  { op: 'GET /api/stills/atlas', url: '/api/stills/atlas', status: 200 },
  { op: 'GET /api/stills/atlas/sheets/{n}', url: '/api/stills/atlas/sheets/0', status: 200 },
  { op: 'GET /api/stills/atlas/sheets/{n}', url: '/api/stills/atlas/sheets/999', status: 404 },
  { op: 'GET /api/films', url: '/api/films', status: 200 },
  { op: 'GET /api/movies/{id}/shots', url: '/api/movies/film-one/shots', status: 200 },
  { op: 'GET /api/movies/{id}/shots', url: `/api/movies/${id()}/shots`, status: 409 },
  { op: 'GET /api/movies/{id}/film-barcode', url: '/api/movies/film-one/film-barcode', status: 200 },
  { op: 'GET /api/movies/{id}/film-barcode', url: `/api/movies/${id()}/film-barcode`, status: 409 },
  { op: 'GET /api/trends/typical', url: '/api/trends/typical?by=decade', status: 200 },
  { op: 'GET /api/trends/typical', url: '/api/trends/typical?by=century', status: 400 },
  { op: 'GET /api/trends/average', url: `/api/trends/average?by=decade&period=${Math.floor(Number(rows[2]!.year) / 10) * 10}s`, status: 200 },
  { op: 'GET /api/trends/average', url: '/api/trends/average?by=decade&period=1690s', status: 400 },
  { op: 'GET /api/trends/measures', url: '/api/trends/measures', status: 200 },
  { op: 'GET /api/trends', url: '/api/trends?measure=brightness', status: 200 },
  { op: 'GET /api/trends', url: '/api/trends?measure=brightnes', status: 400 },
  { op: 'GET /api/trends/csv', url: '/api/trends/csv?measure=brightness&measure=warmth', status: 200 },
  { op: 'GET /api/trends/csv', url: '/api/trends/csv?measure=nope', status: 400 },
  { op: 'GET /api/borrowings', url: '/api/borrowings?channel=layout&k=5', status: 200 },
  { op: 'GET /api/borrowings', url: '/api/borrowings?channel=nope', status: 400 },
  { op: 'GET /api/movies/{id}/borrowings', url: `/api/movies/${id()}/borrowings?direction=earlier&k=3`, status: 200 },
  { op: 'GET /api/movies/{id}/borrowings', url: '/api/movies/no-such-movie/borrowings', status: 404 },
  { op: 'GET /api/movies/{id}/poster-vs-film', url: '/api/movies/gravity/poster-vs-film', status: 200 },
  { op: 'GET /api/movies/{id}/poster-vs-film', url: `/api/movies/${id()}/poster-vs-film`, status: 409 },
  { op: 'GET /api/poster-vs-film', url: '/api/poster-vs-film?order=most&k=5', status: 200 },
  { op: 'GET /api/poster-vs-film', url: '/api/poster-vs-film?order=best', status: 400 },
  { op: 'GET /api/text/status', url: '/api/text/status', status: 200 },
  { op: 'GET /api/movies/{id}/text', url: `/api/movies/${id()}/text`, status: 200 },
  { op: 'GET /api/movies/{id}/text', url: '/api/movies/no-such-movie/text', status: 404 },
  { op: 'POST /api/identify', url: '/api/identify', body: form({ image: poster(5) }), status: 200 },
  { op: 'POST /api/identify', url: '/api/identify', body: text('image'), status: 422 },
  { op: 'POST /api/movies', url: '/api/movies', body: form({ poster: poster(6), movie: JSON.stringify({ id: 'contract-added', title: 'Contract Added', year: 1999, genres: ['Drama'] }) }), token: true, status: 201 },
  { op: 'POST /api/movies', url: '/api/movies', body: form({ poster: poster(6), movie: JSON.stringify({ id: 'contract-added', title: 'Contract Added' }) }), status: 401 },
  { op: 'DELETE /api/movies/{id}', url: '/api/movies/contract-added', token: true, status: 204 },
  { op: 'DELETE /api/movies/{id}', url: '/api/movies/no-such-movie', token: true, status: 404 },
  { op: 'DELETE /api/movies/{id}', url: `/api/movies/${id()}`, status: 401 },
  { op: 'POST /api/jobs/atlas-build', url: '/api/jobs/atlas-build', token: true, status: 202 },
  { op: 'POST /api/jobs/atlas-build', url: '/api/jobs/atlas-build', status: 401 },
  { op: 'POST /api/jobs/genres-train', url: '/api/jobs/genres-train', token: true, status: 202 },
  { op: 'POST /api/jobs/poster-faces', url: '/api/jobs/poster-faces', token: true, status: 202 },
  { op: 'POST /api/jobs/poster-tiles', url: '/api/jobs/poster-tiles', token: true, status: 202 },
  { op: 'POST /api/jobs/stills-atlas', url: '/api/jobs/stills-atlas', token: true, status: 202 },
  { op: 'POST /api/jobs/stills-match', url: '/api/jobs/stills-match', token: true, status: 202 },
  { op: 'GET /api/jobs', url: '/api/jobs?limit=5', status: 200 },
  { op: 'GET /api/jobs', url: '/api/jobs?limit=0', status: 400 },
  { op: 'GET /api/jobs/{id}', url: '/api/jobs/{job}', status: 200 },
  { op: 'GET /api/jobs/{id}', url: '/api/jobs/999999', status: 404 },
  { op: 'POST /api/jobs/{id}/cancel', url: '/api/jobs/{job}/cancel', token: true, status: 200 },
  { op: 'POST /api/jobs/{id}/cancel', url: '/api/jobs/999999/cancel', token: true, status: 404 },
  { op: 'POST /api/jobs/{id}/retry', url: '/api/jobs/{job}/retry', token: true, status: 200 },
  { op: 'POST /api/jobs/{id}/retry', url: '/api/jobs/999999/retry', token: true, status: 404 },
  { op: 'POST /api/jobs/kinds/{kind}/pause', url: '/api/jobs/kinds/atlas-build/pause', token: true, status: 204 },
  { op: 'POST /api/jobs/kinds/{kind}/pause', url: '/api/jobs/kinds/no-such-kind/pause', token: true, status: 404 },
  { op: 'POST /api/jobs/kinds/{kind}/resume', url: '/api/jobs/kinds/atlas-build/resume', token: true, status: 204 },
];

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
}
interface OpenApi extends OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, object> };
}

beforeAll(async () => {
  mkdirSync(join(dir, 'catalog'));
  const catalog = makeCatalog([...rows.map((r) => ({ ...r, poster: `posters/${r.id}.jpg` })), ...filmRows], join(dir, 'catalog'));
  const indexed = runCli(['index', catalog, '--stills', STILLS, '--no-ocr', '--db', db]);
  expect(indexed.code, indexed.stderr).toBe(0);
  const film = join(dir, 'film.mp4');
  await renderFilm(planFilm(stillsForFilms(STILLS), { seconds: 12, seed: 5 }), film, { width: 320, height: 180, grain: 4 });
  expect(runCli(['index', '--video', film, '--movie', 'film-one', '--db', db]).code).toBe(0);
  expect(runCli(['genres', 'train', '--db', db, '--folds', '2']).code).toBe(0);
  expect(runCli(['atlas', 'build', '--db', db, '--no-tsne']).code).toBe(0);
  expect(runCli(['stills', 'atlas', '--db', db]).code).toBe(0);
  // The stored analyses the server serves (its jobs are off here, so that the jobs the examples queue stay queued).
  for (const args of [['pairs', '--channel', 'content'], ['dupes'], ['borrowings', '--channel', 'layout'], ['trends'], ['stills-clusters'], ['typical']]) {
    const r = runCli(['analysis', 'compute', ...args, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
  }
  library = await openStore(db, { create: false });
  app = await buildServer({ library, runJobs: false, access: accessConfigFromEnv({ MARQUEE_TOKEN: TOKEN }) });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
}, 900_000);

afterAll(async () => {
  await app?.close();
  await library?.close();
});

describe('the API contract', () => {
  let doc: OpenApi;
  beforeAll(async () => {
    doc = (await (await fetch(`${base}/api/openapi.json`)).json()) as OpenApi;
  });

  const operations = (): string[] => Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));

  it('docs/api.md is the document as the server serves it (npm run docs:api -- <library> rewrites it)', () => {
    expect(readFileSync(join(ROOT, 'docs/api.md'), 'utf8'), 'docs/api.md is stale: run npm run docs:api -- <an indexed library>').toBe(apiReference(doc));
  });

  it('every documented operation has examples here, and every example a documented operation', () => {
    const documented = operations();
    const exampled = new Set(examples().map((e) => e.op));
    expect(documented.filter((o) => !exampled.has(o))).toEqual([]);
    expect([...exampled].filter((o) => !documented.includes(o))).toEqual([]);
    expect(documented.length).toBeGreaterThan(50);
  });

  it('every reply, success and error, has a documented status, media type and body', async () => {
    const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
    for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) ajv.addSchema(schema, `#/components/schemas/${name}`);
    const validators = new Map<object, ValidateFunction>();
    const findings: string[] = [];
    for (const e of examples()) {
      const url = e.url.replace('{job}', jobId);
      const headers: Record<string, string> = e.token ? { authorization: `Bearer ${TOKEN}` } : {};
      let body: BodyInit | undefined = e.body?.();
      if (e.json !== undefined) {
        body = JSON.stringify(e.json);
        headers['content-type'] = 'application/json';
      }
      const method = e.op.split(' ')[0]!;
      const res = await fetch(`${base}${url}`, { method, headers, body, signal: AbortSignal.timeout(60_000) }).catch((err: unknown) => err as Error);
      if (res instanceof Error) {
        findings.push(`${method} ${url}: no reply (${res.message})`);
        continue;
      }
      const raw = Buffer.from(await res.arrayBuffer());
      const where = `${method} ${url} → ${res.status}`;
      if (res.status !== e.status) findings.push(`${where}: expected ${e.status} (${raw.toString('utf8', 0, 200)})`);
      if (e.op === 'POST /api/jobs/atlas-build' && res.status === 202) jobId = String((JSON.parse(raw.toString()) as { id: string | number }).id);
      const [path] = e.op.split(' ').slice(1);
      const response = doc.paths[path!]?.[method.toLowerCase()]?.responses[String(res.status)];
      if (!response) {
        findings.push(`${where}: status not documented`);
        continue;
      }
      const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
      if (raw.length === 0) continue;
      // A documented range (image/*) covers the formats under it.
      const media = response.content?.[type] ?? Object.entries(response.content ?? {}).find(([range]) => range.endsWith('/*') && type.startsWith(range.slice(0, -1)))?.[1];
      if (!media) {
        findings.push(`${where}: media type ${type || '(none)'} not documented (documented: ${Object.keys(response.content ?? {}).join(', ') || 'none'})`);
        continue;
      }
      if (type !== 'application/json') continue;
      if (!media.schema || Object.keys(media.schema).length === 0) {
        findings.push(`${where}: JSON reply without a documented schema`);
        continue;
      }
      let validate = validators.get(media.schema);
      if (!validate) validators.set(media.schema, (validate = ajv.compile(media.schema)));
      if (!validate(JSON.parse(raw.toString()))) findings.push(`${where}: body does not match the schema: ${ajv.errorsText(validate.errors)}`);
    }
    expect(findings).toEqual([]);
  });
});
