#!/usr/bin/env node
// Builds dist/ (npm run build) unless it is newer than every source: `npm ci` has just built it in
// CI, and `npm test` used to build it a second time (36 s on 2 cores, 2026-12-07). Sources are the
// files and folders (a deleted file moves its folder's time) of src/, web/, and the build's own
// configuration; the build writes dist/.build-stamp last, so an interrupted build is stale, and the
// web bundle (dist-web/) must be there too. Not seen: a source edited while a build runs, or files
// copied with their old times (cp -p): `npm run build` then.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = ['src', 'web', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.web.json', 'vite.config.ts'];
const STAMP = 'dist/.build-stamp';

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) if (entry !== 'node_modules' && entry !== 'dist') latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const built = existsSync(STAMP) ? statSync(STAMP).mtimeMs : 0;
const changed = Math.max(...SOURCES.map(newest));
if (built > changed && existsSync('dist-web/index.html')) console.log('dist/ is newer than every source: not rebuilt');
else execSync('npm run build', { stdio: 'inherit' });
