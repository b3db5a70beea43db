import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJson, projectionCacheKey } from './cache-key.js';
import { ProjectionCache } from './projection-cache.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'projection-cache-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const input = { data: Float32Array.from([1, 2, 3, 4, 5, 6]), rows: 3, cols: 2 };

describe('projectionCacheKey', () => {
  it('is stable for equal inputs and parameter order, and changes with data, method, params and shape', () => {
    const key = projectionCacheKey({ ...input, method: 'umap', params: { seed: 1, nNeighbors: 5 } });
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(projectionCacheKey({ ...input, data: input.data.slice(), method: 'umap', params: { nNeighbors: 5, seed: 1, minDist: undefined } })).toBe(key);
    const others = [
      projectionCacheKey({ ...input, data: Float32Array.from([1, 2, 3, 4, 5, 7]), method: 'umap', params: { seed: 1, nNeighbors: 5 } }),
      projectionCacheKey({ ...input, method: 'tsne', params: { seed: 1, nNeighbors: 5 } }),
      projectionCacheKey({ ...input, method: 'umap', params: { seed: 2, nNeighbors: 5 } }),
      projectionCacheKey({ ...input, rows: 2, cols: 3, method: 'umap', params: { seed: 1, nNeighbors: 5 } }),
    ];
    expect(new Set([key, ...others]).size).toBe(5);
  });

  it('writes canonical JSON', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x'], c: undefined } })).toBe('{"a":{"d":[1,"x"]},"b":1}');
  });
});

describe('ProjectionCache', () => {
  const key = 'a'.repeat(64);
  const xy = Float32Array.from([0.5, -1, 1, 0.25]);

  it('misses, then hits with the same values, and leaves no temp files', () => {
    const dir = path.join(tempDir(), 'nested', 'cache');
    const cache = new ProjectionCache(dir);
    expect(cache.get(key)).toBeNull();
    cache.set(key, xy);
    expect(Array.from(cache.get(key) ?? [])).toEqual(Array.from(xy));
    expect(readdirSync(dir)).toEqual([`${key}.xy`]);
    cache.set(key, Float32Array.from([3, 4]));
    expect(Array.from(cache.get(key) ?? [])).toEqual([3, 4]);
  });

  it('treats a truncated, padded, bit-flipped or foreign file as a miss', () => {
    const dir = tempDir();
    const cache = new ProjectionCache(dir);
    const file = path.join(dir, `${key}.xy`);
    cache.set(key, xy);
    const good = readFileSync(file);
    truncateSync(file, good.length - 3);
    expect(cache.get(key)).toBeNull();
    writeFileSync(file, Buffer.concat([good, Buffer.from([0, 0, 0, 0])]));
    expect(cache.get(key)).toBeNull();
    const flipped = Buffer.from(good);
    flipped[flipped.length - 1]! ^= 1;
    writeFileSync(file, flipped);
    expect(cache.get(key)).toBeNull();
    writeFileSync(file, 'not a cache file');
    expect(cache.get(key)).toBeNull();
    writeFileSync(file, '');
    expect(cache.get(key)).toBeNull();
  });

  it('refuses a key that is not a hash, so no path outside the folder is touched', () => {
    const cache = new ProjectionCache(tempDir());
    expect(() => cache.get('../escape')).toThrow(/not a projection cache key/);
    expect(() => cache.set('../escape', xy)).toThrow(/not a projection cache key/);
  });
});
