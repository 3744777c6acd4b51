/** Shared test helpers: real catalog subsets from ../shared/catalog and running the real CLI. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

export const ROOT = resolve(import.meta.dirname, '..');
export const SHARED_CATALOG = resolve(ROOT, '../shared/catalog');
export const POSTERS = join(SHARED_CATALOG, 'posters');
export const CLI = join(ROOT, 'dist/cli/main.js');

export type CatalogRow = Record<string, string>;

let rowsCache: CatalogRow[] | undefined;
export function catalogRows(): CatalogRow[] {
  rowsCache ??= parse(readFileSync(join(SHARED_CATALOG, 'movies.csv')), { columns: true, bom: true }) as CatalogRow[];
  return rowsCache;
}

export function tempDir(prefix = 'marquee-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A catalog folder with the given rows as movies.csv and the real posters linked in. */
export function makeCatalog(rows: CatalogRow[], dir = tempDir()): string {
  const columns = Object.keys(rows[0] ?? catalogRows()[0]!);
  const all = [...new Set([...columns, ...rows.flatMap((r) => Object.keys(r))])];
  writeFileSync(join(dir, 'movies.csv'), stringify(rows, { header: true, columns: all }));
  symlinkSync(POSTERS, join(dir, 'posters'));
  return dir;
}

/** Every n-th row of the real catalog, n chosen to give `count` rows spread over the whole file. */
export function spreadRows(count: number, offset = 0): CatalogRow[] {
  const rows = catalogRows();
  const step = Math.floor(rows.length / count);
  return Array.from({ length: count }, (_, i) => rows[(i * step + offset) % rows.length]!);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function runCliAsync(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

export function jsonLines(s: string): Record<string, unknown>[] {
  return s
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Debian's Chromium, or MARQUEE_CHROMIUM. */
export const CHROMIUM = process.env.MARQUEE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Launches the browser for the web tests, failing at once with what to install when it is
 * missing (instead of a launch error deep in playwright or a timeout).
 */
export async function launchChromium(executablePath = CHROMIUM): Promise<import('playwright-core').Browser> {
  if (!existsSync(executablePath))
    throw new Error(`Chromium is not installed at ${executablePath}: the browser tests need Debian's chromium package (apt-get install chromium), or set MARQUEE_CHROMIUM to a Chromium binary`);
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Cosine similarity of two vectors. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let d = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return d / Math.sqrt(na * nb);
}
