/**
 * A generated corpus of bad and awkward inputs (images and catalog rows). Each case is asserted:
 * usable ones are indexed correctly, unusable ones are reported with the item and the reason,
 * and nothing already indexed is lost.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, POSTERS, runCli, spreadRows, tempDir } from '../helpers.js';

const real = readFileSync(join(POSTERS, `${spreadRows(1, 50)[0]!.id}.jpg`));
const dir = tempDir();
const db = join(tempDir(), 'lib.db');
mkdirSync(join(dir, 'img'));

interface Case {
  id: string;
  file?: string;
  bytes?: () => Promise<Buffer>;
  row?: Record<string, string>;
  /** Write this row's line in Latin-1 instead of UTF-8. */
  latin1?: boolean;
  /** Write this exact CSV line instead of a full row. */
  rawLine?: string;
  /** 'ok' = indexed with a poster; 'warned' = indexed, with a problem reported; 'failed' = poster refused (reason matches); 'skipped' = row refused */
  expect: 'ok' | 'warned' | 'failed' | 'skipped';
  reason?: RegExp;
  check?: (movie: Record<string, unknown>) => void;
}

const img = (w: number, h: number, channels: 3 | 4 = 3, bg: Record<string, number> = { r: 200, g: 40, b: 40 }) => sharp({ create: { width: w, height: h, channels, background: channels === 4 ? { ...bg, alpha: 0 } : bg } });

const cases: Case[] = [
  { id: 'zero-byte', file: 'img/zero.jpg', bytes: async () => Buffer.alloc(0), expect: 'failed', reason: /empty/ },
  { id: 'truncated-jpeg', file: 'img/trunc.jpg', bytes: async () => real.subarray(0, Math.floor(real.length * 0.5)), expect: 'failed', reason: /decode|readable|truncat|premature/i },
  { id: 'truncated-png', file: 'img/trunc.png', bytes: async () => (await sharp(real).png().toBuffer()).subarray(0, 2000), expect: 'failed', reason: /decode|readable|truncat|premature|end/i },
  { id: 'corrupt-jpeg', file: 'img/corrupt.jpg', bytes: async () => Buffer.concat([real.subarray(0, 200), Buffer.alloc(5000, 0x55)]), expect: 'failed', reason: /decode|readable|corrupt/i },
  { id: 'corrupt-png-data', file: 'img/crc.png', bytes: async () => { const b = Buffer.from(await sharp(real).png().toBuffer()); const at = Math.floor(b.length * 0.6); b.fill(0xaa, at, at + 64); return b; }, expect: 'failed', reason: /decode|readable|crc|corrupt|inflate|data/i },
  { id: 'png-named-jpg', file: 'img/png.jpg', bytes: () => sharp(real).png().toBuffer(), expect: 'ok' },
  { id: 'jpeg-named-png', file: 'img/jpeg.png', bytes: async () => real, expect: 'ok' },
  { id: 'html-as-jpg', file: 'img/page.jpg', bytes: async () => Buffer.from('<!doctype html><html><body>hello</body></html>'), expect: 'failed', reason: /not a readable image|unsupported/ },
  { id: 'svg-as-png', file: 'img/vector.png', bytes: async () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="300" height="450"><rect width="300" height="450" fill="red"/></svg>'), expect: 'failed', reason: /unsupported image format svg/ },
  { id: 'text-as-jpg', file: 'img/notes.jpg', bytes: async () => Buffer.from('just some notes\n'.repeat(50)), expect: 'failed', reason: /not a readable image/ },
  { id: 'animated-gif', file: 'img/anim.gif', bytes: () => sharp(Buffer.concat([readFileSync(join(POSTERS, `${spreadRows(1, 51)[0]!.id}.jpg`))])).resize(100, 150).gif().toBuffer().then(async (f1) => sharp([f1, await img(100, 150).gif().toBuffer()], { join: { animated: true } }).gif().toBuffer()), expect: 'ok' },
  { id: 'animated-webp', file: 'img/anim.webp', bytes: async () => sharp([await img(100, 150).png().toBuffer(), await img(100, 150, 3, { r: 0, g: 0, b: 200 }).png().toBuffer()], { join: { animated: true } }).webp().toBuffer(), expect: 'ok' },
  { id: 'cmyk-jpeg', file: 'img/cmyk.jpg', bytes: () => sharp(real).toColourspace('cmyk').jpeg().toBuffer(), expect: 'ok' },
  { id: '16-bit-png', file: 'img/deep.png', bytes: () => sharp(real).toColourspace('rgb16').png().toBuffer(), expect: 'ok' },
  { id: 'greyscale-png', file: 'img/grey.png', bytes: () => sharp(real).greyscale().png().toBuffer(), expect: 'ok' },
  { id: 'decompression-bomb', file: 'img/bomb.png', bytes: () => img(9000, 6000).png({ compressionLevel: 9 }).toBuffer(), expect: 'failed', reason: /pixel limit/ },
  { id: 'tiny', file: 'img/tiny.png', bytes: () => img(20, 30).png().toBuffer(), expect: 'failed', reason: /smaller than the 32-pixel minimum/ },
  { id: 'one-pixel-gif', file: 'img/pixel.gif', bytes: () => img(1, 1).gif().toBuffer(), expect: 'failed', reason: /smaller than/ },
  { id: 'transparent-png', file: 'img/alpha.png', bytes: () => img(200, 300, 4).png().toBuffer(), expect: 'ok' },
  { id: 'exif-rotated', file: 'img/rotated.jpg', bytes: () => sharp(real).resize(200, 300).withMetadata({ orientation: 6 }).jpeg().toBuffer(), expect: 'ok', check: (m) => expect([m.width, m.height]).toEqual([300, 200]) },
  { id: 'tiff', file: 'img/poster.tiff', bytes: () => sharp(real).tiff().toBuffer(), expect: 'ok' },
  { id: 'bmp', file: 'img/poster.bmp', bytes: async () => { const b = Buffer.alloc(54 + 64 * 96 * 3); b.write('BM'); b.writeUInt32LE(b.length, 2); b.writeUInt32LE(54, 10); b.writeUInt32LE(40, 14); b.writeInt32LE(64, 18); b.writeInt32LE(96, 22); b.writeUInt16LE(1, 26); b.writeUInt16LE(24, 28); return b; }, expect: 'failed', reason: /not a readable image|unsupported/ },
  { id: 'folder-as-poster', file: 'img/folder.jpg', expect: 'failed', reason: /is a folder/ },
  { id: 'signature-only-png', file: 'img/sig.png', bytes: async () => Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), expect: 'failed', reason: /not a readable image|decode/ },
  // Catalog rows
  { id: '', row: { title: 'No id' }, expect: 'skipped', reason: /missing id/ },
  { id: 'dup', row: { title: 'First' }, expect: 'ok' },
  { id: 'dup', row: { title: 'Second' }, expect: 'skipped', reason: /duplicate id dup/ },
  { id: 'bad-year', row: { year: '19x5' }, expect: 'ok', check: (m) => expect(m.year).toBeNull() },
  { id: 'future-year', row: { year: '3000' }, expect: 'ok', check: (m) => expect(m.year).toBeNull() },
  { id: 'date-year', row: { year: '1995-10-30' }, expect: 'ok', check: (m) => expect(m.year).toBe(1995) },
  { id: 'quotes-newlines', row: { overview: 'He said "run",\nthen, after a pause,\n"hide".' }, expect: 'ok', check: (m) => expect(m.overview).toBe('He said "run",\nthen, after a pause,\n"hide".') },
  { id: 'mojibake', row: { title: 'CafÃ© de Flore' }, expect: 'ok', check: (m) => expect(m.title).toBe('Café de Flore') },
  { id: 'control-chars', row: { title: 'Bell\u0007 and\u0000 nul' }, expect: 'ok', check: (m) => expect(m.title).toBe('Bell and nul') },
  { id: 'messy-genres', row: { genres: 'Drama|Drama| Comedy |' }, expect: 'ok', check: (m) => expect(JSON.parse(m.genres as string)).toEqual(['Drama', 'Comedy']) },
  { id: 'lower-countries', row: { countries: 'us|gb' }, expect: 'ok', check: (m) => expect(JSON.parse(m.countries as string)).toEqual(['US', 'GB']) },
  { id: 'escape', row: { poster: '../../etc/passwd' }, expect: 'failed', reason: /outside the catalog folder/ },
  { id: 'absolute', row: { poster: '/etc/passwd' }, expect: 'failed', reason: /is absolute/ },
  { id: 'missing-file', row: { poster: 'img/nope.jpg' }, expect: 'failed', reason: /does not exist/ },
  { id: 'default-poster-path', row: { poster: '' }, expect: 'failed', reason: /does not exist/ },
  { id: 'extra-column', row: { mood: 'gloomy' }, expect: 'ok', check: (m) => expect(JSON.parse(m.extra as string)).toMatchObject({ mood: 'gloomy' }) },
  { id: 'latin1-row', row: { title: 'Amélie à Paris', overview: 'Ça commence en été.' }, latin1: true, expect: 'warned', reason: /not valid UTF-8; read as Windows-1252/, check: (m) => expect([m.title, m.overview]).toEqual(['Amélie à Paris', 'Ça commence en été.']) },
  { id: 'short-row', rawLine: 'short-row,Only Two Fields', expect: 'failed', reason: /posters\/short-row\.jpg|does not exist/, check: (m) => expect([m.title, m.year]).toEqual(['Only Two Fields', null]) },
  { id: 'very-long-id-'.padEnd(260, 'x'), row: {}, expect: 'skipped', reason: /longer than 200/ },
];

const header = ['id', 'title', 'year', 'genres', 'countries', 'overview', 'poster', 'mood'];
const csvCell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
let summary: Record<string, unknown>;
let problems: { item: string; file: string | null; reason: string }[];

beforeAll(async () => {
  const lines: Buffer[] = [Buffer.from(`\uFEFF${header.join(',')}`)];
  const good = real;
  writeFileSync(join(dir, 'img', 'good.jpg'), good);
  for (const c of cases) {
    if (c.file && c.bytes) writeFileSync(join(dir, c.file), await c.bytes());
    if (c.id === 'folder-as-poster') mkdirSync(join(dir, c.file!));
    const row: Record<string, string> = { id: c.id, title: c.id || 'untitled', year: '1990', genres: 'Drama', countries: 'US', overview: '', poster: c.file ?? 'img/good.jpg', mood: '', ...c.row };
    const line = c.rawLine ?? header.map((h) => csvCell(row[h] ?? '')).join(',');
    lines.push(Buffer.from(line, c.latin1 ? 'latin1' : 'utf8'));
  }
  writeFileSync(join(dir, 'movies.csv'), Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\r\n')])));
  const r = runCli(['index', dir, '--no-ocr', '--db', db, '--json', '--no-text']);
  expect(r.code, r.stderr).toBe(0);
  summary = jsonLines(r.stdout).at(-1)!;
  problems = summary.problems as typeof problems;
});

describe(`bad input corpus (${cases.length} cases)`, () => {
  it('has at least 40 cases', () => expect(cases.length).toBeGreaterThanOrEqual(40));
  for (const c of cases) {
    it(`${c.id || '(no id)'}: ${c.expect}`, () => {
      const line = c.id ? `(id ${c.id})` : 'no id';
      // Problems name the catalog line and the movie id.
      const problem =
        c.expect === 'skipped' && c.id !== 'dup'
          ? problems.find((p) => c.reason!.test(p.reason))
          : problems.find((p) => p.item.endsWith(`(id ${c.id})`) && c.row?.title !== 'First');
      const lib = new Database(db, { readonly: true });
      const movie = lib.prepare('SELECT m.*, p.width, p.height, p.thumbnail FROM movies m LEFT JOIN posters p ON p.movie_key = m.key WHERE m.id = ?').get(c.id) as Record<string, unknown> | undefined;
      lib.close();
      if (c.expect === 'ok' || c.expect === 'warned') {
        if (c.expect === 'ok') expect(problem, JSON.stringify(problem)).toBeUndefined();
        else {
          expect(problem!.item).toMatch(new RegExp(`^movies\\.csv:\\d+ \\(id ${c.id}\\)$`));
          expect(problem!.reason).toMatch(c.reason!);
        }
        expect(movie).toBeDefined();
        if (c.id !== 'dup' && !c.rawLine) expect(movie!.thumbnail).toBeTruthy();
        c.check?.(movie!);
      } else {
        expect(problem, `no problem reported for ${line}`).toBeDefined();
        expect(problem!.item).toMatch(/^movies\.csv:\d+/);
        expect(problem!.reason).toMatch(c.reason!);
        if (c.expect === 'failed') {
          expect(problem!.file).toBeTruthy();
          if (c.check) c.check(movie!);
          expect(movie?.thumbnail ?? null).toBeNull(); // metadata kept, no poster
        }
        if (c.expect === 'skipped' && c.id && c.id !== 'dup') expect(movie).toBeUndefined();
      }
    });
  }
  it('the summary counts match the corpus, and the transparent poster is flattened on white', async () => {
    expect(summary.skipped).toBe(cases.filter((c) => c.expect === 'skipped').length);
    expect(summary.failed).toBe(cases.filter((c) => c.expect === 'failed').length);
    const lib = new Database(db, { readonly: true });
    const thumb = (lib.prepare("SELECT p.thumbnail FROM posters p JOIN movies m ON m.key = p.movie_key WHERE m.id = 'transparent-png'").get() as { thumbnail: Buffer }).thumbnail;
    lib.close();
    const { data } = await sharp(thumb).raw().toBuffer({ resolveWithObject: true });
    expect([data[0], data[1], data[2]].every((v) => v! > 245)).toBe(true);
  });
});

describe('catalog files that cannot be read at all', () => {
  const indexCsv = (csv: string | Buffer) => {
    const d = tempDir();
    writeFileSync(join(d, 'movies.csv'), csv);
    const r = runCli(['index', d, '--no-ocr', '--db', join(tempDir(), 'lib.db'), '--json', '--no-text']);
    return { code: r.code, summary: jsonLines(r.stdout).at(-1)! as { problems: { item: string; reason: string }[]; skipped: number } };
  };
  it('a header without an id column is one clear problem, not one per row', () => {
    const { summary } = indexCsv('title,year\nAlien,1979\nHeat,1995\n');
    expect(summary.problems).toHaveLength(1);
    expect(summary.problems[0]!.item).toBe('movies.csv');
    expect(summary.problems[0]!.reason).toMatch(/no "id" column \(found: title, year\)/);
  });
  it('a header naming a column twice is refused', () => {
    const { summary } = indexCsv('id,title,Title\n1,a,b\n');
    expect(summary.problems[0]!.reason).toMatch(/column "title" twice/);
  });
  it('JSONL lines in Latin-1 are read and reported by line', () => {
    const d = tempDir();
    writeFileSync(join(d, 'movies.jsonl'), Buffer.concat([Buffer.from('{"id":"a","title":"Plain"}\n'), Buffer.from('{"id":"b","title":"Pépé le Moko"}\n', 'latin1')]));
    const libPath = join(tempDir(), 'lib.db');
    const r = runCli(['index', d, '--no-ocr', '--db', libPath, '--json', '--no-text']);
    const summary = jsonLines(r.stdout).at(-1)! as { problems: { item: string; reason: string }[] };
    expect(summary.problems.find((p) => p.item === 'movies.jsonl:2 (id b)' && /not valid UTF-8/.test(p.reason))).toBeDefined();
    expect(summary.problems.find((p) => p.item.startsWith('movies.jsonl:1') && /UTF-8/.test(p.reason))).toBeUndefined();
    const lib = new Database(libPath, { readonly: true });
    expect((lib.prepare("SELECT title FROM movies WHERE id = 'b'").get() as { title: string }).title).toBe('Pépé le Moko');
    lib.close();
  });
});
