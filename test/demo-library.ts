/**
 * The indexed demo library the end-to-end files share (issue 28: each file indexed its own
 * catalog, about a third of the layer's 30 minutes): DEMO_ROWS — 150 posters spread over the
 * whole demo catalog, with their synopses embedded — indexed without OCR by the real CLI. No
 * stills: their films join the library as movies without posters, which text and filtered
 * searches then count.
 *
 * It is built once, by the first file that asks (files run one at a time), into the temp folder
 * beside its catalog folder (the library records its posters' paths there), under a name that
 * holds the build's stamp, the rows, the index flags and the MARQUEE_* settings, so a later file —
 * or a later run of the same build — finds it; a build that did not index every poster is not
 * kept, and building removes copies a day old. A file gets its own copy (SQLite: the file;
 * PostgreSQL: `marquee migrate` of a copy into a fresh database), so tests may write to it.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshLibrary, type Engine, type TestLibrary } from './engines.js';
import { jsonLines, makeCatalog, ROOT, runCli, spreadRows, tempDir } from './helpers.js';

/** The demo library's catalog rows, in catalog order. */
export const DEMO_ROWS = spreadRows(150, 2);

const INDEX_FLAGS = ['--no-ocr', '--json'];
const PREFIX = 'marquee-demo-library-';
const DAY_MS = 24 * 3600 * 1000;

/** The built demo library: a SQLite file nobody writes to (take copies). */
function demoLibraryFile(): string {
  const settings = Object.entries(process.env).filter(([k]) => k.startsWith('MARQUEE_')).sort(([a], [b]) => a.localeCompare(b));
  const stamp = statSync(join(ROOT, 'dist/.build-stamp')).mtimeMs;
  const key = createHash('sha256').update(JSON.stringify([stamp, DEMO_ROWS, INDEX_FLAGS, settings])).digest('hex').slice(0, 16);
  const base = join(tmpdir(), `${PREFIX}${key}`);
  const file = `${base}.db`;
  const catalog = `${base}.catalog`;
  if (existsSync(file) && existsSync(join(catalog, 'movies.csv'))) return file;
  // Earlier builds' copies, once a day old (a run of another checkout may be using a newer one).
  for (const old of readdirSync(tmpdir()).filter((f) => f.startsWith(PREFIX)).map((f) => join(tmpdir(), f)))
    if (Date.now() - statSync(old).mtimeMs > DAY_MS) rmSync(old, { recursive: true, force: true });
  rmSync(catalog, { recursive: true, force: true });
  mkdirSync(catalog);
  makeCatalog(DEMO_ROWS, catalog);
  const building = `${file}.${process.pid}.partial`;
  try {
    const r = runCli(['index', catalog, ...INDEX_FLAGS, '--db', building]);
    const summary = jsonLines(r.stdout).at(-1) as { indexed?: number; failed?: number } | undefined;
    if (r.code !== 0 || summary?.indexed !== DEMO_ROWS.length || summary.failed !== 0)
      throw new Error(`indexing the demo library failed (exit ${r.code}, summary ${JSON.stringify(summary)}): ${r.stderr}`);
    // The indexer closed the library: its write-ahead log is checkpointed and gone, the file is whole.
    if (existsSync(`${building}-wal`)) throw new Error(`the demo library's write-ahead log outlived the indexer: ${building}-wal`);
    renameSync(building, file);
  } finally {
    for (const part of [building, `${building}-wal`, `${building}-shm`]) rmSync(part, { force: true });
  }
  return file;
}

/** A copy of the demo library as a SQLite file of its own (in a fresh temp folder unless `dir`). */
export function copyOfDemoLibrary(dir = tempDir()): string {
  const db = join(dir, 'lib.db');
  copyFileSync(demoLibraryFile(), db);
  return db;
}

/** The demo library on an engine: a copy of the file, or the file migrated into a fresh PostgreSQL database. */
export async function demoLibraryOn(engine: Engine): Promise<TestLibrary> {
  if (engine === 'sqlite') return { db: copyOfDemoLibrary(), drop: async () => undefined };
  const library = await freshLibrary('postgres');
  const r = runCli(['migrate', copyOfDemoLibrary(), library.db]);
  if (r.code !== 0) throw new Error(`migrating the demo library to PostgreSQL failed (${r.code}): ${r.stderr}`);
  return library;
}
