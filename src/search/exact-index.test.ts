import { ExactIndex } from './exact-index.js';
import { filterResolver } from './index-factory.js';
import { vectorIndexConformance } from './vector-index.conformance.js';

vectorIndexConformance('exact', async (dim, rows, metric) => ({ index: new ExactIndex(dim, 4, filterResolver(async () => rows), metric), close: async () => undefined }), { exact: true });
