/**
 * Posters and stills in an S3-compatible bucket (issue 30 item 2): a local S3 server (s3rver, on a
 * loopback port) holds the images, the catalogs name them `s3://bucket/key`, and `marquee index`
 * reads them with the AWS SDK v3 and credentials from the environment, as from AWS, MinIO or R2.
 * The library must be the one the same images on disk give; the server pipes a poster from the
 * bucket; a missing object is a failure naming it, never a lost or half-written movie.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalS3, type LocalS3Server } from '../../dist/image/s3-server.js';
import { accessConfigFromEnv } from '../../dist/server/access.js';
import { buildServer } from '../../dist/server/app.js';
import { openStore } from '../../dist/store/open-store.js';
import type { Store } from '../../dist/store/store.js';
import { freshLibrary } from '../engines.js';
import { jsonLines, makeCatalog, POSTERS, ROOT, runCli, spreadRows, tempDir, type CatalogRow } from '../helpers.js';

const STILLS = resolve(ROOT, '../shared/stills');
const rows = spreadRows(8, 19);
const FILMS = ['frozen', 'gravity'];
const FRAMES = 6;
let server: LocalS3Server;
let s3: S3Client;
let env: Record<string, string>;
const dir = tempDir();
const s3Dir = mkdtempSync(join(tmpdir(), 'marquee-s3rver-'));

beforeAll(async () => {
  server = await startLocalS3(s3Dir);
  env = server.env;
  // The server in this process reads the bucket through the same variables a deployment sets.
  Object.assign(process.env, env);
  s3 = server.client;
  await s3.send(new CreateBucketCommand({ Bucket: 'posters' }));
  await s3.send(new CreateBucketCommand({ Bucket: 'stills' }));
  await s3.send(new CreateBucketCommand({ Bucket: 'uploads' }));
  for (const r of rows) await s3.send(new PutObjectCommand({ Bucket: 'posters', Key: `catalog/${r.id}.jpg`, Body: readFileSync(join(POSTERS, `${r.id}.jpg`)), ContentType: 'image/jpeg' }));
  for (const slug of FILMS)
    for (let i = 1; i <= FRAMES; i++) {
      const name = `${String(i).padStart(3, '0')}.jpg`;
      await s3.send(new PutObjectCommand({ Bucket: 'stills', Key: `${slug}/${name}`, Body: readFileSync(join(STILLS, slug, name)) }));
    }
}, 120_000);

afterAll(async () => {
  await server?.stop();
  rmSync(s3Dir, { recursive: true, force: true });
});

/** Every image vector of a library by movie id and channel, with the posters' paths and hashes. */
function contents(db: string): { vectors: Map<string, Buffer>; posters: Map<string, { path: string; hash: string }> } {
  const lib = new Database(db, { readonly: true });
  try {
    const vectors = new Map(
      (lib.prepare("SELECT m.id, v.channel, v.data FROM vectors v JOIN posters p ON p.key = v.subject_key JOIN movies m ON m.key = p.movie_key WHERE v.channel <> 'text'").all() as { id: string; channel: string; data: Buffer }[]).map((r) => [`${r.id}/${r.channel}`, r.data]),
    );
    const posters = new Map((lib.prepare('SELECT m.id, p.path, p.content_hash AS hash FROM posters p JOIN movies m ON m.key = p.movie_key').all() as { id: string; path: string; hash: string }[]).map((r) => [r.id, { path: r.path, hash: r.hash }]));
    return { vectors, posters };
  } finally {
    lib.close();
  }
}

describe('images in an S3-compatible bucket', () => {
  const inBucket: CatalogRow[] = [...rows.map((r) => ({ ...r, poster: `s3://posters/catalog/${r.id}.jpg` })), { ...rows[0]!, id: 'not-in-bucket', title: 'Not In The Bucket', poster: 's3://posters/catalog/not-in-bucket.jpg' }];
  const bucketDb = join(dir, 'bucket.db');
  const localDb = join(dir, 'local.db');

  it('indexes posters named s3://bucket/key into the same library the files on disk give, and names the missing object', () => {
    for (const d of ['bucket-catalog', 'local-catalog', 'one']) mkdirSync(join(dir, d));
    const r = runCli(['index', makeCatalog(inBucket, join(dir, 'bucket-catalog')), '--no-ocr', '--no-text', '--db', bucketDb, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const summary = jsonLines(r.stdout).at(-1)! as { problems: { item: string; reason: string }[] };
    expect(summary.problems).toEqual([expect.objectContaining({ item: expect.stringContaining('not-in-bucket'), reason: expect.stringContaining('object s3://posters/catalog/not-in-bucket.jpg does not exist') })]);
    expect(runCli(['index', makeCatalog(rows, join(dir, 'local-catalog')), '--no-ocr', '--no-text', '--db', localDb], {}).code).toBe(0);

    const bucket = contents(bucketDb);
    const local = contents(localDb);
    expect([...bucket.posters.keys()].sort()).toEqual(rows.map((r) => r.id!).sort());
    for (const r of rows) {
      expect(bucket.posters.get(r.id!)).toEqual({ path: `s3://posters/catalog/${r.id}.jpg`, hash: local.posters.get(r.id!)!.hash });
    }
    expect(bucket.vectors.size).toBe(local.vectors.size);
    for (const [k, v] of local.vectors) expect(bucket.vectors.get(k)?.equals(v), k).toBe(true);
  });

  it('says what is wrong when the bucket cannot be read: wrong credentials, an unreachable store', () => {
    // One poster in the bucket, one on disk: the run goes on past the one it cannot read.
    const catalog = makeCatalog([{ ...rows[0]!, poster: `s3://posters/catalog/${rows[0]!.id}.jpg` }, rows[1]!], join(dir, 'one'));
    const denied = runCli(['index', catalog, '--no-ocr', '--no-text', '--db', join(dir, 'denied.db'), '--json'], { ...env, AWS_ACCESS_KEY_ID: 'NOBODY' });
    expect(denied.code, denied.stderr).toBe(0);
    expect((jsonLines(denied.stdout).at(-1) as { problems: { reason: string }[] }).problems[0]?.reason).toMatch(/access to s3:\/\/posters\/catalog\/.* denied \(InvalidAccessKeyId/);
    const away = runCli(['index', catalog, '--no-ocr', '--no-text', '--db', join(dir, 'away.db'), '--json'], { ...env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', MARQUEE_S3_ATTEMPTS: '2' });
    expect(away.code, away.stderr).toBe(0);
    expect((jsonLines(away.stdout).at(-1) as { problems: { reason: string }[] }).problems[0]?.reason).toMatch(/cannot reach object storage for s3:\/\/posters.*ECONNREFUSED/);
  });

  describe('the server', () => {
    let library: Store;
    let app: FastifyInstance;
    let base = '';

    beforeAll(async () => {
      library = await openStore(bucketDb, { create: false });
      app = await buildServer({ library });
      base = await app.listen({ port: 0, host: '127.0.0.1' });
    });

    afterAll(async () => {
      await app?.close();
      await library?.close();
    });

    it('pipes a poster from its bucket, byte for byte, and answers 404 once the object is gone', async () => {
      const id = rows[2]!.id!;
      const res = await fetch(`${base}/api/movies/${id}/poster`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(join(POSTERS, `${id}.jpg`)))).toBe(true);
      await s3.send(new DeleteObjectCommand({ Bucket: 'posters', Key: `catalog/${id}.jpg` }));
      const gone = await fetch(`${base}/api/movies/${id}/poster`);
      expect(gone.status).toBe(404);
      expect(await gone.json()).toEqual({ error: { code: 'poster_missing', message: `the poster file of "${id}" is no longer in its bucket` } });
      // The stored thumbnail does not depend on the bucket.
      expect((await fetch(`${base}/api/movies/${id}/thumbnail`)).status).toBe(200);
    });
  });

  it('indexes a stills catalog whose stills.csv names frames in a bucket', () => {
    const stillsDir = join(dir, 'stills');
    mkdirSync(stillsDir);
    const lines = ['file,movie_id,title,year', ...FILMS.flatMap((slug) => Array.from({ length: FRAMES }, (_, i) => `s3://stills/${slug}/${String(i + 1).padStart(3, '0')}.jpg,${slug},${slug},2013`))];
    writeFileSync(join(stillsDir, 'stills.csv'), lines.join('\n') + '\n');
    const db = join(dir, 'stills.db');
    const r = runCli(['index', '--stills', stillsDir, '--db', db, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const lib = new Database(db, { readonly: true });
    try {
      const stills = lib.prepare('SELECT m.id, COUNT(*) AS n, MIN(s.path) AS first FROM stills s JOIN movies m ON m.key = s.movie_key GROUP BY m.id ORDER BY m.id').all();
      expect(stills).toEqual(FILMS.map((slug) => ({ id: slug, n: FRAMES, first: `s3://stills/${slug}/001.jpg` })));
    } finally {
      lib.close();
    }
  });
});

describe('uploads in a bucket (a PostgreSQL library several servers share)', () => {
  it('keeps a poster posted to the API as an object under MARQUEE_UPLOADS, serves it from there and deletes it with its movie', async () => {
    const token = 'object-storage-token-0123456789';
    const lib = await freshLibrary('postgres');
    mkdirSync(join(dir, 'two'));
    expect(runCli(['index', makeCatalog(rows.slice(0, 2), join(dir, 'two')), '--no-ocr', '--db', lib.db]).code).toBe(0);
    const before = process.env.MARQUEE_UPLOADS;
    process.env.MARQUEE_UPLOADS = 's3://uploads/marquee/';
    const library = await openStore(lib.db, { create: true });
    const app = await buildServer({ library, access: accessConfigFromEnv({ MARQUEE_TOKEN: token }) });
    try {
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      const row = rows[5]!;
      const bytes = readFileSync(join(POSTERS, `${row.id}.jpg`));
      const form = new FormData();
      form.append('movie', JSON.stringify({ id: 'uploaded', title: row.title, year: row.year }));
      form.append('poster', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), 'poster.jpg');
      const posted = await fetch(`${base}/api/movies`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
      expect(posted.status, await posted.clone().text()).toBeLessThan(300);
      const path = (await library.posters.mainFile('uploaded'))!.path;
      expect(path).toMatch(/^s3:\/\/uploads\/marquee\/[0-9a-f]{64}\.jpg$/);
      const key = path.slice('s3://uploads/'.length);
      const stored = await s3.send(new GetObjectCommand({ Bucket: 'uploads', Key: key }));
      expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(bytes)).toBe(true);
      const served = await fetch(`${base}/api/movies/uploaded/poster`);
      expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
      expect((await fetch(`${base}/api/movies/uploaded`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } })).status).toBeLessThan(300);
      await expect(s3.send(new GetObjectCommand({ Bucket: 'uploads', Key: key }))).rejects.toMatchObject({ name: 'NoSuchKey' });
    } finally {
      await app.close();
      await library.close();
      if (before === undefined) delete process.env.MARQUEE_UPLOADS;
      else process.env.MARQUEE_UPLOADS = before;
      await lib.drop();
    }
  });
});
