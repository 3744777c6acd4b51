import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { LibraryChanges } from './library-changes.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function library(): Promise<{ file: string; store: SqliteStore }> {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-changes-'));
  dirs.push(dir);
  const file = join(dir, 'lib.db');
  return { file, store: await SqliteStore.open(file, { create: true }) };
}

describe('LibraryChanges', () => {
  it('names the areas this process wrote when asked, and nothing when nothing was written', async () => {
    const { store } = await library();
    const changes = await LibraryChanges.watch(store, 60_000);
    const heard: string[][] = [];
    changes.onChange((c) => heard.push([...c].sort()));
    try {
      expect([...(await changes.check())]).toEqual([]);
      await store.genreModels.put('poster', { method: 'prior' }, null);
      expect([...(await changes.check())]).toEqual(['genre-model']);
      expect([...(await changes.check())]).toEqual([]);
      expect(heard).toEqual([['genre-model']]);
    } finally {
      await changes.close();
      await store.close();
    }
  });

  it("hears another process's write by itself, within a poll", async () => {
    const { file, store } = await library();
    const changes = await LibraryChanges.watch(store, 200);
    const heard: string[] = [];
    changes.onChange((c) => heard.push(...c));
    const other = await SqliteStore.open(file, { create: false });
    try {
      await other.genreModels.put('poster', { method: 'prior' }, null);
      const until = Date.now() + 5000;
      while (heard.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(heard).toEqual(['genre-model']);
    } finally {
      await other.close();
      await changes.close();
      await store.close();
    }
  });
});
