/** "Same face" scoring: a poster's score is 1 - the smallest distance between a query face and one of its faces. */
import type { Store } from '../store/store.js';
import { TopK } from './top-k.js';
import type { VectorHit } from '../store/vector-index.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'faces'>;

export class FaceScorer {
  private constructor(private readonly byKey: Map<number, Float32Array[]>) {}

  static async load(library: StoreParts): Promise<FaceScorer> {
    const m = new Map<number, Float32Array[]>();
    for (const f of await library.faces.allDescriptors('posters')) m.set(f.key, [...(m.get(f.key) ?? []), f.descriptor]);
    return new FaceScorer(m);
  }

  get keys(): number[] {
    return [...this.byKey.keys()];
  }

  get size(): number {
    return this.byKey.size;
  }

  score(query: Float32Array[], key: number): number {
    const faces = this.byKey.get(key);
    if (!faces || query.length === 0) return NaN;
    let best = Infinity;
    for (const q of query)
      for (const f of faces) {
        let d = 0;
        for (let i = 0; i < q.length; i++) d += (q[i]! - f[i]!) ** 2;
        best = Math.min(best, Math.sqrt(d));
      }
    return 1 - best;
  }

  search(query: Float32Array[], k: number, allow: ReadonlySet<number> | undefined, exclude: ReadonlySet<number>): VectorHit[] {
    const top = new TopK(k);
    for (const key of this.byKey.keys()) if ((!allow || allow.has(key)) && !exclude.has(key)) top.push(key, this.score(query, key));
    return top.result();
  }

  scores(query: Float32Array[], keys: number[]): Float32Array {
    return Float32Array.from(keys, (k) => this.score(query, k));
  }
}
