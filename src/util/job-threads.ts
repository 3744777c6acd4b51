/**
 * The threads a background job's child process may use (MARQUEE_JOB_THREADS, set to 1 by the job
 * runner: a CLI job counts as one core against the CPU budget); undefined outside a job: all
 * cores. Measured 2026-12-07 in `npm run bench -- serving`: the genre tiles job's model on
 * onnxruntime's default (every core) took the serving core too, and text search p50 rose to
 * 2.07x its paused figure (target ≤ 2x).
 */
export function jobThreads(): number | undefined {
  const n = Number(process.env.MARQUEE_JOB_THREADS);
  return Number.isInteger(n) && n >= 1 ? n : undefined;
}
