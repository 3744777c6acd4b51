/**
 * `npm run docs:api -- <library>`: writes docs/api.md from the OpenAPI document of a server over
 * the given library (any indexed library: the document does not depend on what it holds).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openStore } from '../store/open-store.js';
import { apiReference, type OpenApiDocument } from './api-reference.js';
import { buildServer } from './app.js';

const target = process.argv[2];
if (!target) throw new Error('usage: npm run docs:api -- <library (a file or postgres:// URL)>');
const library = await openStore(target, { create: false });
try {
  const app = await buildServer({ library, runJobs: false });
  await app.ready();
  writeFileSync(fileURLToPath(new URL('../../docs/api.md', import.meta.url)), apiReference(app.swagger() as unknown as OpenApiDocument));
  await app.close();
} finally {
  await library.close();
}
