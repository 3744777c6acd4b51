/**
 * `npm run fuzz`: throws generated malformed input at the HTTP API for a bounded time and checks
 * the server never answers 5xx and never goes down, and that the library stays intact.
 * It runs on a throw-away library of 120 demo posters (never your own), on 127.0.0.1 only.
 * Options (environment): MARQUEE_FUZZ_SECONDS (default 60), MARQUEE_FUZZ_SEED (default 1),
 * MARQUEE_CATALOG (default ../shared/catalog). Prints JSON; exits 1 on any 5xx or crash.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import sharp from 'sharp';
import { accessConfigFromEnv } from '../server/access.js';
import { buildServer } from '../server/app.js';
import { openStore } from '../store/open-store.js';
import { seededRandom } from '../util/random.js';
import { round } from './stats.js';

const seconds = Number(process.env.MARQUEE_FUZZ_SECONDS ?? 60);
const seed = Number(process.env.MARQUEE_FUZZ_SEED ?? 1);
const catalog = resolve(process.env.MARQUEE_CATALOG ?? '../shared/catalog');
const TOKEN = 'fuzz-token-0123456789abcdef';
const random = seededRandom(seed);
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;

// A small library of real posters, built by the CLI.
const dir = mkdtempSync(join(tmpdir(), 'marquee-fuzz-'));
const rows = parse(readFileSync(join(catalog, 'movies.csv')), { columns: true, bom: true }) as Record<string, string>[];
const sample = rows.filter((_, i) => i % Math.floor(rows.length / 120) === 0).slice(0, 120);
writeFileSync(join(dir, 'movies.csv'), stringify(sample, { header: true, columns: Object.keys(rows[0]!) }));
symlinkSync(join(catalog, 'posters'), join(dir, 'posters'));
const db = join(dir, 'fuzz.db');
const cli = resolve(dirname(fileURLToPath(import.meta.url)), '../cli/main.js');
const indexed = spawnSync(process.execPath, [cli, 'index', dir, '--db', db, '--no-ocr'], { stdio: ['ignore', 'ignore', 'inherit'] });
if (indexed.status !== 0 && indexed.status !== 1) throw new Error('fuzz: indexing the sample library failed');

const library = await openStore(db, { create: true });
const app = await buildServer({ library, access: accessConfigFromEnv({ MARQUEE_TOKEN: TOKEN }) });
const slowRequests: { url: string; ms: number; status: number }[] = [];
app.addHook('onResponse', async (req, reply) => {
  if (reply.elapsedTime > 2000) slowRequests.push({ url: `${req.method} ${req.url.slice(0, 80)}`, ms: round(reply.elapsedTime, 0), status: reply.statusCode });
});
const inFlight = new Map<string, { url: string; t: number }>();
app.addHook('onRequest', async (req) => {
  inFlight.set(req.id, { url: `${req.method} ${req.url.slice(0, 80)} ${req.headers['content-type']?.slice(0, 40)} ${req.headers['content-length']}`, t: performance.now() });
});
app.addHook('onResponse', async (req) => {
  inFlight.delete(req.id);
});
const lag = setInterval(() => {
  for (const [, r] of inFlight) if (performance.now() - r.t > 3000) process.stderr.write(`stuck ${Math.round(performance.now() - r.t)} ms: ${r.url}\n`);
}, 3000);
const base = await app.listen({ port: 0, host: '127.0.0.1' });
const ids = sample.map((r) => r.id!);
const realPoster = readFileSync(join(catalog, 'posters', `${ids[3]}.jpg`));
const realPng = await sharp(realPoster).png().toBuffer();

// ---- generators of malformed input ----
const weird = ['', ' ', '0', '-1', '1e309', 'NaN', 'null', 'true', '[]', '{}', '"', '\u0000', '\uFFFF', '💥', 'a'.repeat(20_000), '../../etc/passwd', '%2e%2e%2f', '<script>', "' OR 1=1 --", '__proto__', 'constructor'];
function randomValue(depth = 0): unknown {
  switch (int(depth > 3 ? 6 : 9)) {
    case 0: return pick(weird);
    case 1: return random() * 10 ** int(12) * (random() < 0.3 ? -1 : 1);
    case 2: return int(3) === 0 ? null : random() < 0.5;
    case 3: return pick([0, 1, 24, 200, 201, 1e6, -5, 0.5, Number.MAX_SAFE_INTEGER]);
    case 4: return ids[int(ids.length)];
    case 5: return pick(['#ff0000', '#zzz', 'red', '#12345', '']);
    case 6: return Array.from({ length: int(6) }, () => randomValue(depth + 1));
    case 7: return Array.from({ length: int(3) === 0 ? 5000 : int(4) }, () => pick(['Drama', 'content', '#000000', 'x']));
    default: return Object.fromEntries(Array.from({ length: int(5) }, () => [pick(['id', 'text', 'k', 'weights', 'filters', 'colors', 'content', 'color', 'yearFrom', 'genres', '__proto__', 'x']), randomValue(depth + 1)]));
  }
}

function mutateImage(): Buffer {
  const src = Buffer.from(random() < 0.7 ? realPoster : realPng);
  switch (int(7)) {
    case 0: return src.subarray(0, int(src.length)); // truncated
    case 1: { for (let i = 0; i < 1 + int(50); i++) src[int(src.length)] = int(256); return src; } // flipped bytes
    case 2: { const at = int(src.length); return Buffer.concat([src.subarray(0, at), Buffer.from(Array.from({ length: int(4000) }, () => int(256))), src.subarray(at)]); }
    case 3: return Buffer.from(Array.from({ length: int(5000) }, () => int(256))); // noise
    case 4: { // a PNG whose header claims a gigantic image
      const b = Buffer.from(realPng);
      b.writeUInt32BE(100_000 + int(1_000_000), 16);
      b.writeUInt32BE(100_000 + int(1_000_000), 20);
      return b;
    }
    case 5: return Buffer.from(pick(['<svg xmlns="http://www.w3.org/2000/svg" width="9e9" height="9e9"/>', '<html><img src=x onerror=alert(1)>', 'GIF89a', '\x89PNG\r\n\x1a\n', '']));
    default: return src;
  }
}

interface Attempt {
  name: string;
  send: () => Promise<Response>;
}

function multipart(path: string, auth: boolean): Attempt {
  const form = new FormData();
  const fileFields = path === '/api/movies' ? ['poster', 'image'] : ['image', 'image2', 'poster'];
  for (let i = 0; i < 1 + int(3); i++) form.append(pick(fileFields), new Blob([new Uint8Array(mutateImage())]), pick(['a.jpg', '../../x.png', '', 'évil\u0000.gif', 'a'.repeat(300)]));
  for (let i = 0; i < int(6); i++) {
    const field = pick(['k', 'weights', 'mix', 'blend', 'text', 'weightImage', 'yearFrom', 'genres', 'overview', 'movie', 'zzz']);
    const value = field === 'movie' && random() < 0.6 ? JSON.stringify(randomValue()) : String(randomValue());
    form.append(field, value);
  }
  return { name: `POST ${path} multipart`, send: () => fetch(`${base}${path}`, { method: 'POST', body: form, headers: auth ? { authorization: `Bearer ${TOKEN}` } : {} }) };
}

function rawBody(path: string): Attempt {
  const bodies = [
    () => ['multipart/form-data; boundary=x', `--x\r\nContent-Disposition: form-data; name="image"; filename="a.jpg"\r\n\r\n${'A'.repeat(int(100))}`],
    () => ['multipart/form-data', 'no boundary at all'],
    () => ['application/json', JSON.stringify(randomValue()).slice(0, int(200))],
    () => ['application/json', '{"text": "' + 'a'.repeat(2_000_000) + '"}'],
    () => ['text/plain', 'hello'],
    () => ['application/x-www-form-urlencoded', 'id=1&k=5'],
    () => ['application/json', '{"__proto__": {"polluted": true}, "text": "x"}'],
  ] as const;
  const [type, body] = pick(bodies)();
  return { name: `POST ${path} raw ${type.split(';')[0]}`, send: () => fetch(`${base}${path}`, { method: 'POST', body, headers: { 'content-type': type } }) };
}

function jsonSearch(): Attempt {
  const body = random() < 0.5 ? randomValue() : { ...(randomValue() as object), [pick(['id', 'text', 'colors', 'k'])]: randomValue() };
  return { name: 'POST /api/search json', send: () => fetch(`${base}/api/search`, { method: 'POST', body: JSON.stringify(body) ?? 'null', headers: { 'content-type': 'application/json' } }) };
}

function getter(): Attempt {
  const id = encodeURIComponent(String(randomValue())).slice(0, 3000);
  const raw = pick([`/api/movies/${id}`, `/api/movies/${id}/thumbnail`, `/api/movies/${id}/poster`, `/api/movies/..%2f..%2fetc%2fpasswd/poster`, `/api/pairs?k=${id}&channel=${id}`, `/api/explain?a=${id}&b=${ids[0]}`, `/api/atlas?channel=${id}`, `/api/atlas/sheets/${id}`, `/api/jobs/${id}`, `/../../etc/passwd`, `/%2e%2e/%2e%2e/etc/passwd`, `/assets/..%2f..%2f..%2fpackage.json`, `/api/${id}`]);
  return { name: `GET ${raw.split('?')[0]!.replace(id, ':x').slice(0, 40)}`, send: () => fetch(`${base}${raw}`, { headers: random() < 0.2 ? { 'if-none-match': String(randomValue()).slice(0, 100) } : {} }) };
}

function deleter(): Attempt {
  const id = encodeURIComponent(String(randomValue()).slice(0, 300));
  const auth: Record<string, string> = random() < 0.5 ? { authorization: pick([`Bearer ${TOKEN}`, 'Bearer wrong', 'Basic abc', `Bearer ${'x'.repeat(10_000)}`]) } : {};
  return { name: 'DELETE /api/movies/:x', send: () => fetch(`${base}/api/movies/${id}`, { method: 'DELETE', headers: auth }) };
}

const attempts: (() => Attempt)[] = [
  () => multipart('/api/search/image', false),
  () => multipart('/api/genres/predict', false),
  () => multipart('/api/movies', true),
  () => rawBody(pick(['/api/search', '/api/search/image', '/api/movies', '/api/genres/predict'])),
  jsonSearch,
  jsonSearch,
  getter,
  deleter,
];

const byStatus: Record<string, number> = {};
const serverErrors: { name: string; status: number; body: string }[] = [];
const timings: Record<string, { n: number; maxMs: number }> = {};
let requests = 0;
let networkErrors = 0;
let clientRejected = 0;
// Load the models first, so the memory figures compare like with like.
{
  const warm = new FormData();
  warm.append('image', new Blob([realPoster]), 'warm.jpg');
  warm.append('text', 'a quiet night in the city');
  await (await fetch(`${base}/api/search/image`, { method: 'POST', body: warm })).text();
}
const rssStart = process.memoryUsage().rss;
const deadline = Date.now() + seconds * 1000;
const worker = async () => {
  while (Date.now() < deadline) {
    const a = pick(attempts)();
    requests++;
    const t0 = performance.now();
    try {
      const res = await a.send();
      const text = await res.text();
      const ms = performance.now() - t0;
      const slot = (timings[a.name] ??= { n: 0, maxMs: 0 });
      slot.n++;
      slot.maxMs = Math.max(slot.maxMs, round(ms, 0));
      byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
      if (res.status >= 500) serverErrors.push({ name: a.name, status: res.status, body: text.slice(0, 300) });
    } catch (err) {
      const cause = (err as Error & { cause?: Error }).cause;
      if (!cause) {
        clientRejected++; // fetch itself refused to send it (e.g. a NUL in a header value)
        continue;
      }
      networkErrors++;
      serverErrors.push({ name: a.name, status: 0, body: `${(err as Error).message}: ${cause.message} after ${round(performance.now() - t0, 0)} ms` });
    }
  }
};
await Promise.all(Array.from({ length: 4 }, worker));

clearInterval(lag);
const health = await fetch(`${base}/api/health`).then((r) => r.status, () => 0);
const problems = await library.checkIntegrity();
const integrity = problems.length ? problems.join('; ') : 'ok';
await app.close();
await library.close();
const polluted = ({} as Record<string, unknown>).polluted !== undefined;
const report = {
  seconds,
  seed,
  requests,
  requestsPerSecond: round(requests / seconds, 1),
  byStatus,
  serverErrors: serverErrors.length,
  firstServerErrors: serverErrors.slice(0, 10),
  networkErrors,
  clientRejected,
  byRoute: timings,
  slowRequests,
  healthAfter: health,
  integrityAfter: integrity,
  prototypePolluted: polluted,
  rssStartMB: round(rssStart / 2 ** 20, 0),
  rssEndMB: round(process.memoryUsage().rss / 2 ** 20, 0),
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
process.exit(serverErrors.length === 0 && health === 200 && integrity === 'ok' && !polluted ? 0 : 1);
