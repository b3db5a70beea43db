/** How CLI commands start the engine and talk to it: in-process, through the same typed API the app uses. */
import { resolve } from 'node:path';
import { createEngine, type EngineOptions } from '../core/engine.js';
import { createClient, type ApiClient } from '../shared/api/client.js';
import { createInProcessTransport } from '../shared/api/in-process-transport.js';
import { parseProviderOption } from './args.js';

/** The `--data-dir` option, resolved (undefined: the user data directory). */
export function dataDirOption(values: { 'data-dir'?: string | undefined }): string | undefined {
  return values['data-dir'] ? resolve(values['data-dir']) : undefined;
}

/** `--data-dir` and `--provider` (the engine's default for analyses and the text tower; checked before any work starts). */
export function engineOptionsFrom(values: { 'data-dir'?: string | undefined; provider?: string | undefined }): EngineOptions {
  return { dataDir: dataDirOption(values), providers: parseProviderOption(values.provider) };
}

/** Starts an engine, hands `use` a client of it, and closes both afterwards, whatever `use` did. */
export async function withEngineClient<T>(options: EngineOptions, use: (client: ApiClient) => Promise<T>): Promise<T> {
  const engine = await createEngine(options);
  const client = createClient(createInProcessTransport(engine));
  try {
    return await use(client);
  } finally {
    client.close();
    await engine.close();
  }
}
