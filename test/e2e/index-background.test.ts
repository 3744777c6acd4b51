/**
 * `marquee index --background`: the posters and synopses are indexed in the foreground and the
 * rest — the genre tiles, the atlas, the printed text and a --video film — is left to the job
 * queue; a `marquee worker` runs all of it, with the same results as a foreground run. The tiles
 * write only their own vector areas, so closest pairs stored before them stay current.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../dist/store/open-store.js';
import { analysisReads } from '../../dist/analysis/stored-analyses.js';
import { stillCurrent } from '../../dist/store/revisions.js';
import { TILE_CHANNELS } from '../../dist/models/poster-tiles.js';
import { ocrVersionKey } from '../../dist/text/poster-ocr.js';
import { planFilm, renderFilm, stillsForFilms } from '../../dist/films/synthetic-film.js';
import { CLI, cosine, jsonLines, makeCatalog, ROOT, runCli, spreadRows, tempDir } from '../helpers.js';

const POSTERS = 14;
const dir = tempDir('marquee-background-');
const catalog = makeCatalog(spreadRows(POSTERS, 1203));
const background = join(dir, 'background.db');
const foreground = join(dir, 'foreground.db');
const film = join(dir, 'short-film.mp4');

interface JobRow { id: string; kind: string; key: string; state: string; error: string | null }
const jobs = (): JobRow[] => (JSON.parse(runCli(['jobs', '--db', background, '--json', '--limit', '50']).stdout) as { jobs: JobRow[] }).jobs;


beforeAll(async () => {
  const stills = stillsForFilms(resolve(ROOT, '../shared/stills'));
  await renderFilm(planFilm(stills, { seconds: 12, seed: 21 }), film, { width: 320, height: 180, grain: 8 });
  const r = runCli(['index', catalog, '--no-ocr', '--db', foreground]);
  expect(r.code, r.stderr).toBe(0);
}, 300_000);

describe('marquee index --background', () => {
  let pairsRevisions: Record<string, number>;

  it('indexes the posters and queues the tiles, the atlas and the printed text', async () => {
    const r = runCli(['index', catalog, '--background', '--json', '--db', background]);
    expect(r.code, r.stderr).toBe(0);
    const summary = jsonLines(r.stdout).find((l) => l.type === 'summary')!;
    expect(summary).toMatchObject({ indexed: POSTERS });
    expect([summary.tiles, summary.ocr]).toEqual([undefined, undefined]);
    expect(jsonLines(r.stdout).find((l) => l.type === 'queued')).toEqual({ type: 'queued', kinds: ['poster-tiles', 'atlas-build', 'poster-text'], films: [] });
    expect(jobs().map((j) => `${j.kind}:${j.state}`).sort()).toEqual(['atlas-build:waiting', 'poster-text:waiting', 'poster-tiles:waiting']);

    // Nothing of it was done here: no tiles, no atlas, no reading.
    const store = await openStore(background, { create: false });
    try {
      const stats = await store.library.stats();
      expect(stats.vectors.filter((c) => c.channel.startsWith('tile-'))).toEqual([]);
      expect(await store.atlas.loadPoints('content')).toEqual([]);
      expect((await store.posterText.progress(ocrVersionKey())).read).toBe(0);
    } finally {
      await store.close();
    }
    // Closest pairs stored now, before the tiles.
    const pairs = runCli(['analysis', 'compute', 'pairs', '--channel', 'content', '--db', background, '--json']);
    expect(pairs.code, pairs.stderr).toBe(0);
    const again = await openStore(background, { create: false });
    try {
      pairsRevisions = (await again.analyses.get('pairs:content'))!.revisions;
    } finally {
      await again.close();
    }
  }, 300_000);

  it('a worker runs every queued job, with the results of a foreground run', async () => {
    // The small print the OCR pass leaves is a job of its own, enqueued when the titles are read.
    await runWorkerUntil((all) => all.some((j) => j.kind === 'poster-small-print'));

    const [store, reference] = await Promise.all([openStore(background, { create: false }), openStore(foreground, { create: false })]);
    try {
      // The tiles of every poster, as the foreground run embedded them.
      for (const id of await reference.movies.idsWithPoster(POSTERS)) {
        const [key, refKey] = [(await store.movies.keyOf(id))!, (await reference.movies.keyOf(id))!];
        for (const channel of TILE_CHANNELS) {
          const mine = (await store.vectors.states(key)).get(channel);
          const theirs = (await reference.vectors.states(refKey)).get(channel);
          expect(mine, `${id} ${channel}`).toMatchObject({ sourceHash: theirs!.sourceHash, modelId: theirs!.modelId, modelVersion: theirs!.modelVersion });
          const model = { id: theirs!.modelId, version: theirs!.modelVersion, dimension: 0 };
          expect(cosine((await store.vectors.get(key, channel, model))!, (await reference.vectors.get(refKey, channel, model))!)).toBeGreaterThan(0.9999);
        }
      }
      expect((await store.atlas.loadPoints('content')).length).toBe(POSTERS);
      expect(await store.posterText.progress(ocrVersionKey())).toMatchObject({ read: POSTERS, pending: 0, smallPrint: 0 });
      // The tiles moved their own areas only: the pairs stored before them still hold.
      const now = await store.analyses.revisions();
      expect(now.get('vectors:tile-top')).toBeGreaterThan(pairsRevisions['vectors:tile-top'] ?? 0);
      expect(stillCurrent(pairsRevisions, now, analysisReads(undefined as never, { kind: 'pairs', channel: 'content' }))).toBe(true);
    } finally {
      await Promise.all([store.close(), reference.close()]);
    }
  }, 600_000);

  it('queues a --video film for the worker, which stores what analysing the file gives, faces on its keyframes included', async () => {
    const v = runCli(['index', '--video', film, '--movie', 'short-film', '--faces', '--background', '--json', '--db', background]);
    expect(v.code, v.stderr).toBe(0);
    expect(jsonLines(v.stdout).find((l) => l.type === 'queued')).toEqual({ type: 'queued', kinds: ['poster-faces'], films: [{ video: film, movie: 'short-film', faces: true }] });
    expect(jobs().find((j) => j.kind === 'film-analysis')).toMatchObject({ key: film, state: 'waiting' });
    expect(runCli(['shots', 'short-film', '--db', background, '--json']).code).not.toBe(0);
    await runWorkerUntil((all) => all.some((j) => j.kind === 'film-analysis'));
    const store = await openStore(background, { create: false });
    try {
      const key = (await store.movies.keyOf('short-film'))!;
      const keyframes = await store.stills.ofMovie(key);
      expect(keyframes.length).toBeGreaterThan(1);
      // Every keyframe scanned for faces (by the film's job or the faces job), and every poster.
      expect((await store.faces.stillFaces(key)).size).toBe(keyframes.length);
      expect(await store.faces.scannedPosters()).toBe(POSTERS);
    } finally {
      await store.close();
    }
    const stored = runCli(['shots', 'short-film', '--db', background, '--json']);
    expect(stored.code, stored.stderr).toBe(0);
    const direct = runCli(['shots', film, '--json']);
    // The shot scale comes from the faces on the keyframes, which analysing the file alone does not look for.
    const storedShots = (JSON.parse(stored.stdout) as { shots: Record<string, unknown>[] }).shots;
    for (const shot of storedShots) expect(shot).toHaveProperty('scale');
    expect(storedShots.map(({ scale: _scale, ...rest }) => rest)).toEqual((JSON.parse(direct.stdout) as { shots: unknown[] }).shots);
  }, 600_000);
});

/** Runs `marquee worker` until every job is done and `ready` holds of the list; fails on a failed job. */
async function runWorkerUntil(ready: (all: JobRow[]) => boolean): Promise<void> {
  const worker = spawn(process.execPath, [CLI, 'worker', '--db', background], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MARQUEE_JOB_CPUS: '1' } });
  let err = '';
  worker.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  try {
    const end = Date.now() + 480_000;
    for (;;) {
      const all = jobs();
      if (all.some((j) => j.state === 'failed')) throw new Error(`a job failed: ${JSON.stringify(all.filter((j) => j.state === 'failed'))}`);
      if (ready(all) && all.every((j) => j.state === 'done')) return;
      if (Date.now() > end) throw new Error(`jobs not done: ${JSON.stringify(all)}; worker: ${err}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
  }
}
