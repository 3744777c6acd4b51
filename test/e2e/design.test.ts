/** Design channels on real posters: palettes, palette search, layout search, pairs/dupes, explain. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deltaE, hexToRgb, rgbBufferToLab, rgbToLab, type Lab } from '../../dist/design/color-space.js';
import { extractPalette, type PaletteColor } from '../../dist/design/palette.js';
import { paletteDistance } from '../../dist/design/palette-distance.js';
import { SearchEngine } from '../../dist/search/engine.js';
import { openStore } from '../../dist/store/open-store.js';
import type { Store } from '../../dist/store/store.js';
import { jsonLines, makeCatalog, POSTERS, runCli, spreadRows, tempDir, type CatalogRow } from '../helpers.js';

const poster = (id: string) => readFileSync(join(POSTERS, `${id}.jpg`));

async function labPixels(bytes: Buffer, width = 64, height = 96): Promise<Float32Array> {
  return rgbBufferToLab(await sharp(bytes).resize(width, height, { fit: 'fill' }).removeAlpha().raw().toBuffer());
}

const chroma = (lab: Lab) => Math.hypot(lab[1], lab[2]);

describe('palettes', () => {
  it('are deterministic, sum to 1, and their share-weighted mean is the image mean colour', async () => {
    for (const r of spreadRows(10, 13)) {
      const lab = await labPixels(poster(r.id!));
      const p = extractPalette(lab);
      expect(extractPalette(lab)).toEqual(p);
      expect(p.length).toBeGreaterThanOrEqual(5);
      expect(p.reduce((s, c) => s + c.share, 0)).toBeCloseTo(1, 6);
      for (let i = 1; i < p.length; i++) expect(p[i - 1]!.share).toBeGreaterThanOrEqual(p[i]!.share);
      const mean: Lab = [0, 0, 0];
      for (let i = 0; i < lab.length; i++) mean[i % 3] += lab[i]! / (lab.length / 3);
      const weighted: Lab = [0, 1, 2].map((j) => p.reduce((s, c) => s + c.share * c.lab[j]!, 0)) as Lab;
      expect(deltaE(mean, weighted)).toBeLessThan(1);
    }
  });

  it('are stable under recompression and plausible for a monochrome and a sepia poster', async () => {
    const id = spreadRows(1, 40)[0]!.id!;
    const original = extractPalette(await labPixels(poster(id)));
    const recompressed = extractPalette(await labPixels(await sharp(poster(id)).jpeg({ quality: 50 }).toBuffer()));
    expect(paletteDistance(original, recompressed)).toBeLessThan(4);
    const grey = extractPalette(await labPixels(await sharp(poster(id)).greyscale().toBuffer()));
    for (const c of grey) expect(chroma(c.lab)).toBeLessThan(3);
    const sepia = extractPalette(await labPixels(await sharp(poster(id)).greyscale().tint({ r: 112, g: 66, b: 20 }).toBuffer()));
    const tint = rgbToLab(112, 66, 20);
    const hue = (lab: Lab) => Math.atan2(lab[2], lab[1]);
    for (const c of sepia) if (chroma(c.lab) > 5) expect(Math.abs(hue(c.lab) - hue(tint))).toBeLessThan(0.35);
    // A different poster is further away than the recompressed copy.
    const other = extractPalette(await labPixels(poster(spreadRows(1, 900)[0]!.id!)));
    expect(paletteDistance(original, other)).toBeGreaterThan(paletteDistance(original, recompressed) * 2);
  });
});

describe('design search and analysis on a library', () => {
  const rows = spreadRows(150, 6);
  const dir = tempDir();
  const copies = join(dir, 'copies');
  mkdirSync(copies);
  const planted: [string, string][] = [];
  const transforms: ((b: Buffer) => Promise<Buffer>)[] = [
    (b) => sharp(b).jpeg({ quality: 35 }).toBuffer(),
    (b) => sharp(b).resize({ width: 150 }).jpeg({ quality: 80 }).toBuffer(),
    async (b) => {
      const { width = 0, height = 0 } = await sharp(b).metadata();
      const dx = Math.round(width * 0.05), dy = Math.round(height * 0.05);
      return sharp(b).extract({ left: dx, top: dy, width: width - 2 * dx, height: height - 2 * dy }).jpeg({ quality: 85 }).toBuffer();
    },
    (b) => sharp(b).modulate({ hue: 60, saturation: 1.2 }).jpeg({ quality: 85 }).toBuffer(),
  ];
  const db = join(tempDir(), 'lib.db');
  let library: Store;
  let engine: SearchEngine;

  beforeAll(async () => {
    const copyRows: CatalogRow[] = [];
    for (let i = 0; i < 40; i++) {
      const src = rows[i * 3 + 1]!;
      const file = `copies/${src.id}.jpg`;
      writeFileSync(join(dir, file), await transforms[i % transforms.length]!(poster(src.id!)));
      copyRows.push({ ...src, id: `copy-${src.id}`, poster: file });
      planted.push([src.id!, `copy-${src.id}`]);
    }
    makeCatalog([...rows, ...copyRows], dir);
    expect(runCli(['index', dir, '--no-ocr', '--db', db, '--no-text']).code).toBe(0);
    library = await openStore(db, { create: true });
    engine = await SearchEngine.fromLibrary(library);
  });

  afterAll(async () => {
    await engine.close();
    await library.close();
  });

  it('a hex palette query ranks posters that contain those colours first', async () => {
    // Colours taken from a real poster's palette: two distinct colours with real shares.
    const palettes = new Map<string, PaletteColor[]>();
    for (const r of rows) palettes.set(r.id!, JSON.parse(JSON.stringify(await library.posters.palette((await library.movies.keyOf(r.id!))!))) as PaletteColor[]);
    const source = rows.find((r) => {
      const p = palettes.get(r.id!)!;
      return p[0]!.share > 0.15 && p[1]!.share > 0.15 && deltaE(p[0]!.lab, p[1]!.lab) > 35 && chroma(p[0]!.lab) + chroma(p[1]!.lab) > 30;
    })!;
    const palette = (await library.posters.palette((await library.movies.keyOf(source.id!))!))!;
    const colors = [palette[0]!.hex, palette[1]!.hex];
    const r = runCli(['search', '--db', db, '--colors', colors.join(','), '--k', '10', '--json']);
    expect(r.code).toBe(0);
    const results = (JSON.parse(r.stdout) as { results: { id: string }[] }).results;
    expect(results.map((x) => x.id).slice(0, 10)).toContain(source.id);
    // Measured independently on the pixels: share of pixels within ΔE 15 of each colour.
    const presence = async (id: string) => {
      const file = id.startsWith('copy-') ? join(dir, 'copies', `${id.slice(5)}.jpg`) : join(POSTERS, `${id}.jpg`);
      const lab = await labPixels(readFileSync(file));
      return colors.map((hex) => {
        const q = rgbToLab(...hexToRgb(hex));
        let n = 0;
        for (let i = 0; i < lab.length; i += 3) if (deltaE(q, [lab[i]!, lab[i + 1]!, lab[i + 2]!]) < 15) n++;
        return n / (lab.length / 3);
      });
    };
    const minPresence = async (id: string) => Math.min(...(await presence(id)));
    const top = await Promise.all(results.slice(0, 5).map((x) => minPresence(x.id)));
    const all = await Promise.all(rows.map((x) => minPresence(x.id!)));
    const median = [...all].sort((a, b) => a - b)[Math.floor(all.length / 2)]!;
    for (const p of top) expect(p).toBeGreaterThan(Math.max(0.02, 3 * median));
  });

  it('layout search finds a horizontally shifted, recoloured copy', async () => {
    let hits = 0;
    const sample = rows.slice(0, 60);
    for (const r of sample) {
      const b = poster(r.id!);
      const { width = 0, height = 0 } = await sharp(b).metadata();
      const dx = Math.round(width * 0.05);
      const shifted = await sharp(b)
        .extend({ left: dx, background: '#808080' })
        .extract({ left: 0, top: 0, width, height })
        .modulate({ hue: 120 })
        .jpeg({ quality: 85 })
        .toBuffer();
      const [top] = await engine.search({ image: { bytes: shifted, source: r.id! }, weights: { layout: 1 }, k: 1 });
      if (top?.id === r.id) hits++;
    }
    console.log(`layout search, 5% shift + hue rotation: rank-1 ${hits}/${sample.length}`);
    expect(hits / sample.length).toBeGreaterThanOrEqual(0.9);
  });

  it('dupes and pairs find the planted copies with precision and recall >= 0.95', () => {
    // Byte-identical posters already in the catalog are true duplicates too.
    const hash = (id: string) => createHash('sha256').update(poster(id)).digest('hex');
    const byHash = new Map<string, string[]>();
    for (const r of rows) byHash.set(hash(r.id!), [...(byHash.get(hash(r.id!)) ?? []), r.id!]);
    const key = (a: string, b: string) => [a, b].sort().join('|');
    const truth = new Set(planted.map(([a, b]) => key(a, b)));
    for (const ids of byHash.values()) for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) truth.add(key(ids[i]!, ids[j]!));

    const dupes = runCli(['dupes', '--db', db, '--json']);
    expect(dupes.code).toBe(0);
    const groups = (JSON.parse(dupes.stdout) as { groups: string[][] }).groups;
    const found = new Set<string>();
    for (const g of groups) for (let i = 0; i < g.length; i++) for (let j = i + 1; j < g.length; j++) found.add(key(g[i]!, g[j]!));
    const tp = [...found].filter((p) => truth.has(p)).length;
    const plantedFound = planted.filter(([a, b]) => found.has(key(a, b))).length;
    console.log(`dupes: ${found.size} pairs found, ${tp} true; planted recall ${plantedFound}/${planted.length}`);
    expect(tp / Math.max(1, found.size)).toBeGreaterThanOrEqual(0.95);
    expect(plantedFound / planted.length).toBeGreaterThanOrEqual(0.95);

    const pairs = runCli(['pairs', '--db', db, '--k', '200', '--json']);
    expect(pairs.code).toBe(0);
    const list = (JSON.parse(pairs.stdout) as { pairs: { a: string; b: string; score: number; channel: string; duplicate: boolean }[] }).pairs;
    expect(list).toHaveLength(200);
    for (let i = 1; i < list.length; i++) expect(list[i - 1]!.score).toBeGreaterThanOrEqual(list[i]!.score);
    expect(Object.keys(list[0]!).sort()).toEqual(['a', 'aTitle', 'aYear', 'b', 'bTitle', 'bYear', 'channel', 'duplicate', 'model', 'score']);
    const flagged = list.filter((p) => p.duplicate).map((p) => key(p.a, p.b));
    const flaggedTrue = flagged.filter((p) => truth.has(p)).length;
    const plantedInPairs = planted.filter(([a, b]) => flagged.includes(key(a, b))).length;
    console.log(`pairs: ${flagged.length} flagged, ${flaggedTrue} true; planted flagged ${plantedInPairs}/${planted.length}`);
    expect(flaggedTrue / Math.max(1, flagged.length)).toBeGreaterThanOrEqual(0.95);
    expect(plantedInPairs / planted.length).toBeGreaterThanOrEqual(0.95);
  });

  it('explain heats the patch two otherwise different posters share', async () => {
    const [a, b, c] = [rows[10]!, rows[80]!, rows[120]!].map((r) => r.id!);
    const patchSource = await sharp(poster(c)).resize(224, 224, { fit: 'fill' }).extract({ left: 40, top: 60, width: 96, height: 96 }).toBuffer();
    const place = async (id: string) =>
      sharp(await sharp(poster(id)).resize(224, 224, { fit: 'fill' }).toBuffer())
        .composite([{ input: patchSource, left: 112, top: 16 }])
        .png()
        .toBuffer();
    const work = tempDir();
    writeFileSync(join(work, 'a.png'), await place(a));
    writeFileSync(join(work, 'b.png'), await place(b));
    const out = join(work, 'heat.png');
    const r = runCli(['explain', join(work, 'a.png'), join(work, 'b.png'), '--db', db, '--out', out, '--json']);
    expect(r.code).toBe(0);
    const { heat, cells, seconds } = jsonLines(r.stdout)[0] as { heat: number[]; cells: number; seconds: number };
    console.log(`explain took ${seconds} s`);
    const cell = 224 / cells;
    const inside = (i: number) => {
      const x = (i % cells) * cell + cell / 2;
      const y = Math.floor(i / cells) * cell + cell / 2;
      return x >= 112 && x < 208 && y >= 16 && y < 112;
    };
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const hot = mean(heat.filter((_, i) => inside(i)));
    const cold = mean(heat.filter((_, i) => !inside(i)));
    expect(hot).toBeGreaterThan(2 * cold);
    expect(inside(heat.indexOf(Math.max(...heat)))).toBe(true);
    const png = await sharp(out).metadata();
    expect(png.format).toBe('png');
  });
});
