/** The compute-pool side of a worker thread: runs each requested kernel and replies with its result or error. */
import type { MessagePort } from 'node:worker_threads';
import type { KernelRegistry, PoolReply, PoolRequest } from './compute-pool.js';

export function servePool(port: MessagePort, kernels: KernelRegistry): void {
  port.on('message', (request: PoolRequest) => {
    let reply: PoolReply;
    try {
      const kernel = kernels[request.kernel];
      if (!kernel) throw new Error(`no compute kernel named "${request.kernel}"`);
      reply = { id: request.id, ok: true, result: kernel(request.args) ?? 0 };
    } catch (error) {
      const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
      reply = { id: request.id, ok: false, name, message };
    }
    port.postMessage(reply);
  });
}
