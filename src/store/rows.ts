/** Row shapes both engines return alike (same column names, numbers and blobs), mapped to records once. */
import type { DetectedFace } from '../models/face-model.js';
import { fromBlob } from './blob.js';
import type { AtlasPoint } from './types.js';

type Row = Record<string, unknown>;

export function rowToAtlasPoint(r: Row): AtlasPoint {
  return {
    key: r.movie_key as number,
    pca: [r.pca_x as number, r.pca_y as number],
    umap: [r.umap_x as number, r.umap_y as number],
    tsne: [r.tsne_x as number, r.tsne_y as number],
    cell: r.cell as number,
    cluster: r.cluster as number,
    placed: r.placed as AtlasPoint['placed'],
  };
}

export function rowToFace(r: Row): DetectedFace {
  return {
    box: { x: r.x as number, y: r.y as number, width: r.width as number, height: r.height as number },
    score: r.score as number,
    descriptor: fromBlob(r.descriptor as Buffer),
  };
}
