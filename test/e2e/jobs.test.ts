/**
 * Durable jobs on both engines: `serve --read-text` runs the OCR pass as a job; killed with -9
 * mid-pass and started again, the same job resumes where it stopped and finishes, and no poster is
 * read twice (the printed-text revision moves once per reading written: once for the titles, once
 * more where the small-print job finished the reading). Also the jobs API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../dist/store/open-store.js';
import { ocrVersionKey } from '../../dist/text/poster-ocr.js';
import { ENGINES, freshLibrary, type TestLibrary } from '../engines.js';
import { CLI, launchChromium, makeCatalog, runCli, spreadRows } from '../helpers.js';
import { buildServer } from '../../dist/server/app.js';

const POSTERS = 24;
const enginesHere = ENGINES.filter((e) => e === 'sqlite' || process.env.MARQUEE_TEST_PG);

interface JobView { id: string; kind: string; state: string; attempts: number; progress: { done: number; total: number } | null; result: { read: number } | null; rate: number | null; etaSeconds: number | null }

function serve(db: string): { child: ChildProcess; address: Promise<string> } {
  // One core for jobs, and a heartbeat (which records progress) every second: the titles pass reads
  // these 24 posters in about 8 s, shorter than the default heartbeat of 7.5 s, and must be seen
  // and killed in the middle.
  const child = spawn(process.execPath, [CLI, 'serve', '--db', db, '--port', '0', '--read-text'], { env: { ...process.env, MARQUEE_JOB_CPUS: '1', MARQUEE_JOB_LEASE_SECONDS: '4' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const address = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /open (http:\/\/\S+)\//.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${err}`)));
  });
  return { child, address };
}

async function until<T>(what: () => Promise<T | undefined>, ms: number, label: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await what().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const jobOf = async (base: string, kind: string): Promise<JobView | undefined> =>
  ((await (await fetch(`${base}/api/jobs?kind=${kind}`)).json()) as { jobs: JobView[] }).jobs[0];
const ocrJob = (base: string): Promise<JobView | undefined> => jobOf(base, 'poster-text');

describe.each(enginesHere)('durable jobs (%s)', (engine) => {
  let lib: TestLibrary;
  beforeAll(async () => {
    lib = await freshLibrary(engine);
    const r = runCli(['index', makeCatalog(spreadRows(POSTERS, 77)), '--no-ocr', '--db', lib.db]);
    expect(r.code, r.stderr).toBe(0);
  }, 300_000);
  afterAll(async () => lib?.drop());

  it('resumes the OCR pass after kill -9 and reads every poster exactly once', async () => {
    const first = serve(lib.db);
    let job: JobView;
    try {
      const base = await first.address;
      job = await until(async () => {
        const j = await ocrJob(base);
        return j && j.state === 'running' && (j.progress?.done ?? 0) >= 3 ? j : undefined;
      }, 180_000, 'a few readings');
      // Of this run of the job: it may have given way to the pairs once and resumed with what was left.
      expect(job.progress!.total).toBeLessThanOrEqual(POSTERS);
      expect(job.progress!.total).toBeGreaterThanOrEqual(job.progress!.done);
      expect(job.rate).toBeGreaterThan(0);
      expect(job.etaSeconds).not.toBeNull();
    } finally {
      first.child.kill('SIGKILL');
    }
    await new Promise((r) => first.child.once('exit', r));

    const library = await openStore(lib.db, { create: false });
    try {
      const held = (await library.jobs.get(job.id))!;
      // Killed while reading, the job is still held by the dead worker (its lease runs out); killed just
      // after it gave way to an analysis job (priority 30, enqueued as readings change the library), it
      // waits in the queue. Either way the next server finishes it, reading each poster once (below).
      expect(['running', 'waiting']).toContain(held.state);
      if (held.state === 'running') expect(held.worker).toContain(`:${first.child.pid}`);
      const before = await library.posterText.progress(ocrVersionKey());
      expect(before.read).toBeGreaterThanOrEqual(3);
      expect(before.pending).toBeGreaterThan(0);
    } finally {
      await library.close();
    }

    const second = serve(lib.db);
    let smallPrint: JobView;
    try {
      const base = await second.address;
      const done = await until(async () => {
        const j = await ocrJob(base);
        return j?.state === 'done' ? j : undefined;
      }, 240_000, 'the resumed pass');
      expect(done.id).toBe(job.id);
      expect(done.result!.read).toBeLessThan(POSTERS);
      // The small print the pass left comes after, as a job of its own.
      smallPrint = await until(async () => {
        const j = await jobOf(base, 'poster-small-print');
        return j?.state === 'done' ? j : undefined;
      }, 240_000, 'the small-print pass');
      expect(smallPrint.result!.read).toBeGreaterThan(0);
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((r) => second.child.once('exit', r));
    }

    const after = await openStore(lib.db, { create: false });
    try {
      expect(await after.posterText.progress(ocrVersionKey())).toMatchObject({ read: POSTERS, pending: 0, smallPrint: 0 });
      // Each reading written moves the revision once: every poster's titles were read once, and its small print at most once.
      expect((await after.analyses.revisions()).get('printed-text')).toBe(POSTERS + smallPrint!.result!.read);
    } finally {
      await after.close();
    }
  }, 600_000);

  it('marquee jobs starts, pauses, cancels and retries jobs, and marquee worker runs them', async () => {
    const json = (args: string[]) => {
      const r = runCli([...args, '--db', lib.db, '--json']);
      return { code: r.code, out: JSON.parse(r.stdout || 'null') as Record<string, unknown> | null, err: r.stderr };
    };
    expect(json(['jobs', 'pause', 'atlas-build']).code).toBe(0);
    const started = json(['jobs', 'start', 'atlas-build']);
    expect(started.code).toBe(0);
    const id = (started.out as { id: string }).id;
    expect(json(['jobs', 'start', 'atlas-build']).code).toBe(1);
    expect(runCli(['jobs', 'start', 'no-such-kind', '--db', lib.db]).stderr).toMatch(/no job kind "no-such-kind"/);
    expect(json(['jobs', 'cancel', id]).out).toMatchObject({ id, state: 'cancelled' });
    expect(json(['jobs', 'retry', id]).out).toMatchObject({ id, state: 'waiting', attempts: 0 });

    const worker = spawn(process.execPath, [CLI, 'worker', '--db', lib.db], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MARQUEE_JOB_CPUS: '1' } });
    let err = '';
    worker.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    try {
      // Paused: the worker leaves it waiting.
      await new Promise((r) => setTimeout(r, 3000));
      const listed = json(['jobs', '--kind', 'atlas-build']).out as { kinds: { kind: string; paused: boolean }[]; jobs: { id: string; state: string }[] };
      expect(listed.kinds.find((k) => k.kind === 'atlas-build')?.paused).toBe(true);
      expect(listed.jobs[0]).toMatchObject({ id, state: 'waiting' });
      expect(json(['jobs', 'resume', 'atlas-build']).code).toBe(0);
      const done = await until(async () => {
        const job = (json(['jobs', '--kind', 'atlas-build']).out as { jobs: { id: string; state: string; result: unknown }[] }).jobs[0];
        return job && job.state !== 'waiting' && job.state !== 'running' ? job : undefined;
      }, 240_000, 'the atlas job');
      expect(done, err).toMatchObject({ id, state: 'done' });
    } finally {
      worker.kill('SIGTERM');
      await new Promise((r) => worker.once('exit', r));
    }
    const atlas = await openStore(lib.db, { create: false });
    try {
      expect((await atlas.atlas.loadPoints('content')).length).toBeGreaterThan(0);
    } finally {
      await atlas.close();
    }

    // The faces pass is a job too: a worker scans every poster, in a child process.
    const faces = json(['jobs', 'start', 'poster-faces']);
    expect(faces.code, faces.err).toBe(0);
    const facesWorker = spawn(process.execPath, [CLI, 'worker', '--db', lib.db], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MARQUEE_JOB_CPUS: '1' } });
    try {
      const done = await until(async () => {
        const job = (json(['jobs', '--kind', 'poster-faces']).out as { jobs: { state: string; result: { scanned: number } | null }[] }).jobs[0];
        return job && job.state !== 'waiting' && job.state !== 'running' ? job : undefined;
      }, 240_000, 'the faces job');
      expect(done).toMatchObject({ state: 'done', result: { scanned: POSTERS } });
    } finally {
      facesWorker.kill('SIGTERM');
      await new Promise((r) => facesWorker.once('exit', r));
    }
    const scanned = await openStore(lib.db, { create: false });
    try {
      expect(await scanned.faces.scannedPosters()).toBe(POSTERS);
    } finally {
      await scanned.close();
    }
  }, 600_000);
});

describe('the jobs page', () => {
  it('shows each kind with its counts and the newest jobs with their failure reasons; pauses a kind and retries a job with the token', async () => {
    const lib = await freshLibrary('sqlite');
    expect(runCli(['index', makeCatalog(spreadRows(6, 5)), '--no-ocr', '--db', lib.db]).code).toBe(0);
    const library = await openStore(lib.db, { create: false });
    // A job that failed for good, as a worker would leave it.
    const { job } = await library.jobs.enqueue({ kind: 'atlas-build', maxAttempts: 1 });
    await library.jobs.claim(['atlas-build'], 'elsewhere:1', 60_000);
    await library.jobs.fail(job.id, 'elsewhere:1', 'cannot write the atlas: disk full', 0);
    const token = 'jobs-page-token-0123456789';
    const app = await buildServer({ library, runJobs: false, access: { token, readAccess: 'public', corsOrigins: [] } });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      page.on('dialog', (d) => void d.accept(token));
      await page.goto(`${base}/jobs`);
      await page.waitForSelector('.jobs-kinds');
      const kinds = await page.$$eval('.jobs-kinds tbody tr', (rows) => rows.map((r) => r.textContent!));
      expect(kinds.some((k) => k.startsWith('atlas-build'))).toBe(true);
      expect(kinds.some((k) => k.startsWith('poster-text'))).toBe(true);
      expect(await page.textContent('.jobs-list')).toContain('disk full');
      await page.click('.jobs-kinds tr:has-text("poster-text") button:has-text("Pause")');
      await page.waitForSelector('.jobs-kinds tr.paused:has-text("poster-text")');
      expect(await library.jobs.pausedKinds()).toEqual(['poster-text']);
      await page.click(`.jobs-list tr:has-text("disk full") button:has-text("Retry")`);
      await page.waitForFunction(() => !document.querySelector('.jobs-list')?.textContent?.includes('disk full'));
      expect((await library.jobs.get(job.id))?.state).toBe('waiting');
    } finally {
      await browser.close();
      await app.close();
      await library.close();
      await lib.drop();
    }
  }, 120_000);
});
