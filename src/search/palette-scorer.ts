/** Palette queries ("posters containing #0b3d4c and #e07a1f"), scored exactly over the colour descriptors. */
import { colorPresenceWeights, paletteContainment } from '../design/color-histogram.js';
import { hexToRgb, rgbToLab } from '../design/color-space.js';
import { COLOR_MODEL } from '../design/design-features.js';
import { COLOR_CHANNEL } from '../store/channels.js';
import type { Store } from '../store/store.js';
import { TopK } from './top-k.js';
import type { VectorHit } from '../store/vector-index.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'vectors'>;

export class PaletteScorer {
  private constructor(private readonly descriptors: Map<number, Float32Array>) {}

  static async load(library: StoreParts): Promise<PaletteScorer> {
    const m = new Map<number, Float32Array>();
    for (const e of await library.vectors.load(COLOR_CHANNEL, COLOR_MODEL, 'posters')) m.set(e.key, e.vector);
    return new PaletteScorer(m);
  }

  get keys(): number[] {
    return [...this.descriptors.keys()];
  }

  static weightsFor(colors: string[]): Float32Array[] {
    if (colors.length === 0) throw new Error('give at least one colour');
    if (colors.length > 8) throw new Error('give at most 8 colours');
    return colors.map((c) => colorPresenceWeights(rgbToLab(...hexToRgb(c))));
  }

  search(weights: Float32Array[], k: number, allow?: ReadonlySet<number>): VectorHit[] {
    const top = new TopK(k);
    for (const [key, d] of this.descriptors) if (!allow || allow.has(key)) top.push(key, paletteContainment(d, weights));
    return top.result();
  }

  scores(weights: Float32Array[], keys: number[]): Float32Array {
    return Float32Array.from(keys, (key) => {
      const d = this.descriptors.get(key);
      return d ? paletteContainment(d, weights) : NaN;
    });
  }
}
