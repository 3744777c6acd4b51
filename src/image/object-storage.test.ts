/** Object locations as catalogs name them: `s3://bucket/key`, checked before anything is read. */
import { describe, expect, it } from 'vitest';
import { isObjectLocation, parseObjectLocation } from './object-storage.js';

describe('object locations', () => {
  it('splits s3://bucket/key, keys with folders and dots included', () => {
    expect(parseObjectLocation('s3://film-posters/1970s/alien.1979.jpg')).toEqual({ bucket: 'film-posters', key: '1970s/alien.1979.jpg' });
    expect(isObjectLocation('s3://a1b/x')).toBe(true);
    expect(isObjectLocation('posters/s3://x.jpg')).toBe(false);
  });

  it('refuses what no S3-compatible store would accept, saying what is wrong', () => {
    expect(() => parseObjectLocation('s3://Posters/a.jpg')).toThrow(/"Posters" is not a bucket name/);
    expect(() => parseObjectLocation('s3://ab/a.jpg')).toThrow(/not a bucket name/);
    expect(() => parseObjectLocation('s3://posters')).toThrow(/names no object/);
    expect(() => parseObjectLocation('s3://posters/1970s/')).toThrow(/names no object/);
  });
});
