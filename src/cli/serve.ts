import { resolve } from 'node:path';
import { createEngine } from '../core/engine.js';
import { sampleDatasetRoot, rendererDir } from '../core/resources.js';
import { startServer } from '../server/index.js';
import { parseCommandArgs, parseIntOption, printHelp, PROVIDER_OPTION_HELP } from './args.js';
import { engineOptionsFrom } from './engine-client.js';

const HELP = `Usage: dataset-health serve [DIR] [--port N] [--data-dir DIR] [--provider X]

Serves the app on 127.0.0.1 (browser mode) and prints its URL, which carries a random session token.
Without DIR the bundled sample dataset opens.

  ${PROVIDER_OPTION_HELP}
                       (the default for analyses started in the app; the app can choose another)`;

export async function serveCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    port: { type: 'string' },
    'data-dir': { type: 'string' },
    provider: { type: 'string' },
  });
  if (values.help) return printHelp(HELP);
  const root = positionals[0] ? resolve(positionals[0]) : sampleDatasetRoot();
  const engine = await createEngine({ ...engineOptionsFrom(values), initialDataset: root });
  const server = await startServer({ engine, port: parseIntOption('port', values.port) ?? 0, staticDir: rendererDir() });
  process.stdout.write(`Dataset Health is running in browser mode. Open:\n  ${server.url}\n(Ctrl+C to stop)\n`);
  await new Promise<void>((resolveStop) => {
    const stop = () => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await engine.close();
  return 0;
}
