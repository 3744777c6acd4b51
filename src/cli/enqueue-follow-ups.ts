/**
 * `marquee index --background`: what an index run leaves to the library's job queue once the
 * posters, synopses and stills are searchable — the genre tiles, the atlas, the printed text, the
 * faces, and each film of --video — for `marquee serve` or `marquee worker` (here or on other
 * machines) to run in the order of their priorities. A kind already waiting or running is not
 * enqueued twice (the queue returns that job).
 */
import { listVideos } from '../films/index-video.js';
import { tilesEnabled } from '../genres/poster-tiles.js';
import { ATLAS_BUILD_JOB, FACES_JOB, FILM_ANALYSIS_JOB, JOB_PRIORITY, POSTER_TEXT_JOB, POSTER_TILES_JOB, type AtlasBuildRequest, type FilmAnalysisRequest } from '../jobs/library-jobs.js';
import type { Store } from '../store/store.js';
import { MarqueeError } from '../util/errors.js';

/** Enqueues the passes after the posters; returns the kinds enqueued (or found waiting), in priority order. */
export async function enqueueFollowUps(library: Store, what: { faces: boolean; ocr: boolean }): Promise<string[]> {
  const kinds = [tilesEnabled() ? POSTER_TILES_JOB : undefined, ATLAS_BUILD_JOB, what.ocr ? POSTER_TEXT_JOB : undefined, what.faces ? FACES_JOB : undefined].filter((k): k is string => k !== undefined);
  // The atlas places new posters into the layout it has (a first build when there is none), as `marquee atlas build` does.
  for (const kind of kinds) await library.jobs.enqueue({ kind, priority: JOB_PRIORITY[kind], payload: kind === ATLAS_BUILD_JOB ? ({ incremental: true } satisfies AtlasBuildRequest) : undefined });
  return kinds;
}

/** Enqueues one film-analysis job per video file (keyed by its absolute path); returns what each job was given. */
export async function enqueueFilms(library: Store, target: string, movie: string | undefined): Promise<FilmAnalysisRequest[]> {
  const files = listVideos(target);
  if (movie && files.length > 1) throw new MarqueeError('bad_query', `--movie names one movie, but ${target} holds ${files.length} videos`);
  const requests = files.map((video): FilmAnalysisRequest => (movie ? { video, movie } : { video }));
  for (const payload of requests) await library.jobs.enqueue({ kind: FILM_ANALYSIS_JOB, key: payload.video, priority: JOB_PRIORITY[FILM_ANALYSIS_JOB], payload });
  return requests;
}
