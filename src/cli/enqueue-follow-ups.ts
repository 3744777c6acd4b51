/**
 * `marquee index --background`: what an index run leaves to the library's job queue once the
 * posters, synopses and stills are searchable — the genre tiles, the atlas, the stills atlas, the printed text, the
 * faces, and each film of --video — for `marquee serve` or `marquee worker` (here or on other
 * machines) to run in the order of their priorities. A kind already waiting or running is not
 * enqueued twice (the queue returns that job).
 */
import { videosToIndex } from '../films/index-video.js';
import { tilesEnabled } from '../models/poster-tiles.js';
import { ATLAS_BUILD_JOB, FACES_JOB, FILM_ANALYSIS_JOB, JOB_PRIORITY, POSTER_TEXT_JOB, POSTER_TILES_JOB, STILLS_ATLAS_JOB, STILLS_MATCH_JOB, type AtlasBuildRequest, type FilmAnalysisRequest } from '../ingest/library-jobs.js';
import type { JobSpec } from '../jobs/job-queue.js';
import type { Store } from '../store/store.js';

/**
 * Enqueues a job unless one waits already. A running one listed its work before this run's
 * posters existed: another is queued behind it (under a second key), so they are not left out.
 */
async function enqueueBehindRunning(library: Store, job: JobSpec): Promise<void> {
  const first = await library.jobs.enqueue(job);
  if (!first.created && first.job.state === 'running') await library.jobs.enqueue({ ...job, key: `${first.job.key}:again` });
}

/** Enqueues the passes after the posters; returns the kinds enqueued (or found waiting), in priority order. */
export async function enqueueFollowUps(library: Store, what: { tiles: boolean; atlas: boolean; stillsAtlas: boolean; stillsMatch: boolean; ocr: boolean; faces: boolean }): Promise<string[]> {
  const kinds = [
    what.stillsMatch ? STILLS_MATCH_JOB : undefined,
    what.tiles && tilesEnabled() ? POSTER_TILES_JOB : undefined,
    what.atlas ? ATLAS_BUILD_JOB : undefined,
    what.stillsAtlas ? STILLS_ATLAS_JOB : undefined,
    what.ocr ? POSTER_TEXT_JOB : undefined,
    what.faces ? FACES_JOB : undefined,
  ].filter((k): k is string => k !== undefined);
  // The atlases place new posters (stills) into the layout they have (a first build when there is none), as `marquee atlas build` does.
  const incremental = (kind: string) => kind === ATLAS_BUILD_JOB || kind === STILLS_ATLAS_JOB;
  for (const kind of kinds) await enqueueBehindRunning(library, { kind, priority: JOB_PRIORITY[kind], payload: incremental(kind) ? ({ incremental: true } satisfies AtlasBuildRequest) : undefined });
  return kinds;
}

/** What one film-analysis job per video file (keyed by its absolute path) will be given; checks the target first. */
export function filmRequests(target: string, movie: string | undefined, faces: boolean): FilmAnalysisRequest[] {
  return videosToIndex(target, movie).map((video) => ({ video, ...(movie ? { movie } : {}), ...(faces ? { faces } : {}) }));
}

/**
 * Enqueues the film-analysis jobs. Their runs take the index lock: enqueued once this process has
 * released it; while another index run holds it, the job waits and tries again (library-jobs.ts).
 */
export async function enqueueFilms(library: Store, requests: FilmAnalysisRequest[]): Promise<void> {
  for (const payload of requests) await library.jobs.enqueue({ kind: FILM_ANALYSIS_JOB, key: payload.video, priority: JOB_PRIORITY[FILM_ANALYSIS_JOB], payload });
}
