/** How an index run's --model / --drop-model list is planned against the models a library holds. */
import { describe, expect, it } from 'vitest';
import { pickImageModel, planImageModels, type LibraryImageModel, type RequestedModel } from '../store/library-models.js';

const requested = (id: string, version = '1', builtIn = true, dimension = 8): RequestedModel => ({ spec: builtIn ? id : `/m/${id}.json`, builtIn, model: { id, version, dimension, metric: 'cosine', normalize: true } });
const held = (id: string, channel: string, version = '1', builtIn = true): LibraryImageModel => ({ id, version, dimension: 8, metric: 'cosine', normalize: true, spec: builtIn ? id : `/m/${id}.json`, channel, builtIn });

describe('planImageModels', () => {
  it('gives a new library\'s first model the content channel and later ones their own', () => {
    const plan = planImageModels([], [requested('a'), requested('b')], [], 'x.db');
    expect(plan.models.map((m) => [m.id, m.channel])).toEqual([['a', 'content'], ['b', 'content:b']]);
    expect(plan.dropped).toEqual([]);
  });

  it('adds a model to a library and reorders without moving anyone\'s vectors', () => {
    const plan = planImageModels([held('a', 'content')], [requested('b'), requested('a')], [], 'x.db');
    expect(plan.models.map((m) => [m.id, m.channel])).toEqual([['b', 'content:b'], ['a', 'content']]);
  });

  it('refuses to forget a held model that is not named, and drops it only when asked', () => {
    expect(() => planImageModels([held('a', 'content')], [requested('b')], [], 'x.db')).toThrow(/x\.db also holds vectors of "a": name it with --model \(a\) to keep it, or pass --drop-model a/);
    const plan = planImageModels([held('a', 'content')], [requested('b')], ['a'], 'x.db');
    expect(plan.models.map((m) => [m.id, m.channel])).toEqual([['b', 'content:b']]);
    expect(plan.dropped.map((m) => m.id)).toEqual(['a']);
    expect(() => planImageModels([held('a', 'content')], [requested('a')], ['zzz'], 'x.db')).toThrow(/--drop-model zzz: library x\.db holds no model "zzz" \(it holds "a"\)/);
  });

  it('refuses a brought model whose id is held with other weights; a built-in model\'s new version re-embeds', () => {
    expect(() => planImageModels([held('clip', 'content', 'v1', false)], [requested('clip', 'v2', false)], [], 'x.db')).toThrow(/"clip" is already in library x\.db with other weights \(version v1, now v2\)/);
    const plan = planImageModels([held('a', 'content', 'old')], [requested('a', 'new')], [], 'x.db');
    expect(plan.models[0]).toMatchObject({ id: 'a', version: 'new', channel: 'content' });
  });

  it('refuses a model named twice', () => {
    expect(() => planImageModels([], [requested('a'), requested('a')], [], 'x.db')).toThrow(/"a" is named twice/);
  });

  it('keeps what is held when nothing is requested', () => {
    const models = [held('a', 'content'), held('b', 'content:b')];
    expect(planImageModels(models, undefined, [], 'x.db').models).toEqual(models);
  });
});

describe('pickImageModel', () => {
  it('answers the default, a named model, or an error naming the models held', () => {
    const models = [held('a', 'content'), held('b', 'content:b')];
    expect(pickImageModel(models, undefined, 'this library').id).toBe('a');
    expect(pickImageModel(models, 'b', 'this library').channel).toBe('content:b');
    expect(() => pickImageModel(models, 'vgg', 'this library')).toThrow(/this library holds no vectors of image model "vgg": it holds "a", "b"/);
  });
});
