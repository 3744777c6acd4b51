/**
 * `npm run bench -- object-storage`: stills indexing from local disk against the same stills in a
 * local S3-compatible server (issue 30's target: ≥ 0.8× the local rate). The demo stills (720
 * frames of 9 films) are uploaded to s3rver in a process of its own (../image/s3-server.ts) and
 * named by a stills.csv of s3:// locations; both catalogs are indexed into fresh libraries with one
 * loaded model, alternately twice (local, bucket, local, bucket), and the better run of each is
 * kept (a shared 2-core machine: ratios in one run).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse/sync';
import { startLocalS3 } from '../image/s3-server.js';
import { loadImageModel } from '../models/registry.js';
import { indexStills } from '../stills/index-stills.js';
import { openStore } from '../store/open-store.js';

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function benchObjectStorage(demoFolder: string, dir: string): Promise<Record<string, unknown>> {
  const movies = parse(readFileSync(join(demoFolder, 'movies.csv')), { columns: true, skip_empty_lines: true }) as { slug: string; title: string; year: string }[];
  const s3Dir = mkdtempSync(join(tmpdir(), 'marquee-bench-s3-'));
  const server = await startLocalS3(s3Dir);
  Object.assign(process.env, server.env);
  const { client } = server;
  const model = await loadImageModel();
  try {
    await client.send(new CreateBucketCommand({ Bucket: 'stills' }));
    const lines = ['file,movie_id,title,year'];
    const uploadT = performance.now();
    let stills = 0;
    for (const m of movies) {
      for (const f of readdirSync(join(demoFolder, m.slug)).filter((f) => f.endsWith('.jpg')).sort()) {
        await client.send(new PutObjectCommand({ Bucket: 'stills', Key: `${m.slug}/${f}`, Body: readFileSync(join(demoFolder, m.slug, f)) }));
        lines.push(`s3://stills/${m.slug}/${f},${m.slug},"${m.title.replace(/"/g, '""')}",${m.year}`);
        stills++;
      }
    }
    const uploadSeconds = (performance.now() - uploadT) / 1000;
    const bucketCatalog = join(dir, 'stills-in-bucket');
    rmSync(bucketCatalog, { recursive: true, force: true });
    mkdirSync(bucketCatalog);
    writeFileSync(join(bucketCatalog, 'stills.csv'), lines.join('\n') + '\n');

    const rate = async (folder: string, name: string) => {
      const db = join(dir, `${name}.db`);
      rmSync(db, { force: true });
      const library = await openStore(db, { create: true });
      try {
        const summary = await indexStills(folder, { library, imageModel: model });
        if (summary.indexed !== stills) throw new Error(`${name}: indexed ${summary.indexed} of ${stills} stills (${JSON.stringify(summary.problems.slice(0, 3))})`);
        return summary.indexed / summary.seconds;
      } finally {
        await library.close();
      }
    };
    const local: number[] = [];
    const bucket: number[] = [];
    for (let pass = 0; pass < 2; pass++) {
      process.stderr.write(`bench object-storage: pass ${pass + 1}, ${stills} stills from disk, then from the bucket...\n`);
      local.push(await rate(demoFolder, `local-${pass}`));
      bucket.push(await rate(bucketCatalog, `bucket-${pass}`));
    }
    const best = (xs: number[]) => Math.max(...xs);
    return {
      stills,
      uploadSeconds: round(uploadSeconds),
      localStillsPerSecond: local.map((x) => round(x)),
      bucketStillsPerSecond: bucket.map((x) => round(x)),
      bucketOverLocal: round(best(bucket) / best(local), 3),
    };
  } finally {
    await model.close();
    await server.stop();
    rmSync(s3Dir, { recursive: true, force: true });
  }
}
