/**
 * The kinds of background job a library has, and how this process runs each: the OCR passes on
 * the OCR worker threads (as many as the CPU budget allows); the genre tiles, genre training, the
 * atlas rebuild, the faces pass, a film's analysis and the stored analyses as CLI child processes. `serve` and `marquee worker` run the same handlers, so the work spreads
 * over every machine that opens the library.
 */
import type { AnalysisRequest } from '../analysis/stored-analyses.js';
import { readPosterText, readSmallPrint, type TextPassOptions, type TextPassSummary } from './text-pass.js';
import type { Store } from '../store/store.js';
import { OcrPool } from '../text/ocr-pool.js';
import { CLI_JOB_BUSY, runCliJob } from '../jobs/cli-job.js';
import { JOB_YIELDED, type JobContext, type JobHandler } from '../jobs/workers.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'connection' | 'jobs' | 'posterText'>;

export const POSTER_TEXT_JOB = 'poster-text';
/** The small print the OCR pass left for later (poster-ocr.ts, "Small print later"). */
export const SMALL_PRINT_JOB = 'poster-small-print';
/** Faces on posters not yet scanned (the faces pass of `marquee index --faces`). */
export const FACES_JOB = 'poster-faces';
export const GENRES_TRAIN_JOB = 'genres-train';
/** The posters' genre tiles (`marquee genres tiles`), enqueued by `marquee index --background`. */
export const POSTER_TILES_JOB = 'poster-tiles';
/** One film's shots, rhythm and colour from its video (`marquee index --video`); keyed by the file. */
export const FILM_ANALYSIS_JOB = 'film-analysis';
export const ATLAS_BUILD_JOB = 'atlas-build';
/** The map of every still (`marquee stills atlas`), enqueued by `marquee index --stills --background`. */
export const STILLS_ATLAS_JOB = 'stills-atlas';
/** The stored which-movie match (`marquee stills prepare`): where the engine ranks from it (pgvector), enqueued after stills are indexed. */
export const STILLS_MATCH_JOB = 'stills-match';
/** A stored analysis (closest pairs of a channel, duplicate groups); keyed by the analysis. */
export const ANALYSIS_JOB = 'analysis';

/** Every kind a library has. */
export const JOB_KINDS: readonly string[] = [POSTER_TEXT_JOB, SMALL_PRINT_JOB, FACES_JOB, POSTER_TILES_JOB, ANALYSIS_JOB, GENRES_TRAIN_JOB, ATLAS_BUILD_JOB, STILLS_ATLAS_JOB, STILLS_MATCH_JOB, FILM_ANALYSIS_JOB];

/** Kinds a client may start over HTTP (the OCR pass is started by serve --read-text; analyses and films, which need a payload, by the server and `marquee index`). */
export const STARTABLE_JOBS = [GENRES_TRAIN_JOB, ATLAS_BUILD_JOB, STILLS_ATLAS_JOB, STILLS_MATCH_JOB, FACES_JOB, POSTER_TILES_JOB] as const;
export type StartableJob = (typeof STARTABLE_JOBS)[number];

/**
 * Priorities: a page waits for an analysis (a minute or two of CPU), so it goes first; then the
 * stored which-movie match (until it is there, a server on pgvector prepares stills itself); then the
 * short jobs a person is waiting for: the genre tiles (≈ 3 min on the demo catalog; before the
 * training, which learns from them), the atlas (≈ 100 s) and the stills map (seconds on the demo
 * stills; enqueued after the atlas, so it runs after it) and genre training (≈ 200 s:
 * predictions work minutes after the quick start, not after the reading); a film someone added;
 * the OCR pass (a quarter of an hour and more) makes way for any of them between two posters, and
 * the small print it leaves comes last.
 */
export const JOB_PRIORITY: Record<string, number> = {
  [ANALYSIS_JOB]: 30,
  [POSTER_TILES_JOB]: 27,
  [ATLAS_BUILD_JOB]: 26,
  [GENRES_TRAIN_JOB]: 25,
  [STILLS_ATLAS_JOB]: 26,
  [STILLS_MATCH_JOB]: 28,
  [FILM_ANALYSIS_JOB]: 22,
  [POSTER_TEXT_JOB]: 20,
  [FACES_JOB]: 18,
  [SMALL_PRINT_JOB]: 15,
};

/** How long a film job waits before trying again while another index run holds the lock. */
const FILM_LOCK_RETRY_MS = 15_000;

/** What an atlas-build or stills-atlas job is given: incremental places new posters (stills) into the frozen layout (default: rebuild). */
export interface AtlasBuildRequest {
  incremental?: boolean;
}

/** What a film-analysis job is given: the video file (absolute), optionally the movie it is, and whether to find faces in its keyframes. */
export interface FilmAnalysisRequest {
  video: string;
  movie?: string;
  faces?: boolean;
}

type TextPass = (library: StoreParts, pool: OcrPool, opts: TextPassOptions) => Promise<TextPassSummary>;

/** Runs an OCR pass on as many reader threads as the budget allows; it stops between posters when asked and resumes where it stopped. */
async function runOcrJob(library: StoreParts, ctx: JobContext, threads: number, pass: TextPass, smallPrint: TextPassOptions['smallPrint']): Promise<TextPassSummary | typeof JOB_YIELDED> {
  const pool = OcrPool.start(Math.max(1, threads));
  const started = performance.now();
  try {
    const summary = await pass(library, pool, {
      smallPrint,
      shouldStop: () => ctx.signal.aborted || ctx.yieldSignal.aborted,
      onProgress: (done, total) => {
        const rate = done / Math.max(1e-3, (performance.now() - started) / 1000);
        ctx.progress({ done, total, message: `${rate.toFixed(2)} posters/s` });
      },
    });
    // Stopped between posters (gave way, paused, this process stops, or cancelled): not finished.
    return summary.interrupted ? JOB_YIELDED : summary;
  } finally {
    await pool.close();
  }
}

export function libraryJobHandlers(library: StoreParts, cpuBudget: number): JobHandler[] {
  return [
    {
      kind: POSTER_TEXT_JOB,
      cpus: cpuBudget,
      run: async (ctx) => {
        // Title-sized lines now; the small print they leave is a job of its own, after everything else.
        const outcome = await runOcrJob(library, ctx, cpuBudget, readPosterText, 'later');
        if (outcome !== JOB_YIELDED && outcome.smallPrintLeft > 0) await library.jobs.enqueue({ kind: SMALL_PRINT_JOB, priority: JOB_PRIORITY[SMALL_PRINT_JOB] });
        return outcome;
      },
    },
    {
      kind: SMALL_PRINT_JOB,
      cpus: cpuBudget,
      run: async (ctx) => {
        // Again while it makes progress: an OCR pass elsewhere may have left more small print since this one listed its posters.
        let total: TextPassSummary | undefined;
        for (;;) {
          const outcome = await runOcrJob(library, ctx, cpuBudget, readSmallPrint, undefined);
          if (outcome === JOB_YIELDED) return outcome;
          total = total ? { ...outcome, read: total.read + outcome.read, lines: total.lines + outcome.lines, failed: total.failed + outcome.failed, seconds: total.seconds + outcome.seconds } : outcome;
          if (outcome.smallPrintLeft === 0 || outcome.read === 0) return total;
        }
      },
    },
    {
      kind: ANALYSIS_JOB,
      cpus: 1,
      run: (ctx) => {
        const req = ctx.job.payload as AnalysisRequest;
        const args =
          req.kind === 'pairs'
            ? ['pairs', '--channel', req.channel, ...(req.model ? ['--model', req.model] : [])]
            : req.kind === 'borrowings'
              ? ['borrowings', '--channel', req.channel, ...(req.copies ? ['--copies'] : [])]
              : req.kind === 'typical'
                ? ['typical', '--by', req.filters.by, ...(req.filters.genre ? ['--genre', req.filters.genre] : []), ...(req.filters.country ? ['--country', req.filters.country] : []), ...(req.filters.mainOnly ? ['--main-only'] : [])]
                : [req.kind];
        return runCliJob(['analysis', 'compute', ...args, '--json'], library.connection, ctx);
      },
    },
    { kind: GENRES_TRAIN_JOB, cpus: 1, run: (ctx) => runCliJob(['genres', 'train', '--json'], library.connection, ctx) },
    { kind: FACES_JOB, cpus: 1, run: (ctx) => runCliJob(['faces', 'scan', '--json'], library.connection, ctx, { resumable: true }) },
    {
      kind: ATLAS_BUILD_JOB,
      cpus: 1,
      // A rebuild when asked for on /jobs; `marquee index --background` places new posters into the layout there is (a first build when none).
      run: (ctx) => runCliJob(['atlas', 'build', ...((ctx.job.payload as AtlasBuildRequest | null)?.incremental ? [] : ['--rebuild']), '--json'], library.connection, ctx),
    },
    {
      kind: STILLS_ATLAS_JOB,
      cpus: 1,
      // As the poster atlas: a rebuild when asked for on /jobs; after an index run, new stills placed into the map there is.
      run: (ctx) => runCliJob(['stills', 'atlas', ...((ctx.job.payload as AtlasBuildRequest | null)?.incremental ? [] : ['--rebuild']), '--json'], library.connection, ctx),
    },
    { kind: STILLS_MATCH_JOB, cpus: 1, run: (ctx) => runCliJob(['stills', 'prepare', '--json'], library.connection, ctx) },
    // The tiles (about 3 minutes) give way to an analysis a page waits for, between two batches.
    { kind: POSTER_TILES_JOB, cpus: 1, run: (ctx) => runCliJob(['genres', 'tiles', '--json'], library.connection, ctx, { resumable: true }) },
    {
      kind: FILM_ANALYSIS_JOB,
      cpus: 1,
      run: async (ctx) => {
        const req = ctx.job.payload as FilmAnalysisRequest;
        const args = ['index', '--video', req.video, ...(req.movie ? ['--movie', req.movie] : []), ...(req.faces ? ['--faces'] : []), '--json'];
        // The run takes the index lock: while another index run holds it, wait and try again (no try counted); it gives way meanwhile.
        for (;;) {
          const out = await runCliJob(args, library.connection, ctx, { busy: 'return' });
          if (out !== CLI_JOB_BUSY) return out;
          ctx.progress({ done: 0, total: 0, message: 'waiting for another index run to finish' });
          await new Promise((r) => setTimeout(r, FILM_LOCK_RETRY_MS));
          if (ctx.signal.aborted) throw new Error('stopped while waiting for the index lock');
          if (ctx.yieldSignal.aborted) return JOB_YIELDED;
        }
      },
    },
  ];
}
