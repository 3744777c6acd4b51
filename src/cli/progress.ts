/** Index progress: a bar on a terminal, JSON lines with --json, quiet otherwise. */
import cliProgress from 'cli-progress';
import type { IndexProgress } from '../ingest/indexer.js';

export interface ProgressReporter {
  update(p: IndexProgress): void;
  stop(): void;
}

export function createProgressReporter(mode: { json: boolean; tty: boolean; label?: string }): ProgressReporter {
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
  if (!mode.tty) return { update() {}, stop() {} };
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
    reporter.update({ done, total, indexed: done, unchanged: 0, skipped: 0, failed: 0, rate, etaSeconds: (total - done) / Math.max(rate, 1e-6) });
  };
}
