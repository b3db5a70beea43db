import { describe, expect, it } from 'vitest';
import { ThumbnailCache, type ThumbnailKey, type ThumbnailResult } from './thumbnail-cache';

interface Harness {
  cache: ThumbnailCache;
  loads: number[];
  revoked: string[];
  resolveAll: () => Promise<void>;
}

function harness(capacity: number, maxInFlight: number, failing: ReadonlySet<number> = new Set()): Harness {
  const loads: number[] = [];
  const revoked: string[] = [];
  const waiting: Array<() => void> = [];
  const cache = new ThumbnailCache({
    capacity,
    maxInFlight,
    load: (key) => {
      loads.push(key.index);
      return new Promise((resolve, reject) =>
        waiting.push(() => (failing.has(key.index) ? reject(new Error(`bad image ${key.index}`)) : resolve(Uint8Array.of(key.index)))),
      );
    },
    createUrl: (bytes) => `blob:${bytes[0]}`,
    revokeUrl: (url) => revoked.push(url),
  });
  const resolveAll = async (): Promise<void> => {
    while (waiting.length > 0) {
      waiting.splice(0).forEach((r) => r());
      await new Promise((r) => setTimeout(r, 0));
    }
  };
  return { cache, loads, revoked, resolveAll };
}

const key = (index: number): ThumbnailKey => ({ datasetId: 'd', index, sizePx: 128 });

describe('ThumbnailCache', () => {
  it('loads once for many subscribers and serves hits from the cache', async () => {
    const h = harness(10, 4);
    const results: ThumbnailResult[] = [];
    h.cache.subscribe(key(1), (r) => results.push(r));
    h.cache.subscribe(key(1), (r) => results.push(r));
    await h.resolveAll();
    expect(results).toEqual([{ url: 'blob:1' }, { url: 'blob:1' }]);
    expect(h.cache.peek(key(1))).toBe('blob:1');
    h.cache.subscribe(key(1), (r) => results.push(r));
    expect(h.loads).toEqual([1]);
    expect(results).toHaveLength(3);
  });

  it('limits fetches in flight and serves the newest request first', async () => {
    const h = harness(10, 1);
    for (const i of [1, 2, 3]) h.cache.subscribe(key(i), () => {});
    expect(h.loads).toEqual([1]);
    await h.resolveAll();
    expect(h.loads).toEqual([1, 3, 2]);
  });

  it('drops a queued request when its last subscriber leaves before it starts', async () => {
    const h = harness(10, 1);
    h.cache.subscribe(key(1), () => {});
    const leave = h.cache.subscribe(key(2), () => {});
    leave();
    await h.resolveAll();
    expect(h.loads).toEqual([1]);
  });

  it('revokes the least recently used unpinned URLs past capacity, never pinned ones', async () => {
    const h = harness(2, 4);
    const release1 = h.cache.subscribe(key(1), () => {});
    const release2 = h.cache.subscribe(key(2), () => {});
    await h.resolveAll();
    release2();
    h.cache.subscribe(key(3), () => {});
    await h.resolveAll();
    // 1 is still pinned, so 2 (unpinned) goes although 1 is older.
    expect(h.revoked).toEqual(['blob:2']);
    release1();
    expect(h.revoked).toEqual(['blob:2']);
    h.cache.subscribe(key(4), () => {});
    await h.resolveAll();
    expect(h.revoked).toEqual(['blob:2', 'blob:1']);
    expect(h.cache.size).toBe(2);
  });

  it('reports load errors and remembers them instead of retrying', async () => {
    const h = harness(10, 4, new Set([5]));
    const results: ThumbnailResult[] = [];
    h.cache.subscribe(key(5), (r) => results.push(r));
    await h.resolveAll();
    h.cache.subscribe(key(5), (r) => results.push(r));
    expect(results).toEqual([{ error: 'bad image 5' }, { error: 'bad image 5' }]);
    expect(h.loads).toEqual([5]);
  });

  it('revokes everything on clear, including URLs that arrive afterwards', async () => {
    const h = harness(10, 4);
    h.cache.subscribe(key(1), () => {});
    await h.resolveAll();
    const late: ThumbnailResult[] = [];
    h.cache.subscribe(key(2), (r) => late.push(r));
    h.cache.clear();
    await h.resolveAll();
    expect(h.revoked.sort()).toEqual(['blob:1', 'blob:2']);
    expect(late).toEqual([]);
    expect(h.cache.peek(key(1))).toBeNull();
  });
});
