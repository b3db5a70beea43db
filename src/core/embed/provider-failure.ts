/**
 * A provider that worked at start-up can still fail later (a GPU device lost, out of GPU memory on a large batch,
 * a driver reset). Such a failure ends the run, but it must say which provider failed and what to do, and it must
 * not cost the batches already saved: the embed stage saves each batch as it finishes, so they stay, and the next
 * run embeds only what is missing.
 */
import type { EmbedResult, Embedder, PreparedBatch } from './embedder.js';
import { errorMessage } from './embedder.js';

/** The model run failed on `provider` after the session had started (decode failures are per image, not this). */
export class ProviderRunError extends Error {
  override readonly name = 'ProviderRunError';

  constructor(
    readonly provider: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`The ${provider} execution provider failed during a run: ${reason}`, options);
  }
}

/**
 * The same embedder, except that a failing model run rejects with a ProviderRunError naming `provider`. Decoding
 * is not wrapped: an unreadable image is reported per image and never ends the run.
 */
export function attributeRunFailures(embedder: Embedder, provider: string): Embedder {
  const wrapBatch = (batch: PreparedBatch): PreparedBatch => ({
    size: batch.size,
    discard: () => batch.discard(),
    embed: async (): Promise<EmbedResult> => {
      try {
        return await batch.embed();
      } catch (error) {
        throw new ProviderRunError(provider, errorMessage(error), { cause: error });
      }
    },
  });
  return {
    get info() {
      return embedder.info;
    },
    get batchSize() {
      return embedder.batchSize;
    },
    prepare: async (absPaths, signal) => wrapBatch(await embedder.prepare(absPaths, signal)),
    embedFiles: async (absPaths, signal) => wrapBatch(await embedder.prepare(absPaths, signal)).embed(),
    close: () => embedder.close(),
  };
}

export interface MidRunFailure {
  provider: string;
  reason: string;
  /** Images embedded and saved in this run before the failure. */
  saved: number;
  /** Images this run set out to embed. */
  total: number;
}

/** What the user reads when a provider fails mid-run: which one, that saved work is kept, and how to go on. */
export function midRunFailureMessage({ provider, reason, saved, total }: MidRunFailure): string {
  const kept =
    saved > 0
      ? `${saved.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} images were embedded and saved before it failed; they are kept, and the next run embeds only the rest.`
      : `No image of this run had been saved yet (${total.toLocaleString('en-US')} to embed).`;
  const next = provider === 'cpu' ? 'Check free memory and the model file, then run again.' : 'Run again with --provider cpu (in the app: provider "cpu") to finish on the CPU.';
  return `The ${provider} execution provider failed during embedding: ${reason.replace(/\.$/, '')}. ${kept} ${next}`;
}
