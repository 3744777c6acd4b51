import { describe, expect, it } from 'vitest';
import { ExactIndex } from './exact-index.js';
import { DEFAULT_HNSW, HnswIndex } from './hnsw-index.js';
import { filterResolver } from './index-factory.js';
import { conformanceData, vectorIndexConformance } from './vector-index.conformance.js';

vectorIndexConformance('hnsw', async (dim, rows, metric) => ({ index: new HnswIndex(dim, 16, DEFAULT_HNSW, filterResolver(async () => rows), metric), close: async () => undefined }), { exact: false });

describe('HnswIndex at 5,000 vectors', () => {
  it('reaches recall@10 >= 0.95 against exact search', async () => {
    const dim = 64;
    const { vectors } = conformanceData(5000, dim, 7, 50);
    const entries = vectors.map((vector, i) => ({ key: i + 1, vector }));
    const hnsw = new HnswIndex(dim, 1000);
    const exact = new ExactIndex(dim, 5000);
    await hnsw.upsert(entries);
    await exact.upsert(entries);
    let found = 0;
    const queries = conformanceData(50, dim, 99, 50).vectors;
    for (const q of queries) {
      const truth = new Set((await exact.search(q, 10)).map((h) => h.key));
      found += (await hnsw.search(q, 10)).filter((h) => truth.has(h.key)).length;
    }
    expect(found / (queries.length * 10)).toBeGreaterThanOrEqual(0.95);
  });
});
