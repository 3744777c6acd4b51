/**
 * Which image models a library holds, in order (the first is the default every query and
 * analysis uses unless told otherwise), each with the channel its vectors live in. Kept in the
 * library's meta as `image_models`; libraries made before several models existed hold only
 * `image_model` (+ `image_model_spec`) and read as one model on the `content` channel.
 *
 * `planImageModels` decides what an index run does with the models it is given, as a pure
 * function: models named and already held keep their vectors (no re-embedding, in any order),
 * new ones get their own channel, and a held model that is not named is an error unless it is
 * dropped explicitly — an index run never deletes vectors the user did not name.
 */
import { contentChannelFor, CONTENT_CHANNEL } from './channels.js';
import type { Store } from './store.js';
import type { ModelRef } from './types.js';
import { MarqueeError } from '../util/errors.js';
import { isMetric, type Metric } from '../util/metric.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'library' | 'location'>;

export interface LibraryImageModel {
  id: string;
  version: string;
  dimension: number;
  metric: Metric;
  normalize: boolean;
  /** How to load it again: a built-in id or a manifest path. */
  spec: string;
  /** The vector channel of its content vectors. */
  channel: string;
  /** Whether its weights come with Marquee (a new version then re-embeds instead of failing). */
  builtIn: boolean;
  /** A dual encoder: its manifest has a text tower (text finds posters by what they show). */
  textTower?: boolean;
}

/** A model an index run was asked for, loaded. */
export interface RequestedModel {
  spec: string;
  builtIn: boolean;
  textTower?: boolean;
  model: { id: string; version: string; dimension: number; metric: Metric; normalize: boolean };
}

const META_KEY = 'image_models';

/** The ModelRef of a library model (what the store's vector methods take). */
export function refOf(m: LibraryImageModel): ModelRef {
  return { id: m.id, version: m.version, dimension: m.dimension, metric: m.metric };
}

export async function readImageModels(store: StoreParts): Promise<LibraryImageModel[]> {
  const list = await store.library.getMeta(META_KEY);
  if (list) {
    const parsed = JSON.parse(list) as LibraryImageModel[];
    if (!Array.isArray(parsed) || parsed.some((m) => typeof m.id !== 'string' || typeof m.channel !== 'string' || !isMetric(m.metric)))
      throw new MarqueeError('corrupt', `library ${store.location}: meta ${META_KEY} is not a list of models`);
    return parsed;
  }
  const legacy = await store.library.getMeta('image_model');
  if (!legacy) return [];
  const ref = JSON.parse(legacy) as ModelRef;
  const spec = (await store.library.getMeta('image_model_spec')) ?? ref.id;
  return [{ id: ref.id, version: ref.version, dimension: ref.dimension, metric: 'cosine', normalize: true, spec, channel: CONTENT_CHANNEL, builtIn: !spec.endsWith('.json') }];
}

/** Records the library's models; `image_model`/`image_model_spec` keep naming the default for older readers. */
export async function writeImageModels(store: StoreParts, models: LibraryImageModel[]): Promise<void> {
  await store.library.setMeta(META_KEY, JSON.stringify(models));
  const first = models[0];
  if (first) {
    await store.library.setMeta('image_model', JSON.stringify(refOf(first)));
    await store.library.setMeta('image_model_spec', first.spec);
  }
}

/** The library's default image model (its first), or undefined when nothing was indexed. */
export async function defaultImageModel(store: StoreParts): Promise<LibraryImageModel | undefined> {
  return (await readImageModels(store))[0];
}

/** The library's first dual encoder (an image model with a text tower), if any. */
export function dualEncoderOf(models: LibraryImageModel[]): LibraryImageModel | undefined {
  return models.find((m) => m.textTower);
}

/** The model a query or analysis names (by id), or the default; a clear error naming the ones held. `where`: "library x.db", "this library". */
export function pickImageModel(models: LibraryImageModel[], id: string | undefined, where: string): LibraryImageModel {
  if (models.length === 0) throw new MarqueeError('bad_query', `${where} has no indexed posters yet: run "marquee index <catalog>" first`);
  if (id === undefined || id === '') return models[0]!;
  const m = models.find((x) => x.id === id);
  if (!m) throw new MarqueeError('unknown_model', `${where} holds no vectors of image model "${id}": it holds ${models.map((x) => `"${x.id}"`).join(', ')}`);
  return m;
}

export interface ModelPlan {
  /** The library's models after the run, in order. */
  models: LibraryImageModel[];
  /** Models held before and not kept: their vectors are deleted. */
  dropped: LibraryImageModel[];
}

/**
 * What an index run does with its models. `requested` undefined: the library's own models (or
 * `fallback` for a new library). `drop`: ids whose vectors the user asked to delete.
 */
export function planImageModels(held: LibraryImageModel[], requested: RequestedModel[] | undefined, drop: string[], where: string): ModelPlan {
  for (const id of drop)
    if (!held.some((m) => m.id === id)) throw new MarqueeError('unknown_model', `--drop-model ${id}: library ${where} holds no model "${id}"${held.length ? ` (it holds ${held.map((m) => `"${m.id}"`).join(', ')})` : ''}`);
  const dropped = held.filter((m) => drop.includes(m.id));
  const kept = held.filter((m) => !drop.includes(m.id));
  if (!requested) return { models: kept, dropped };
  const ids = requested.map((r) => r.model.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) throw new MarqueeError('unknown_model', `image model "${twice}" is named twice: each --model must be a different model`);
  const missing = kept.filter((m) => !ids.includes(m.id));
  if (missing.length)
    throw new MarqueeError(
      'unknown_model',
      `library ${where} also holds vectors of ${missing.map((m) => `"${m.id}"`).join(', ')}: name ${missing.length > 1 ? 'them' : 'it'} with --model (${missing.map((m) => m.spec).join(', ')}) to keep ${missing.length > 1 ? 'them' : 'it'}, or pass --drop-model ${missing[0]!.id} to delete ${missing.length > 1 ? 'their' : 'its'} vectors`,
    );
  const channelTaken = (c: string): boolean => kept.some((m) => m.channel === c) || dropped.some((m) => m.channel === c);
  let firstChannelFree = !channelTaken(CONTENT_CHANNEL);
  const models = requested.map((r): LibraryImageModel => {
    const before = kept.find((m) => m.id === r.model.id);
    if (before && before.version !== r.model.version && !r.builtIn)
      throw new MarqueeError(
        'unknown_model',
        `image model "${r.model.id}" is already in library ${where} with other weights (version ${before.version}, now ${r.model.version}): give the new model another id, or pass --drop-model ${r.model.id} to replace its vectors`,
      );
    if (before && before.dimension !== r.model.dimension && before.version === r.model.version)
      throw new MarqueeError('unknown_model', `image model "${r.model.id}" says ${r.model.dimension} dimensions but the library holds ${before.dimension}-d vectors of the same version`);
    let channel = before?.channel;
    if (!channel) {
      channel = contentChannelFor(r.model.id, firstChannelFree);
      firstChannelFree = false;
    }
    const { id, version, dimension, metric, normalize } = r.model;
    return { id, version, dimension, metric, normalize, spec: r.spec, channel, builtIn: r.builtIn, ...(r.textTower ? { textTower: true } : {}) };
  });
  return { models, dropped };
}

/** The library's default image model as "id@version" ('unknown' without one): what stored builds of its vectors (the stills map, the stored match) record. */
export async function defaultModelKey(store: StoreParts): Promise<string> {
  const m = await defaultImageModel(store);
  return m ? `${m.id}@${m.version}` : 'unknown';
}
