/** The hosts every contract suite runs over: the engine called in-process, and the browser-mode WebSocket server. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { createClient, type ApiClient } from '../../src/shared/api/client.js';
import type { EngineHost } from '../../src/shared/api/engine.js';
import { createInProcessTransport } from '../../src/shared/api/in-process-transport.js';
import { createWebSocketTransport, type WebSocketLike } from '../../src/shared/api/ws-transport.js';
import type { JobStatus } from '../../src/shared/model/dataset.js';
import { startServer } from '../../src/server/index.js';

export interface Harness {
  client: ApiClient;
  close(): Promise<void>;
}

export const TRANSPORTS: Record<string, (engine: EngineHost) => Promise<Harness>> = {
  'in-process': async (engine) => {
    const client = createClient(createInProcessTransport(engine));
    return { client, close: async () => client.close() };
  },
  websocket: async (engine) => {
    const server = await startServer({ engine, port: 0, staticDir: mkdtempSync(path.join(tmpdir(), 'dh-static-')) });
    const url = new URL(server.url);
    const socket = new WebSocket(`ws://${url.host}/api?token=${server.token}`);
    const client = createClient(createWebSocketTransport(socket as unknown as WebSocketLike));
    return {
      client,
      close: async () => {
        client.close();
        await server.close();
      },
    };
  },
};

export const TRANSPORT_NAMES = Object.keys(TRANSPORTS);

export function connect(transportName: string, engine: EngineHost): Promise<Harness> {
  const make = TRANSPORTS[transportName];
  if (!make) throw new Error(`unknown transport ${transportName}`);
  return make(engine);
}

/** The job's final status (done, cancelled or failed); `events` collects every progress event on the way. */
export function finalStatus(client: ApiClient, jobId: string, events: JobStatus[] = []): Promise<JobStatus> {
  return new Promise((resolve) => {
    const off = client.on('job.progress', (s) => {
      if (s.jobId !== jobId) return;
      events.push(s);
      if (s.state !== 'running') {
        off();
        resolve(s);
      }
    });
  });
}
