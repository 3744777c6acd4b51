/**
 * Cluster labels from a dual encoder (CLIP-style): each cluster's mean image vector, taken from
 * the library's dual encoder whichever model laid the map out, is compared with a list of prompts
 * embedded by its text tower; the best prompt (with its softmax probability at the model's logit
 * scale) names what the cluster's posters show ("a face in close-up", "a crowd", "typography only").
 */
import { readFileSync } from 'node:fs';
import { dualEncoderOf, readImageModels, refOf } from '../store/library-models.js';
import { readImageModelManifest } from '../models/manifest.js';
import { loadTextTower } from '../models/registry.js';
import type { Store } from '../store/store.js';
import { dot, l2normalize } from '../util/vectors.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'library' | 'location' | 'vectors'>;

/** The default prompts: what poster designs are made of. `marquee atlas build --prompts <file>` replaces them (one per line). */
export const DEFAULT_PROMPTS = [
  'a poster with a face in close-up',
  'a poster with two faces',
  'a poster with a crowd of people',
  'a poster with a landscape',
  'a poster with a city skyline',
  'a poster with a car or a vehicle',
  'a poster with a weapon',
  'a poster with an explosion or fire',
  'a poster with an animal',
  'a cartoon poster',
  'a poster with typography only',
  'a black and white poster',
  'a poster with a couple embracing',
  'a poster of outer space',
  'a poster with a monster',
  'a poster with a dark silhouette',
];

export interface PromptLabel {
  prompt: string;
  /** Softmax probability of the prompt among all prompts, at the model's logit scale. */
  p: number;
}

/** Prompts from a file: one per line, blank lines and #comments skipped. */
export function readPrompts(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: cannot read the prompts (${(err as Error).message})`);
  }
  const prompts = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (prompts.length < 2) throw new Error(`${file}: give at least two prompts, one per line`);
  return prompts;
}

/** The best prompt of each cluster (`members`: movie keys), or undefined when the library has no dual encoder. */
export async function promptLabels(library: StoreParts, members: number[][], prompts: string[] = DEFAULT_PROMPTS): Promise<PromptLabel[] | undefined> {
  const dual = dualEncoderOf(await readImageModels(library));
  if (!dual) return undefined;
  const vectors = new Map((await library.vectors.load(dual.channel, refOf(dual))).map((e) => [e.key, e.vector]));
  const tower = await loadTextTower(dual.spec);
  let texts: Float32Array[];
  try {
    texts = await tower.embedBatch(prompts);
  } finally {
    await tower.close();
  }
  const scale = readImageModelManifest(dual.spec).logitScale ?? 100;
  return members.map((keys) => {
    const mean = new Float32Array(dual.dimension);
    for (const k of keys) {
      const v = vectors.get(k);
      if (!v) continue;
      const n = Math.sqrt(dot(v, v)) || 1;
      for (let i = 0; i < mean.length; i++) mean[i]! += v[i]! / n;
    }
    const centroid = l2normalize(mean);
    const logits = texts.map((t) => scale * dot(centroid, t));
    const top = Math.max(...logits);
    const exp = logits.map((l) => Math.exp(l - top));
    const sum = exp.reduce((a, b) => a + b, 0);
    const best = logits.indexOf(top);
    return { prompt: prompts[best]!, p: Math.round((exp[best]! / sum) * 1000) / 1000 };
  });
}
