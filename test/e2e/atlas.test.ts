/** The atlas on real posters: deterministic, one cell per poster, labels from metadata, incremental placement. */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { assignExact, assignGrid, displacement, gridPoints, knnOverlap } from '../../dist/atlas/grid.js';
import { jsonLines, makeCatalog, runCli, spreadRows, tempDir } from '../helpers.js';

const rows = spreadRows(170, 4);
const first = rows.slice(0, 150);
const dir = makeCatalog(first);
const db = join(tempDir(), 'lib.db');

type PointRow = { movie_key: number; pca_x: number; umap_x: number; umap_y: number; tsne_x: number; cell: number; cluster: number; placed: string };
const points = (file = db) => {
  const lib = new Database(file, { readonly: true });
  const out = lib.prepare("SELECT * FROM atlas_points WHERE channel = 'content' ORDER BY movie_key").all() as PointRow[];
  lib.close();
  return out;
};

interface Meta {
  points: number;
  grid: { cols: number; rows: number };
  k: number;
  clusters: { id: number; size: number; genres: { genre: string; share: number }[]; central: string[] }[];
  incremental: number;
}

beforeAll(() => {
  expect(runCli(['index', dir, '--no-ocr', '--db', db, '--no-text']).code).toBe(0);
});

describe('atlas', () => {
  it('is deterministic with a seed, and every poster gets exactly one grid cell', () => {
    const a = jsonLines(runCli(['atlas', 'build', '--db', db, '--rebuild', '--json']).stdout)[0] as unknown as Meta;
    const pa = points();
    runCli(['atlas', 'build', '--db', db, '--rebuild', '--json']);
    expect(points()).toEqual(pa);
    expect(pa).toHaveLength(first.length);
    const cells = pa.map((p) => p.cell);
    expect(new Set(cells).size).toBe(cells.length);
    for (const c of cells) expect(c >= 0 && c < a.grid.cols * a.grid.rows).toBe(true);
    for (const p of pa) expect(p.umap_x >= 0 && p.umap_x <= 1 && p.umap_y >= 0 && p.umap_y <= 1).toBe(true);
    const other = runCli(['atlas', 'build', '--db', db, '--rebuild', '--seed', '7', '--json']);
    expect(other.code).toBe(0);
    expect(points().map((p) => p.umap_x)).not.toEqual(pa.map((p) => p.umap_x));
    runCli(['atlas', 'build', '--db', db, '--rebuild']);
  });

  it('labels clusters from the real metadata of their members', () => {
    const lib = new Database(db, { readonly: true });
    const meta = JSON.parse((lib.prepare("SELECT meta FROM atlas WHERE channel = 'content'").get() as { meta: string }).meta) as Meta;
    const members = lib.prepare("SELECT p.cluster, m.id, m.genres FROM atlas_points p JOIN movies m ON m.key = p.movie_key WHERE p.channel = 'content'").all() as { cluster: number; id: string; genres: string }[];
    lib.close();
    expect(meta.clusters).toHaveLength(meta.k);
    expect(meta.clusters.reduce((s, c) => s + c.size, 0)).toBe(first.length);
    const csvGenres = new Map(first.map((r) => [r.id!, r.genres!.split('|')]));
    for (const c of meta.clusters) {
      const inCluster = members.filter((m) => m.cluster === c.id);
      expect(inCluster).toHaveLength(c.size);
      for (const g of c.genres) {
        const share = inCluster.filter((m) => csvGenres.get(m.id)!.includes(g.genre)).length / inCluster.length;
        expect(g.share).toBeCloseTo(share, 2);
      }
      for (const id of c.central) expect(inCluster.map((m) => m.id)).toContain(id);
    }
  });

  it('places new posters with the existing layout frozen', () => {
    const before = points();
    const dir2 = makeCatalog(rows);
    // Same catalog source? No: index the full list into the same library from a new folder.
    expect(runCli(['index', dir2, '--no-ocr', '--db', db, '--no-text']).code).toBe(0);
    const meta = jsonLines(runCli(['atlas', 'build', '--db', db, '--json']).stdout)[0] as unknown as Meta;
    const after = points();
    expect(after).toHaveLength(rows.length);
    const byKey = new Map(after.map((p) => [p.movie_key, p]));
    for (const p of before) expect(byKey.get(p.movie_key)).toEqual(p);
    const added = after.filter((p) => p.placed === 'incremental');
    expect(added).toHaveLength(rows.length - first.length);
    expect(meta.incremental).toBe(added.length);
    expect(new Set(after.map((p) => p.cell)).size).toBe(after.length);
  });

  it('the bisection grid keeps neighbourhoods close to the optimal assignment (Hungarian) on a sample', () => {
    const sample = points().slice(0, 120);
    const xy = Float32Array.from(sample.flatMap((p) => [p.umap_x, p.umap_y]));
    const approx = assignGrid(xy);
    const exact = assignExact(xy);
    expect(new Set(approx.cell).size).toBe(sample.length);
    const ratio = displacement(xy, approx) / displacement(xy, exact);
    const overlapApprox = knnOverlap(xy, gridPoints(approx));
    const overlapExact = knnOverlap(xy, gridPoints(exact));
    console.log(`grid on 120 points: displacement approx/exact ${ratio.toFixed(2)}, kNN overlap approx ${overlapApprox.toFixed(3)} vs exact ${overlapExact.toFixed(3)}`);
    expect(ratio).toBeLessThan(3);
    expect(overlapApprox).toBeGreaterThan(0.8 * overlapExact);
  });
});
