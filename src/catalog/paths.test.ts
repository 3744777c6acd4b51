/** Catalog paths: inside the catalog folder, or an object in a bucket taken as it is. */
import { describe, expect, it } from 'vitest';
import { resolveInside } from './paths.js';

describe('resolveInside', () => {
  it('resolves a relative path inside the catalog and refuses one that leaves it', () => {
    expect(resolveInside('/catalog', 'posters/alien.jpg')).toBe('/catalog/posters/alien.jpg');
    expect(() => resolveInside('/catalog', '../alien.jpg')).toThrow(/outside the catalog folder/);
    expect(() => resolveInside('/catalog', '/etc/passwd')).toThrow(/is absolute/);
  });

  it('takes an object in a bucket as it is (s3://bucket/key), and checks it', () => {
    expect(resolveInside('/catalog', 's3://posters/alien.jpg')).toBe('s3://posters/alien.jpg');
    expect(() => resolveInside('/catalog', 's3://x/alien.jpg')).toThrow(/not a bucket name/);
  });
});
