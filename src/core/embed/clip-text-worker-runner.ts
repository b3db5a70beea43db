/**
 * Runs a CLIP text tower in a worker thread: onnxruntime-node runs synchronously on the calling thread, and a batch
 * of 64 prompts through ViT-B/32's text tower takes seconds on a busy laptop CPU, which would freeze the engine.
 * Token rows are transferred to the worker, embeddings transferred back.
 */
import type { TextRunner, TextSessionInfo, TokenRows } from './clip-text-session.js';
import type { TextWorkerReply, TextWorkerRequest } from './clip-text-worker-protocol.js';
import { resolveWorkerScriptUrl, SessionWorkerRunner, type LoadRequest } from './session-worker-runner.js';

/** The built `clip-text.worker.js` beside this module, else the TypeScript source (tsx, vitest); null when neither exists. */
export function resolveClipTextWorkerUrl(baseUrl: string = import.meta.url): URL | null {
  return resolveWorkerScriptUrl('clip-text.worker', baseUrl);
}

export class WorkerTextRunner implements TextRunner {
  readonly thread = 'worker';

  private constructor(private readonly worker: SessionWorkerRunner<TextWorkerRequest, TextWorkerReply>) {}

  get info(): TextSessionInfo {
    return this.worker.info;
  }

  /** Starts the worker and loads the model there; rejects with the load error (naming the file). */
  static async load(workerUrl: URL, modelPath: string, providers: readonly string[] | undefined, warmUpIds: readonly number[]): Promise<WorkerTextRunner> {
    const load: LoadRequest<TextWorkerRequest> = { type: 'load', modelPath, providers: providers ?? null, warmUpIds: [...warmUpIds] };
    return new WorkerTextRunner(await SessionWorkerRunner.start<TextWorkerRequest, TextWorkerReply>(workerUrl, 'text inference worker', load));
  }

  /** Transfers the token arrays: `tokens.inputIds` and `tokens.attentionMask` are detached afterwards. */
  async run(tokens: TokenRows): Promise<Float32Array> {
    const transfer = [tokens.inputIds.buffer as ArrayBuffer, tokens.attentionMask.buffer as ArrayBuffer];
    return (await this.worker.run((id) => ({ type: 'run', id, tokens }), transfer)).embeds;
  }

  /** Releases the session in the worker (after a run in progress) and ends the thread. */
  release(): Promise<void> {
    return this.worker.release();
  }
}
