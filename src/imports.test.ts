/** No import cycles in src (madge over the TypeScript sources, type-only imports included). */
import { join } from 'node:path';
import madge from 'madge';
import { describe, expect, it } from 'vitest';

describe('imports', () => {
  it('form no cycle', async () => {
    const root = join(import.meta.dirname, '..');
    const graph = await madge(join(root, 'src'), { fileExtensions: ['ts'], tsConfig: join(root, 'tsconfig.json'), excludeRegExp: [/\.test\.ts$/] });
    expect(Object.keys(graph.obj()).length).toBeGreaterThan(100);
    expect(graph.circular()).toEqual([]);
  });
});
