/**
 * Serves the renderer against the harness engine through the real browser-mode server:
 *   npx tsx test/ui/serve.ts [--points 100000] [--root resources/sample/fmnist-1k] [--with-layout] [--without-scores] [--dev] [--port 5199]
 */
import { parseArgs } from 'node:util';
import { startServer } from '../../src/server/index.js';
import { buildRenderer } from './build-renderer.js';
import { createHarnessEngine } from './harness-engine.js';

export const DEFAULT_SAMPLE_ROOT = 'resources/sample/fmnist-1k';

export interface HarnessServer {
  url: string;
  close(): Promise<void>;
}

export async function startHarness(options: {
  root?: string;
  pointCount?: number;
  withLayout?: boolean;
  analysisMs?: number;
  port?: number;
  mode?: 'production' | 'development';
  /** Behave like an older engine whose dataset.scores and dataset.clusters throw. */
  withoutScores?: boolean;
}): Promise<HarnessServer> {
  const staticDir = await buildRenderer(options.mode);
  const engine = await createHarnessEngine({
    root: options.root ?? DEFAULT_SAMPLE_ROOT,
    pointCount: options.pointCount,
    withLayout: options.withLayout,
    analysisMs: options.analysisMs,
    withoutScores: options.withoutScores,
  });
  const server = await startServer({ engine, staticDir, port: options.port ?? 0 });
  return {
    url: server.url,
    async close() {
      await server.close();
      await engine.close();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      points: { type: 'string' },
      root: { type: 'string' },
      port: { type: 'string' },
      'with-layout': { type: 'boolean' },
      'without-scores': { type: 'boolean' },
      dev: { type: 'boolean' },
    },
  });
  const harness = await startHarness({
    root: values.root,
    pointCount: values.points === undefined ? undefined : Number(values.points),
    withLayout: values['with-layout'],
    withoutScores: values['without-scores'],
    port: values.port === undefined ? 0 : Number(values.port),
    mode: values.dev ? 'development' : 'production',
  });
  console.log(`UI harness at ${harness.url}`);
  process.on('SIGINT', () => void harness.close().then(() => process.exit(0)));
}
