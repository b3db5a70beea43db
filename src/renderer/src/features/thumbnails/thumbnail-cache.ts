/**
 * Thumbnails as object URLs: fetched lazily through a small LIFO queue (newest requests are what the user
 * looks at now), shared between subscribers, kept in an LRU, and revoked when evicted.
 * DOM-free: the URL factory is injected, so the policy is testable in Node.
 */

export interface ThumbnailKey {
  datasetId: string;
  index: number;
  sizePx: number;
}

export type ThumbnailResult = { url: string } | { error: string };
export type ThumbnailListener = (result: ThumbnailResult) => void;

export interface ThumbnailCacheOptions {
  load: (key: ThumbnailKey) => Promise<Uint8Array>;
  createUrl: (bytes: Uint8Array) => string;
  revokeUrl: (url: string) => void;
  /** Unpinned URLs kept beyond this many are revoked, least recently used first. */
  capacity: number;
  maxInFlight: number;
}

interface Entry {
  url: string;
  /** Subscribers currently showing this URL: a pinned URL is never revoked. */
  pins: number;
}

interface Pending {
  key: ThumbnailKey;
  listeners: Set<ThumbnailListener>;
  started: boolean;
}

const keyString = (k: ThumbnailKey): string => `${k.datasetId}\u0000${k.sizePx}\u0000${k.index}`;

export class ThumbnailCache {
  /** Insertion order is recency order: a hit is deleted and re-inserted. */
  private readonly entries = new Map<string, Entry>();
  private readonly failures = new Map<string, string>();
  private readonly pending = new Map<string, Pending>();
  private readonly queue: string[] = [];
  private inFlight = 0;
  private generation = 0;

  constructor(private readonly options: ThumbnailCacheOptions) {}

  /** The cached URL, if any, without fetching. */
  peek(key: ThumbnailKey): string | null {
    return this.entries.get(keyString(key))?.url ?? null;
  }

  /**
   * Calls `listener` once with the URL (or the error). The URL stays valid until the returned function is called;
   * unsubscribing before the fetch starts drops it from the queue.
   */
  subscribe(key: ThumbnailKey, listener: ThumbnailListener): () => void {
    const id = keyString(key);
    const generation = this.generation;
    const failure = this.failures.get(id);
    if (failure !== undefined) {
      listener({ error: failure });
      return () => {};
    }
    const hit = this.entries.get(id);
    if (hit) {
      this.touch(id, hit);
      hit.pins++;
      listener({ url: hit.url });
      return this.unpinner(id, generation);
    }
    let pending = this.pending.get(id);
    if (!pending) {
      pending = { key, listeners: new Set(), started: false };
      this.pending.set(id, pending);
      this.queue.push(id);
    } else if (!pending.started) {
      // Asked for again: move it to the front of the LIFO queue.
      const at = this.queue.indexOf(id);
      if (at >= 0) this.queue.splice(at, 1);
      this.queue.push(id);
    }
    let pinned = false;
    const wrapped: ThumbnailListener = (result) => {
      if ('url' in result) pinned = true;
      listener(result);
    };
    pending.listeners.add(wrapped);
    this.pump();
    return () => {
      const current = this.pending.get(id);
      if (current?.listeners.delete(wrapped) && current.listeners.size === 0 && !current.started) {
        this.pending.delete(id);
        const at = this.queue.indexOf(id);
        if (at >= 0) this.queue.splice(at, 1);
      }
      if (pinned) this.unpin(id, generation);
    };
  }

  /** Revokes every URL and forgets everything (e.g. another dataset was opened). */
  clear(): void {
    this.generation++;
    for (const entry of this.entries.values()) this.options.revokeUrl(entry.url);
    this.entries.clear();
    this.failures.clear();
    this.pending.clear();
    this.queue.length = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const id = this.queue.pop()!;
      const pending = this.pending.get(id);
      if (!pending) continue;
      pending.started = true;
      this.inFlight++;
      void this.fetch(id, pending);
    }
  }

  private async fetch(id: string, pending: Pending): Promise<void> {
    const generation = this.generation;
    let result: ThumbnailResult;
    try {
      const bytes = await this.options.load(pending.key);
      result = { url: this.options.createUrl(bytes) };
    } catch (err) {
      result = { error: err instanceof Error ? err.message : String(err) };
    }
    this.inFlight--;
    if (generation !== this.generation) {
      // Cleared while loading: nobody may use this URL any more.
      if ('url' in result) this.options.revokeUrl(result.url);
    } else {
      this.pending.delete(id);
      if ('url' in result) {
        this.entries.set(id, { url: result.url, pins: pending.listeners.size });
        this.evict();
      } else {
        this.failures.set(id, result.error);
      }
      for (const listener of pending.listeners) listener(result);
    }
    this.pump();
  }

  private touch(id: string, entry: Entry): void {
    this.entries.delete(id);
    this.entries.set(id, entry);
  }

  private unpinner(id: string, generation: number): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.unpin(id, generation);
    };
  }

  private unpin(id: string, generation: number): void {
    // A pin taken before clear() refers to a URL that is already gone.
    if (generation !== this.generation) return;
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.pins = Math.max(0, entry.pins - 1);
    this.evict();
  }

  private evict(): void {
    if (this.entries.size <= this.options.capacity) return;
    for (const [id, entry] of this.entries) {
      if (this.entries.size <= this.options.capacity) break;
      if (entry.pins > 0) continue;
      this.entries.delete(id);
      this.options.revokeUrl(entry.url);
    }
  }
}
