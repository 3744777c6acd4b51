/**
 * The indexed demo library the end-to-end files share (issue 28: each file indexed its own
 * catalog, about a third of the layer's 30 minutes): DEMO_ROWS — 150 posters spread over the
 * whole demo catalog, with their synopses embedded — indexed without OCR by the real CLI. No
 * stills: their films join the library as movies without posters, which text and filtered
 * searches then count (a file that wants them indexes DEMO_STILLS into its copy, 13 s). It is built once, by the first file that asks (files run one at a time), into the
 * temp folder under a name that holds the build's stamp and the rows, so a later file — or a
 * later run of the same build — finds it there; a file gets its own copy (SQLite: the file;
 * PostgreSQL: `marquee migrate` of a copy into a fresh database), so tests may write to it.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshLibrary, type Engine, type TestLibrary } from './engines.js';
import { makeCatalog, ROOT, runCli, spreadRows, tempDir } from './helpers.js';

/** The demo library's catalog rows, in catalog order. */
export const DEMO_ROWS = spreadRows(150, 2);
/** The demo stills folder (9 films × 80 frames). */
export const DEMO_STILLS = join(ROOT, '../shared/stills');

/** The built demo library: a SQLite file nobody writes to (take copies). */
function demoLibraryFile(): string {
  const stamp = statSync(join(ROOT, 'dist/.build-stamp')).mtimeMs;
  const key = createHash('sha256').update(`${stamp}\n${DEMO_ROWS.map((r) => r.id).join(',')}`).digest('hex').slice(0, 16);
  const file = join(tmpdir(), `marquee-demo-library-${key}.db`);
  if (existsSync(file)) return file;
  const building = `${file}.${process.pid}.partial`;
  const r = runCli(['index', makeCatalog(DEMO_ROWS), '--no-ocr', '--db', building]);
  if (r.code !== 0) throw new Error(`indexing the demo library failed (${r.code}): ${r.stderr}`);
  // The indexer closed the library: its write-ahead log is checkpointed and gone, the file is whole.
  if (existsSync(`${building}-wal`)) throw new Error(`the demo library's write-ahead log outlived the indexer: ${building}-wal`);
  renameSync(building, file);
  rmSync(`${building}-shm`, { force: true });
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
