/**
 * The Models panel in the browser, against the real engine and a local stand-in for huggingface.co: download
 * with a progress bar, cancel, which model analysis will use, and an offline import with its warning.
 * Needs `npm run build` first (npm run test:e2e does). Fails on any console or page error.
 */
import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineHost } from '../../src/shared/api/engine.js';
import { loadCatalog } from '../../src/core/models/catalog.js';
import { startFakeHub, type FakeHub } from '../../src/core/models/test-helpers/fake-hub.js';
import { writeModelFolder } from '../../src/core/models/test-helpers/model-folders.js';
import { serveCatalogModel } from '../../src/core/models/test-helpers/serve-catalog-model.js';
import { modelCatalogFile } from '../../src/core/resources.js';
import { AppPage, launchBrowser } from './pages/app-page.js';

const STATIC_DIR = fileURLToPath(new URL('../../out/renderer', import.meta.url));
const SCREENSHOT = fileURLToPath(new URL('../../test-results/models.png', import.meta.url));

describe('the Models panel', () => {
  let work: string;
  let hub: FakeHub;
  let engine: EngineHost | undefined;
  let server: { url: string; close(): Promise<void> } | undefined;
  let browser: Browser | undefined;
  let app: AppPage;
  let b16VisionKey: string;

  beforeAll(async () => {
    await access(path.join(STATIC_DIR, 'index.html')).catch(() => {
      throw new Error(`${STATIC_DIR}/index.html is missing: run \`npm run build\` first (npm run test:e2e does)`);
    });
    work = await mkdtemp(path.join(os.tmpdir(), 'dataset-health-models-e2e-'));
    hub = await startFakeHub();
    const catalog = await loadCatalog(modelCatalogFile());
    for (const entry of catalog.models) await serveCatalogModel(hub, entry, path.join(work, 'hub'));
    const b16 = catalog.models.find((m) => m.id === 'clip-vit-b16')!;
    b16VisionKey = `${b16.source.repo}|${b16.source.revision}|onnx/vision_model_fp16.onnx`;
    const { createEngine } = await import('../../src/core/engine.js');
    engine = await createEngine({ dataDir: path.join(work, 'data'), hfEndpoint: hub.endpoint });
    const { startServer } = await import('../../src/server/index.js');
    server = await startServer({ engine, port: 0, staticDir: STATIC_DIR });
    browser = await launchBrowser();
    app = await AppPage.open(browser, server.url);
    await app.page.getByTestId('models-open').click();
    await app.page.getByTestId('models-dialog').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await engine?.close();
    await hub?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const row = (id: string) => app.page.locator(`[data-testid=model-row][data-model="${id}"]`);

  it('lists the catalogue, with analysis on the pixels embedder while nothing is installed', async () => {
    await expect.poll(() => app.page.getByTestId('model-row').count()).toBe(2);
    expect(await app.page.getByTestId('analysis-model').getAttribute('data-model')).toBe('pixels');
  });

  it('downloads a model with a progress bar, after which analysis uses it', async () => {
    await row('clip-vit-b32').getByTestId('model-download-fp32').click();
    await expect.poll(() => row('clip-vit-b32').getAttribute('data-installed'), { timeout: 30_000 }).toBe('fp32');
    expect(await app.page.getByTestId('analysis-model').getAttribute('data-model')).toBe('clip-vit-b32');
    await expect.poll(() => row('clip-vit-b32').getByTestId('model-download-fp16').count()).toBe(1);
  });

  it('cancels a download that keeps failing, leaving the model not installed', async () => {
    hub.faults.set(b16VisionKey, { dropAfterBytes: { bytes: 100_000, times: 1000 } });
    await row('clip-vit-b16').getByTestId('model-download-fp16').click();
    await row('clip-vit-b16').getByTestId('model-download').locator('[role=progressbar]').waitFor();
    await row('clip-vit-b16').getByTestId('model-cancel').click();
    await row('clip-vit-b16').getByTestId('model-download-fp16').waitFor({ timeout: 10_000 });
    expect(await row('clip-vit-b16').getAttribute('data-installed')).toBe('');
    hub.faults.clear();
  });

  it('imports a folder without a tokenizer, says text features are unavailable, and can pick it for analysis', async () => {
    const folder = await writeModelFolder(path.join(work, 'offline-clip'), { tokenizer: 'none' });
    await app.page.getByTestId('model-import-path').fill(folder);
    await app.page.getByTestId('model-import').click();
    await expect.poll(() => app.page.getByTestId('model-import-note').first().textContent(), { timeout: 30_000 }).toMatch(/has no tokenizer .*text search and zero-shot labels are unavailable/);
    const imported = app.page.locator('[data-testid=model-row][data-model^="local-"]');
    await imported.waitFor();
    await imported.getByTestId('use-model').check();
    expect(await app.page.getByTestId('analysis-model').getAttribute('data-model')).toBe(await imported.getAttribute('data-model'));
    expect(app.consoleErrors).toEqual([]);
    await mkdir(path.dirname(SCREENSHOT), { recursive: true });
    await app.page.screenshot({ path: SCREENSHOT });
  });
});
