/** A transport moves method calls to the engine and events back. Hosts differ only here. */
export interface Transport {
  request(method: string, params: unknown): Promise<unknown>;
  subscribe(listener: (event: string, payload: unknown) => void): () => void;
  close(): void;
}
