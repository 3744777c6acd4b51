/**
 * Progress of a long pass: a bar on a terminal, JSON lines with --json, and otherwise (a log
 * file, CI, a supervisor) one plain line at a steady interval — a redirected run used to print
 * nothing for ten minutes.
 */
import cliProgress from 'cli-progress';
import type { IndexProgress } from '../ingest/indexer.js';
import type { PassProgressFactory } from '../ingest/poster-passes.js';

export interface ProgressReporter {
  update(p: IndexProgress): void;
  stop(): void;
}

export function createProgressReporter(mode: { json: boolean; tty: boolean; label?: string; intervalMs?: number }): ProgressReporter {
  const label = mode.label ?? 'posters';
  if (mode.json) {
    let last = 0;
    return {
      update(p) {
        const now = Date.now();
        if (now - last < 1000 && p.done < p.total) return;
        last = now;
        process.stdout.write(`${JSON.stringify({ type: 'progress', phase: label, ...p, rate: Math.round(p.rate * 10) / 10, etaSeconds: p.etaSeconds === null ? null : Math.round(p.etaSeconds) })}\n`);
      },
      stop() {},
    };
  }
  if (!mode.tty) return plainProgress(label, mode.intervalMs ?? plainIntervalMs());
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label.padEnd(7)} [{bar}] {value}/{total} | {rate}/s | ETA {eta_formatted} | new {indexed} unchanged {unchanged} failed {failed} skipped {skipped}`,
      hideCursor: true,
      etaBuffer: 200,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      const payload = { rate: p.rate.toFixed(1), indexed: p.indexed, unchanged: p.unchanged, failed: p.failed, skipped: p.skipped };
      if (!started) {
        bar.start(p.total, p.done, payload);
        started = true;
      } else bar.update(p.done, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** For a pass that only counts (faces, text): done/total reported with the rate and ETA since its start. */
export function countingProgress(reporter: ProgressReporter): (done: number, total: number) => void {
  const started = performance.now();
  return (done, total) => {
    const rate = done / Math.max(1e-3, (performance.now() - started) / 1000);
    reporter.update({ done, total, indexed: done, unchanged: 0, skipped: 0, failed: 0, rate, etaSeconds: done > 0 ? (total - done) / rate : null });
  };
}

/** Seconds between plain progress lines: MARQUEE_PROGRESS_SECONDS, default 10. */
function plainIntervalMs(): number {
  const s = Number(process.env.MARQUEE_PROGRESS_SECONDS ?? 10);
  return (Number.isFinite(s) && s >= 0 ? s : 10) * 1000;
}

/** "posters 1200/3253 (37%) · 5.1/s · ETA 6m 40s · new 1190 unchanged 0 failed 10 skipped 0" */
export function formatProgressLine(label: string, p: IndexProgress): string {
  const pct = p.total > 0 ? ` (${Math.floor((100 * p.done) / p.total)}%)` : '';
  const counts = p.indexed !== p.done || p.unchanged || p.failed || p.skipped ? ` · new ${p.indexed} unchanged ${p.unchanged} failed ${p.failed} skipped ${p.skipped}` : '';
  const rate = p.rate > 0 && p.rate < 0.1 ? `${(p.rate * 60).toFixed(1)}/min` : `${p.rate.toFixed(1)}/s`;
  return `${label} ${p.done}/${p.total}${pct} · ${rate} · ETA ${p.done >= p.total ? 'done' : formatDuration(p.etaSeconds)}${counts}`;
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** One line on the first update, then at most one per interval, and the last state when it ends. */
function plainProgress(label: string, intervalMs: number): ProgressReporter {
  let lastAt = -Infinity;
  let last: IndexProgress | undefined;
  let printed: IndexProgress | undefined;
  const print = (p: IndexProgress): void => {
    process.stderr.write(`${formatProgressLine(label, p)}\n`);
    printed = p;
    lastAt = performance.now();
  };
  return {
    update(p) {
      last = p;
      if (performance.now() - lastAt >= intervalMs) print(p);
    },
    stop() {
      if (last && last !== printed) print(last);
    },
  };
}

/**
 * Progress for in-memory stages (atlas projections, genre folds): a line naming each stage as it
 * starts, then the stage's own steps as done/total with rate and ETA, through the same reporter
 * as the indexing passes.
 */
export function stageProgress(mode: { tty: boolean }, prefix: string): { stage(name: string): void; step(done: number, total: number): void; stop(): void } {
  let current: { name: string; reporter: ProgressReporter; first?: { at: number; done: number } } | undefined;
  const stop = (): void => current?.reporter.stop();
  return {
    stage(name) {
      stop();
      current = { name, reporter: createProgressReporter({ json: false, tty: mode.tty, label: `${prefix} ${name}` }) };
      process.stderr.write(`${prefix}: ${name}...\n`);
    },
    step(done, total) {
      if (!current) return;
      // Rate and ETA from the first step on: the time before it is set-up (t-SNE's affinities, UMAP's
      // neighbour graph), which made the first ETA read "38 minutes" for a one-minute stage.
      const now = performance.now();
      current.first ??= { at: now, done };
      const steps = done - current.first.done;
      const rate = steps / Math.max(1e-3, (now - current.first.at) / 1000);
      current.reporter.update({ done, total, indexed: done, unchanged: 0, skipped: 0, failed: 0, rate, etaSeconds: steps > 0 ? (total - done) / rate : null });
    },
    stop,
  };
}

/** The ingest passes' progress lines (ingest/poster-passes.ts), shown as this CLI shows any pass. */
export function passProgressLines(json: boolean): PassProgressFactory {
  return (label) => {
    const reporter = createProgressReporter({ json, tty: process.stderr.isTTY === true, label });
    return { update: (p) => reporter.update(p), count: countingProgress(reporter), stop: () => reporter.stop() };
  };
}
