/** Face cues: the per-poster vector of faces' expressions, age, gender and area, and where genre features put it. */
import { describe, expect, it } from 'vitest';
import type { DetectedFace } from '../models/face-model.js';
import { COLOR_MODEL, LAYOUT_MODEL } from '../design/design-features.js';
import { featureChannels } from './dataset.js';
import { FACE_CUES_CHANNEL, FACE_CUES_DIMENSION, faceCues, faceCuesModel } from './face-cues.js';

const face = (size: number, expressions: number[], female: number, age: number): DetectedFace => ({
  box: { x: 0.1, y: 0.1, width: size, height: size },
  score: 0.9,
  descriptor: new Float32Array(128),
  expressions,
  female,
  age,
});

describe('faceCues', () => {
  it('tells a scanned poster without faces from one never scanned (all zero)', () => {
    const none = faceCues([]);
    expect(none.length).toBe(FACE_CUES_DIMENSION);
    expect(none[0]).toBe(1);
    expect(Array.from(none.slice(1)).every((x) => x === 0)).toBe(true);
  });

  it('weighs expressions by face area and keeps each expression\'s maximum', () => {
    const big = face(0.5, [0, 1, 0, 0, 0, 0, 0], 1, 30); // a large smiling woman
    const small = face(0.1, [0, 0, 0, 0, 1, 0, 0], 0, 60); // a small fearful man
    const v = faceCues([big, small]);
    expect(v[1]).toBe(1);
    expect(v[2]).toBeCloseTo(Math.log1p(2) / 2, 5);
    expect(v[3]).toBeCloseTo(0.25, 5);
    expect(v[4]).toBeCloseTo(0.26, 5);
    expect(v[5 + 1]).toBeCloseTo(0.25 / 0.26, 4); // happy, area-weighted
    expect(v[5 + 4]).toBeCloseTo(0.01 / 0.26, 4); // fearful
    expect(v[12 + 1]).toBe(1);
    expect(v[12 + 4]).toBe(1);
    expect(v[19]).toBeCloseTo(0.5, 5);
    expect(v[20]).toBeCloseTo(45 / 60, 5);
  });

  it('joins the poster features after the design channels (and printed words), before the synopsis; other models\' content after the default\'s', () => {
    const models = { content: { id: 'm', version: '1', dimension: 4 }, color: COLOR_MODEL, layout: LAYOUT_MODEL, text: { id: 't', version: '1', dimension: 4 }, [FACE_CUES_CHANNEL]: faceCuesModel('f') };
    expect(featureChannels('poster+synopsis', models)).toEqual(['content', 'color', 'layout', FACE_CUES_CHANNEL, 'text']);
    expect(featureChannels('poster', { ...models, printed: { id: 'w', version: '1', dimension: 4 } })).toEqual(['content', 'color', 'layout', 'printed', FACE_CUES_CHANNEL]);
    // Other image models' content follows the default model's.
    expect(featureChannels('poster', { ...models, 'content:b': { id: 'b', version: '1', dimension: 4 }, 'content:a': { id: 'a', version: '1', dimension: 4 } })).toEqual(['content', 'content:a', 'content:b', 'color', 'layout', FACE_CUES_CHANNEL]);
  });
});
