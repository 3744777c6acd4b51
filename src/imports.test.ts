/**
 * The import graph of src (madge over the TypeScript sources, type-only imports included): no
 * cycle between files, and no folder importing a folder above it in src/layers.ts.
 */
import { join } from 'node:path';
import madge from 'madge';
import { beforeAll, describe, expect, it } from 'vitest';
import { LAYERS } from './layers.js';

describe('imports', () => {
  let graph: Awaited<ReturnType<typeof madge>>;
  beforeAll(async () => {
    const root = join(import.meta.dirname, '..');
    graph = await madge(join(root, 'src'), { fileExtensions: ['ts'], tsConfig: join(root, 'tsconfig.json'), excludeRegExp: [/\.test\.ts$/] });
  });

  it('form no cycle', () => {
    expect(Object.keys(graph.obj()).length).toBeGreaterThan(100);
    expect(graph.circular()).toEqual([]);
  });

  it('go from each folder only to itself and the folders below it', () => {
    const folders = new Set<string>();
    const upward: string[] = [];
    for (const [file, deps] of Object.entries(graph.obj())) {
      const from = file.split('/')[0]!;
      if (!file.includes('/')) continue;
      folders.add(from);
      for (const dep of deps) {
        const to = dep.split('/')[0]!;
        if (dep.includes('/') && LAYERS.indexOf(to as (typeof LAYERS)[number]) > LAYERS.indexOf(from as (typeof LAYERS)[number])) upward.push(`${file} -> ${dep}`);
      }
    }
    // Every folder has its place (a new one must be given one).
    expect([...folders].filter((f) => !(LAYERS as readonly string[]).includes(f))).toEqual([]);
    expect(upward).toEqual([]);
  });
});
