/**
 * The image models of an index run, loaded: what `marquee index` was asked for, planned against
 * what the library holds (library-models.ts), or the library's own models for a worker, an
 * upload or a stills pass. Every model is loaded before anything is written, so a model that
 * cannot load or conflicts with the library changes nothing.
 */
import { BUILT_IN_IMAGE_MODELS, DEFAULT_IMAGE_MODEL, hasTextTower, loadImageModel, loadTextTower } from '../models/registry.js';
import { planImageModels, readImageModels, writeImageModels, type LibraryImageModel, type ModelPlan } from './library-models.js';
import type { ImageEmbeddingModel } from '../models/types.js';
import type { Store } from './store.js';
import { MarqueeError } from '../util/errors.js';
import type { ChannelModel } from '../models/types.js';

/** The parts of the library this module uses (consumers take only what they use). */
type StoreParts = Pick<Store, 'library' | 'location' | 'vectors'>;

/** Runs every loader; when one fails, closes the ones that loaded and throws its error. */
async function loadAll(loaders: (() => Promise<ImageEmbeddingModel>)[]): Promise<ImageEmbeddingModel[]> {
  const settled = await Promise.allSettled(loaders.map((load) => load()));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.allSettled(settled.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
    throw failed.reason;
  }
  return settled.map((r) => (r as PromiseFulfilledResult<ImageEmbeddingModel>).value);
}

export async function closeAll(models: ChannelModel[]): Promise<void> {
  await Promise.allSettled(models.map((m) => m.model.close()));
}

/**
 * Loads the models for `marquee index`: `specs` as given (undefined: the library's own, or the
 * default for a new library) minus `drop`, and plans them against the library. Nothing is written.
 */
export async function modelsForIndexRun(library: StoreParts, specs: string[] | undefined, drop: string[], threads?: number): Promise<{ plan: ModelPlan; loaded: ChannelModel[] }> {
  const held = await readImageModels(library);
  const wanted = specs ?? (held.length ? held.filter((m) => !drop.includes(m.id)).map((m) => m.spec) : [DEFAULT_IMAGE_MODEL]);
  const models = await loadAll(wanted.map((spec) => () => loadImageModel(spec, { threads })));
  try {
    const requested = models.map((model, i) => ({ spec: wanted[i]!, builtIn: BUILT_IN_IMAGE_MODELS.includes(wanted[i]!), textTower: hasTextTower(wanted[i]!), model }));
    // A dual encoder's text tower must load and run too, before anything is written.
    for (const r of requested.filter((x) => x.textTower)) {
      const tower = await loadTextTower(r.spec, { threads });
      try {
        await tower.embedBatch(['a poster']);
      } catch (err) {
        throw new MarqueeError('unknown_model', `model manifest ${r.spec}: ${(err as Error).message}`);
      } finally {
        await tower.close();
      }
    }
    const plan = planImageModels(held, requested, drop, library.location);
    if (plan.models.length === 0) throw new MarqueeError('unknown_model', `library ${library.location} would hold no image model: name one with --model`);
    return { plan, loaded: plan.models.map((m, i) => ({ model: models[i]!, channel: m.channel })) };
  } catch (err) {
    await Promise.allSettled(models.map((m) => m.close()));
    throw err;
  }
}

/** Deletes the vectors of dropped models and records the library's models (the run may start). */
export async function applyModelPlan(library: StoreParts, plan: ModelPlan): Promise<void> {
  for (const m of plan.dropped) if (!plan.models.some((k) => k.channel === m.channel)) await library.vectors.deleteChannel(m.channel);
  await writeImageModels(library, plan.models);
}

/** Loads one of the library's models, refusing weights other than those its vectors came from. */
export async function loadLibraryImageModel(m: LibraryImageModel, threads?: number): Promise<ImageEmbeddingModel> {
  const model = await loadImageModel(m.spec, { threads });
  if (model.id !== m.id || model.version !== m.version) {
    await model.close();
    throw new MarqueeError('unknown_model', `the library was indexed with ${m.id} ${m.version}, but ${m.spec} loads ${model.id} ${model.version}: re-run "marquee index"`);
  }
  return model;
}

/** Loads every model a library holds (or only its default), each checked against the version its vectors came from. */
export async function libraryModelsForIndexing(library: StoreParts, threads?: number, which: 'all' | 'default' = 'all'): Promise<{ held: LibraryImageModel[]; loaded: ChannelModel[] }> {
  const all = await readImageModels(library);
  if (all.length === 0) throw new MarqueeError('bad_query', `library ${library.location} does not say which image model it uses: index a catalog first`);
  const held = which === 'all' ? all : all.slice(0, 1);
  const models = await loadAll(held.map((m) => () => loadLibraryImageModel(m, threads)));
  return { held, loaded: held.map((m, i) => ({ model: models[i]!, channel: m.channel })) };
}
