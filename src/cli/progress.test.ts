import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProgressReporter, formatDuration, formatProgressLine } from './progress.js';

const at = (done: number, total: number, rate = 2) => ({ done, total, indexed: done, unchanged: 0, skipped: 0, failed: 0, rate, etaSeconds: done > 0 ? (total - done) / rate : null });

describe('progress when stderr is not a terminal', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints the first state at once, then at most one line per interval, and the last state at the end', () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    const reporter = createProgressReporter({ json: false, tty: false, label: 'posters', intervalMs: 60_000 });
    reporter.update(at(1, 100));
    for (let d = 2; d <= 99; d++) reporter.update(at(d, 100));
    reporter.stop();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^posters 1\/100 \(1%\) · 2\.0\/s · ETA 50s\n$/);
    expect(lines[1]).toMatch(/^posters 99\/100 \(99%\)/);
  });

  it('prints every update when the interval is zero, and says when a pass is done', () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    const reporter = createProgressReporter({ json: false, tty: false, label: 'text', intervalMs: 0 });
    for (let d = 1; d <= 3; d++) reporter.update(at(d, 3));
    reporter.stop();
    expect(lines.map((l) => l.split(' ')[1])).toEqual(['1/3', '2/3', '3/3']);
    expect(lines[2]).toContain('ETA done');
  });
});

describe('progress line', () => {
  it('shows the counts only when they say more than done', () => {
    expect(formatProgressLine('posters', { ...at(10, 20), indexed: 8, failed: 2 })).toContain('new 8 unchanged 0 failed 2');
    expect(formatProgressLine('faces', at(10, 20))).not.toContain('new');
  });

  it('writes durations as a person reads them', () => {
    expect(formatDuration(null)).toBe('?');
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(400)).toBe('6m 40s');
    expect(formatDuration(7500)).toBe('2h 5m');
  });
});

describe('slow passes', () => {
  it('give their rate per minute', () => {
    expect(formatProgressLine('genres folds', { ...at(2, 5), rate: 0.02 })).toContain('1.2/min');
  });
});
