/**
 * The image models of an index run, loaded: what `marquee index` was asked for, planned against
 * what the library holds (library-models.ts), or the library's own models for a worker, an
 * upload or a stills pass. Every model is loaded before anything is written, so a model that
 * cannot load or conflicts with the library changes nothing.
 */
import { loadImageModel } from '../models/registry.js';
import { BUILT_IN_IMAGE_MODELS, DEFAULT_IMAGE_MODEL, hasTextTower, loadTextTower } from '../models/registry.js';
import { planImageModels, readImageModels, writeImageModels, type LibraryImageModel, type ModelPlan } from '../models/library-models.js';
import type { ImageEmbeddingModel } from '../models/types.js';
import type { Store } from '../store/store.js';
import { MarqueeError } from '../util/errors.js';
import type { ChannelModel } from './indexer.js';

async function loadAll(specs: string[], threads: number | undefined): Promise<ImageEmbeddingModel[]> {
  const settled = await Promise.allSettled(specs.map((s) => loadImageModel(s, { threads })));
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
export async function modelsForIndexRun(library: Store, specs: string[] | undefined, drop: string[], threads?: number): Promise<{ plan: ModelPlan; loaded: ChannelModel[] }> {
  const held = await readImageModels(library);
  const wanted = specs ?? (held.length ? held.filter((m) => !drop.includes(m.id)).map((m) => m.spec) : [DEFAULT_IMAGE_MODEL]);
  const models = await loadAll(wanted, threads);
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
export async function applyModelPlan(library: Store, plan: ModelPlan): Promise<void> {
  for (const m of plan.dropped) if (!plan.models.some((k) => k.channel === m.channel)) await library.deleteChannel(m.channel);
  await writeImageModels(library, plan.models);
}

/** Loads every model a library holds, checking each is the version its vectors came from. */
export async function libraryModelsForIndexing(library: Store, threads?: number): Promise<{ held: LibraryImageModel[]; loaded: ChannelModel[] }> {
  const held = await readImageModels(library);
  if (held.length === 0) throw new MarqueeError('bad_query', `library ${library.location} does not say which image model it uses: index a catalog first`);
  const models = await loadAll(held.map((m) => m.spec), threads);
  const wrong = held.findIndex((m, i) => models[i]!.id !== m.id || models[i]!.version !== m.version);
  if (wrong >= 0) {
    const m = held[wrong]!;
    const got = models[wrong]!;
    await Promise.allSettled(models.map((x) => x.close()));
    throw new MarqueeError('unknown_model', `library ${library.location} was indexed with ${m.id} ${m.version}, but ${m.spec} loads ${got.id} ${got.version}: re-run "marquee index"`);
  }
  return { held, loaded: held.map((m, i) => ({ model: models[i]!, channel: m.channel })) };
}
