/** The optional faces channel on real posters: detection is stored, incremental, and same-face search works. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, makeCatalog, POSTERS, runCli, spreadRows, tempDir } from '../helpers.js';

const rows = spreadRows(36, 17);
const dir = makeCatalog(rows);
const db = join(tempDir(), 'lib.db');
let first: Record<string, unknown>;

beforeAll(() => {
  const r = runCli(['index', dir, '--no-ocr', '--db', db, '--no-text', '--faces', '--json']);
  expect(r.code).toBe(0);
  first = jsonLines(r.stdout).at(-1)!;
});

interface FaceRow {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
  score: number;
  descriptor: Buffer;
}

describe('faces', () => {
  it('stores count, boxes and 128-d descriptors for every poster, and a re-run scans nothing', () => {
    expect(first.faces).toMatchObject({ scanned: rows.length, failed: 0 });
    const lib = new Database(db, { readonly: true });
    expect(lib.prepare('SELECT COUNT(*) AS n FROM face_scans').get()).toEqual({ n: rows.length });
    const faces = lib.prepare('SELECT m.id, f.* FROM faces f JOIN movies m ON m.key = f.poster_key').all() as FaceRow[];
    expect(faces.length).toBe((first.faces as { faces: number }).faces);
    expect(faces.length).toBeGreaterThan(5);
    for (const f of faces) {
      expect(f.descriptor.length).toBe(128 * 4);
      for (const v of [f.x, f.y, f.x + f.width, f.y + f.height]) expect(v).toBeGreaterThanOrEqual(-0.05), expect(v).toBeLessThanOrEqual(1.05);
      expect(f.score).toBeGreaterThanOrEqual(0.5);
    }
    lib.close();
    const again = jsonLines(runCli(['index', dir, '--no-ocr', '--db', db, '--no-text', '--faces', '--json']).stdout).at(-1)!;
    expect(again.faces).toMatchObject({ scanned: 0 });
  });

  it('keeps each scanned poster\'s face cues (expressions, age, gender, face area)', () => {
    const lib = new Database(db, { readonly: true });
    const cues = lib.prepare("SELECT m.id, v.data, v.dim FROM vectors v JOIN movies m ON m.key = v.subject_key WHERE v.channel = 'face-cues'").all() as { id: string; data: Buffer; dim: number }[];
    const counts = new Map((lib.prepare('SELECT m.id, COUNT(f.idx) AS n FROM movies m LEFT JOIN faces f ON f.poster_key = m.key GROUP BY m.id').all() as { id: string; n: number }[]).map((r) => [r.id, r.n]));
    lib.close();
    expect(cues).toHaveLength(rows.length);
    let expressive = 0;
    for (const c of cues) {
      const v = new Float32Array(c.data.buffer.slice(c.data.byteOffset, c.data.byteOffset + c.data.length));
      expect(c.dim).toBe(21);
      expect(v[0]).toBe(1); // scanned
      expect(v[1]).toBe(counts.get(c.id)! > 0 ? 1 : 0);
      if (v[1] === 1) {
        const meanExpressions = Array.from(v.slice(5, 12));
        expect(meanExpressions.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2); // a probability over the 7 expressions
        expect(v[20]).toBeGreaterThan(0.1); // mean age / 60: grown-ups mostly
        if (Math.max(...meanExpressions) < 0.99) expressive++;
      } else expect(Array.from(v.slice(1)).every((x) => x === 0)).toBe(true);
    }
    expect(expressive).toBeGreaterThan(0);
  });

  it('same-face search finds the poster a face was cut from, pasted onto a faceless poster', async () => {
    const lib = new Database(db, { readonly: true });
    const face = lib.prepare('SELECT m.id, f.* FROM faces f JOIN movies m ON m.key = f.poster_key WHERE f.width > 0.12 ORDER BY f.score DESC LIMIT 1').get() as FaceRow;
    const faceless = (lib.prepare('SELECT m.id FROM face_scans s JOIN movies m ON m.key = s.poster_key WHERE s.count = 0 ORDER BY m.key LIMIT 1').get() as { id: string }).id;
    lib.close();
    const src = readFileSync(join(POSTERS, `${face.id}.jpg`));
    const { width = 0, height = 0 } = await sharp(src).metadata();
    const margin = 0.25;
    const left = Math.max(0, Math.round((face.x - face.width * margin) * width));
    const top = Math.max(0, Math.round((face.y - face.height * margin) * height));
    const w = Math.min(width - left, Math.round(face.width * (1 + 2 * margin) * width));
    const h = Math.min(height - top, Math.round(face.height * (1 + 2 * margin) * height));
    const crop = await sharp(src).extract({ left, top, width: w, height: h }).resize({ width: 110 }).toBuffer();
    const composite = await sharp(await sharp(readFileSync(join(POSTERS, `${faceless}.jpg`))).resize(300, 450, { fit: 'fill' }).toBuffer())
      .composite([{ input: crop, left: 150, top: 260 }])
      .jpeg({ quality: 90 })
      .toBuffer();
    const file = join(tempDir(), 'composite.jpg');
    writeFileSync(file, composite);
    const r = runCli(['search', '--db', db, '--image', file, '--weights', 'faces=1', '--k', '3', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const results = (JSON.parse(r.stdout) as { results: { id: string; scores: Record<string, number> }[] }).results;
    expect(results[0]!.id).toBe(face.id);
    expect(results[0]!.scores.faces).toBeGreaterThan(0.4); // distance < 0.6: the same person
  });

  it('refuses a faces query on a library without face scans, with a clear message', () => {
    const plain = join(tempDir(), 'plain.db');
    expect(runCli(['index', makeCatalog(rows.slice(0, 3)), '--no-ocr', '--db', plain, '--no-text']).code).toBe(0);
    const r = runCli(['search', '--db', plain, '--id', rows[0]!.id!, '--weights', 'content=0.5,faces=0.5']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/no face scans: run "marquee index <catalog> --faces"/);
  });
});
