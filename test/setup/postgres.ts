/**
 * Vitest global setup: a real PostgreSQL server for the tests that run on both engines.
 * MARQUEE_TEST_PG (an admin URL; .ci/run sets it) is used as it is; otherwise a throw-away
 * cluster is started with scripts/pg-cluster.sh and stopped after the run. Each test file makes
 * its own database on it (src/store/postgres/databases.testkit.ts).
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

const script = resolve(import.meta.dirname, '../../scripts/pg-cluster.sh');

export default function setup(project: TestProject): () => void {
  const given = process.env.MARQUEE_TEST_PG;
  if (given) {
    project.provide('pgUrl', given);
    return () => undefined;
  }
  const [url, dir] = execFileSync(script, ['start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split(' ');
  project.provide('pgUrl', url!);
  return () => execFileSync(script, ['stop', dir!], { stdio: 'inherit' });
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
  }
}
