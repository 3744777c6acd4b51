/**
 * `npm run bench:load`: mixed search load against a local server (127.0.0.1 only, bounded in
 * time) at 1, 8 and 32 concurrent clients, then a memory soak. Prints JSON.
 * MARQUEE_BENCH_DB selects the library (default: ./marquee.db, as `npm start` builds it);
 * MARQUEE_SOAK_SECONDS the soak length (default 120).
 */
import autocannon from 'autocannon';
import { resolve } from 'node:path';
import { buildServer } from '../server/app.js';
import { openStore } from '../store/open-store.js';
import { round } from './stats.js';

const db = resolve(process.env.MARQUEE_BENCH_DB ?? './marquee.db');
const soakSeconds = Number(process.env.MARQUEE_SOAK_SECONDS ?? 120);
const library = await openStore(db, { create: true });
const app = await buildServer({ library });
const base = await app.listen({ port: 0, host: '127.0.0.1' });
const ids = await library.movies.idsWithPoster(500);
const texts = ['a lonely robot', 'two detectives chase a killer', 'a family road trip', 'war in the pacific', 'a vampire in london', 'cowboys defend a town', 'a heist in las vegas', 'aliens invade earth'];
let i = 0;
const bodies = () => {
  i++;
  const kind = i % 4;
  if (kind === 0) return JSON.stringify({ text: texts[i % texts.length], k: 24 });
  if (kind === 1) return JSON.stringify({ id: ids[i % ids.length], k: 24 });
  if (kind === 2) return JSON.stringify({ id: ids[(i * 7) % ids.length], weights: { color: 1 }, filters: { yearFrom: 1980 }, k: 24 });
  return JSON.stringify({ colors: ['#0b3d4c', '#e07a1f'], k: 24 });
};

async function run(connections: number, seconds: number) {
  const result = await autocannon({
    url: `${base}/api/search`,
    connections,
    duration: seconds,
    requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, setupRequest: (req) => ({ ...req, body: bodies() }) }],
  });
  return {
    connections,
    requestsPerSecond: round(result.requests.average, 1),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

// Warm the models and indexes before measuring.
await fetch(`${base}/api/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'warm up', k: 5 }) });
const levels = [];
for (const c of [1, 8, 32]) levels.push(await run(c, 10));
const rss: number[] = [];
const sampler = setInterval(() => rss.push(round(process.memoryUsage().rss / 2 ** 20, 0)), 5000);
const soak = await run(8, soakSeconds);
clearInterval(sampler);
await app.close();
await library.close();
const half = Math.floor(rss.length / 2);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
process.stdout.write(
  `${JSON.stringify(
    {
      library: db,
      levels,
      soak: { seconds: soakSeconds, ...soak, rssMiBSamples: rss, rssFirstHalfMeanMiB: round(mean(rss.slice(0, half)), 0), rssSecondHalfMeanMiB: round(mean(rss.slice(half)), 0) },
    },
    null,
    2,
  )}\n`,
);
