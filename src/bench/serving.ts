/**
 * `npm run bench -- serving`: the quick start as a new user lives it. A library freshly indexed
 * from the catalog with `marquee index --background` (no poster read yet) is served by a real
 * `marquee serve --read-text --train-genres` process, as `npm start` does (its --read-text
 * enqueues nothing more: the index run queued the reading), and one client measures the pages people
 * open while every background job runs (the OCR pass, the closest pairs and duplicate groups, genre
 * training), then the same requests with every job kind paused and no job running, in one run
 * (the machine is shared: the ratio is the figure). It also counts how often the pairs were
 * computed, times /api/pairs once a result exists, and the OCR pass's rate inside the app once
 * nothing more urgent is left (MARQUEE_BENCH_SERVING_OCR_SECONDS, default 120).
 * MARQUEE_BENCH_SERVING_SECONDS: seconds per phase (default 60). MARQUEE_BENCH_SERVING_FULL=1
 * lets the OCR pass finish afterwards and reports its duration inside the serving app.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { join } from 'node:path';
import { percentile, round } from './stats.js';

const CLI = join(import.meta.dirname, '../cli/main.js');
const TOKEN = 'bench-serving-token-0123456789abcdef';

interface JobView { id: string; kind: string; key: string; state: string; createdAt: string; startedAt: string | null; finishedAt: string | null; progress: { done: number; total: number } | null }
interface JobsView { kinds: { kind: string; paused: boolean; counts: Record<string, number> }[]; jobs: JobView[] }

/** upload: the results the page shows first (image channels, identify=later); uploadFused: with the upload's text read and its film fused in. */
type RequestKind = 'text' | 'upload' | 'uploadFused' | 'moviePage' | 'thumbnail' | 'pairs';
const KINDS: RequestKind[] = ['text', 'upload', 'uploadFused', 'moviePage', 'thumbnail', 'pairs'];


function serve(db: string): { child: ChildProcess; base: Promise<string> } {
  const child = spawn(process.execPath, [CLI, 'serve', '--db', db, '--port', '0', '--read-text', '--train-genres'], {
    env: { ...process.env, MARQUEE_TOKEN: TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  const base = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /open (http:\/\/\S+)\//.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${err}`)));
  });
  return { child, base };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function timed(fn: () => Promise<Response>): Promise<number> {
  const t0 = performance.now();
  const res = await fn();
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`HTTP ${res.status} from ${res.url}`);
  return performance.now() - t0;
}

interface Workload {
  ids: string[];
  /** Queries and uploads never repeat within a run (the server caches an upload's reading by its bytes). */
  texts: string[];
  posters: string[];
}

/** One client cycling through the pages people open, for `seconds`. */
async function measure(base: string, work: Workload, seconds: number, pairsReady: () => boolean): Promise<Record<RequestKind, number[]>> {
  const samples: Record<RequestKind, number[]> = { text: [], upload: [], uploadFused: [], moviePage: [], thumbnail: [], pairs: [] };
  const { ids, texts, posters } = work;
  let uploads = 0;
  const end = performance.now() + seconds * 1000;
  for (let i = 0; performance.now() < end || i < KINDS.length; i++) {
    const kind = KINDS[i % KINDS.length]!;
    const id = ids[(i * 7) % ids.length]!;
    if (kind === 'text') samples.text.push(await timed(() => fetch(`${base}/api/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: texts[i % texts.length], k: 24 }) })));
    else if (kind === 'upload' || kind === 'uploadFused') {
      const form = new FormData();
      form.append('image', new Blob([readFileSync(posters[uploads++ % posters.length]!)], { type: 'image/jpeg' }), 'upload.jpg');
      form.append('identify', kind === 'upload' ? 'later' : 'fused');
      samples[kind].push(await timed(() => fetch(`${base}/api/search/image`, { method: 'POST', body: form })));
    } else if (kind === 'moviePage') samples.moviePage.push(await timed(() => fetch(`${base}/api/movies/${encodeURIComponent(id)}`)));
    else if (kind === 'thumbnail') samples.thumbnail.push(await timed(() => fetch(`${base}/api/movies/${encodeURIComponent(id)}/thumbnail`, { headers: { 'cache-control': 'no-cache' } })));
    // Only once a result exists: before that the request waits for the first computation by design.
    else if (pairsReady()) samples.pairs.push(await timed(() => fetch(`${base}/api/pairs?channel=content&k=60`)));
    await sleep(50);
  }
  return samples;
}

const summary = (ms: number[]) => ({ n: ms.length, p50: round(percentile(ms, 50), 1), p99: round(percentile(ms, 99), 1) });

export async function benchServing(db: string, catalog: string): Promise<Record<string, unknown>> {
  const seconds = Number(process.env.MARQUEE_BENCH_SERVING_SECONDS ?? 60);
  const rows = (parse(readFileSync(join(catalog, 'movies.csv')), { columns: true, bom: true }) as { id: string; tagline?: string; overview?: string }[]).filter((r) =>
    existsSync(join(catalog, 'posters', `${r.id}.jpg`)),
  );
  // Each phase its own queries and uploads (the busy phase's are not cached for the paused one).
  const half = Math.floor(rows.length / 2);
  const workload = (part: typeof rows): Workload => ({
    ids: part.map((r) => r.id),
    texts: part.map((r) => (r.tagline || r.overview || '').split(/(?<=[.!?])\s/)[0]!.slice(0, 160)).filter((t) => t.length > 12),
    posters: part.map((r) => join(catalog, 'posters', `${r.id}.jpg`)),
  });
  const [busyWork, pausedWork] = [workload(rows.slice(0, half)), workload(rows.slice(half))];
  const started = performance.now();
  const startedAt = Date.now();
  const { child, base: baseP } = serve(db);
  try {
    const base = await baseP;
    const auth = { authorization: `Bearer ${TOKEN}` };
    const jobs = async (): Promise<JobsView> => (await (await fetch(`${base}/api/jobs?limit=200`)).json()) as JobsView;
    let pairsExist = false;
    const watch = setInterval(() => {
      void fetch(`${base}/api/analyses/status`)
        .then((r) => r.json() as Promise<{ pairs: { content: { state: string } } }>)
        .then((s) => (pairsExist ||= s.pairs.content.state === 'ready'))
        .catch(() => undefined);
    }, 1000);
    const firstPairs = new Promise<number>((resolve) => {
      const t = setInterval(() => {
        if (pairsExist) {
          clearInterval(t);
          resolve((performance.now() - started) / 1000);
        }
      }, 200);
      t.unref();
    });

    // The first request of each kind loads what it needs (indexes, hub correction, models): timed
    // apart, then the busy phase is measured from there while the jobs run.
    await sleep(3000);
    const first = await measure(base, { ...pausedWork, texts: pausedWork.texts.slice(-20), posters: pausedWork.posters.slice(-20) }, 0.001, () => false);
    const firstRequests = Object.fromEntries(KINDS.filter((k) => first[k].length).map((k) => [k, round(first[k][0]!, 0)]));
    const runningAtStart = (await jobs()).jobs.filter((j) => j.state === 'running' || j.state === 'waiting').map((j) => `${j.kind}${j.key !== j.kind ? ` ${j.key}` : ''}`);
    const busy = await measure(base, busyWork, seconds, () => pairsExist);
    const afterBusy = (await jobs()).jobs;
    const runningDuringBusy = afterBusy.filter((j) => j.state === 'running').map((j) => j.kind);

    // Paused: every kind paused, and nothing running (training, which cannot stop midway, finishes).
    const kinds = (await jobs()).kinds.map((k) => k.kind);
    for (const kind of kinds) await fetch(`${base}/api/jobs/kinds/${kind}/pause`, { method: 'POST', headers: auth });
    const quietFrom = performance.now();
    while ((await jobs()).jobs.some((j) => j.state === 'running') && performance.now() - quietFrom < 600_000) await sleep(1000);
    const waitedForQuiet = (performance.now() - quietFrom) / 1000;
    const paused = await measure(base, pausedWork, seconds, () => pairsExist);
    for (const kind of kinds) await fetch(`${base}/api/jobs/kinds/${kind}/resume`, { method: 'POST', headers: auth });

    // The OCR pass inside the serving app, once nothing more urgent is left: its rate over a window.
    let ocrRate: number | null = null;
    let ocrPending: number | null = null;
    const ocrWindow = Number(process.env.MARQUEE_BENCH_SERVING_OCR_SECONDS ?? 120);
    if (ocrWindow > 0) {
      const status = async () => (await (await fetch(`${base}/api/text/status`)).json()) as { read: number; failed: number; pending: number };
      const until = performance.now() + 600_000;
      while (!(await jobs()).jobs.some((j) => j.kind === 'poster-text' && j.state === 'running') && performance.now() < until) await sleep(1000);
      const before = await status();
      const t0 = performance.now();
      await sleep(ocrWindow * 1000);
      const after = await status();
      ocrRate = round((after.read + after.failed - before.read - before.failed) / ((performance.now() - t0) / 1000), 2);
      ocrPending = after.pending;
    }
    // The whole pass: the titles (poster-text), then the small print it left (poster-small-print), from the server's start.
    let ocrTitlesSeconds: number | null = null;
    let ocrSeconds: number | null = null;
    if (process.env.MARQUEE_BENCH_SERVING_FULL === '1') {
      const ended = async (kind: string): Promise<boolean> => {
        const job = (await jobs()).jobs.find((j) => j.kind === kind);
        return job !== undefined && (job.state === 'done' || job.state === 'failed');
      };
      while (!(await ended('poster-text'))) await sleep(5000);
      ocrTitlesSeconds = round((performance.now() - started) / 1000, 0);
      while (!(await ended('poster-small-print'))) await sleep(5000);
      ocrSeconds = round((performance.now() - started) / 1000, 0);
    }
    // /api/pairs once a result exists, also when none existed during the two phases (the first pairs wait behind what runs).
    const pairsDeadline = performance.now() + 600_000;
    while (!pairsExist && performance.now() < pairsDeadline) await sleep(1000);
    const pairsOnceReady: number[] = [];
    if (pairsExist) for (let i = 0; i < 20; i++) pairsOnceReady.push(await timed(() => fetch(`${base}/api/pairs?channel=content&k=60`)));
    clearInterval(watch);
    const all = (await jobs()).jobs;
    const pairsComputations = all.filter((j) => j.kind === 'analysis' && j.key.startsWith('pairs:') && j.state === 'done').length;
    // When the jobs npm start leaves to the server were done, from the server's start (null: not yet).
    const doneAfter = (kind: string): number | null => {
      const job = all.filter((j) => j.kind === kind && j.state === 'done' && j.finishedAt).at(-1);
      return job ? round((Date.parse(job.finishedAt!) - startedAt) / 1000, 0) : null;
    };
    const ratio = (k: RequestKind, p: 'p50' | 'p99') => round(summary(busy[k])[p] / summary(paused[k])[p], 2);
    return {
      secondsPerPhase: seconds,
      jobsAtStart: runningAtStart,
      firstRequestMs: firstRequests,
      jobsRunningAtEndOfBusyPhase: runningDuringBusy,
      secondsWaitedForRunningJobsToStop: round(waitedForQuiet, 0),
      busy: Object.fromEntries(KINDS.map((k) => [k, summary(busy[k])])),
      paused: Object.fromEntries(KINDS.map((k) => [k, summary(paused[k])])),
      textRatio: { p50: ratio('text', 'p50'), p99: ratio('text', 'p99') },
      firstPairsAfterSeconds: pairsExist ? round(await firstPairs, 0) : null,
      /** /api/pairs timed 20 times once the first result exists, with the jobs running (resumed after the paused phase). */
      pairsOnceReady: pairsOnceReady.length ? summary(pairsOnceReady) : null,
      pairsComputations,
      jobDoneAfterSeconds: Object.fromEntries(['poster-tiles', 'atlas-build', 'genres-train'].map((k) => [k, doneAfter(k)])),
      ocrTitlesPassSecondsInsideServingApp: ocrTitlesSeconds,
      ocrPassSecondsInsideServingApp: ocrSeconds,
      /** Posters read per second by the OCR job (title-sized lines) inside the serving app (MARQUEE_BENCH_SERVING_OCR_SECONDS window), and that pass over the demo at that rate. */
      ocrPostersPerSecondInsideServingApp: ocrRate,
      ocrPassSecondsEstimated: ocrRate && ocrPending !== null ? round(ocrPending / ocrRate, 0) : null,
      targets: { textP50Ratio: 2, textP99Ratio: 3, uploadP50Ms: 1000, moviePageP50Ms: 300, thumbnailP50Ms: 20, pairsP50Ms: 1000, pairsComputationsAtMost: 2 },
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}
