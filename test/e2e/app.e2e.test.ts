/**
 * End to end in browser mode: the real engine analyzes the bundled sample, the real server serves the built
 * renderer (`npm run build` first), and Chromium drives it like a user. Fails on any console or page error.
 *
 * E2E_ENGINE=harness runs the same steps against the UI harness's fake engine (test/ui/harness-engine.ts) and a
 * renderer built on the spot: for developing UI steps before the engine side exists. It proves nothing about the
 * engine.
 */
import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineHost } from '../../src/shared/api/engine.js';
import { AppPage, launchBrowser } from './pages/app-page.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SAMPLE_ROOT = path.join(REPO_ROOT, 'resources/sample/fmnist-1k');
const SAMPLE_IMAGE_COUNT = 1000;
const STATIC_DIR = path.join(REPO_ROOT, 'out/renderer');
const SCREENSHOT = path.join(REPO_ROOT, 'test-results/app.png');
const EXPORT_HEADER = ['path', 'label', 'predicted_label', 'confidence', 'correct', 'x', 'y'];
/** Embedding 1,000 images and a UMAP layout on two CPU cores, plus the first frame in software WebGL. */
const ANALYSIS_TIMEOUT_MS = 150_000;
/** The analysis computes the scores after the layout: label quality, outliers, duplicates, clusters. */
const SCORES_TIMEOUT_MS = 120_000;
/** Scores the engine must deliver on the bundled sample (it has labels and predictions with probabilities). */
const SAMPLE_SCORES = ['loss', 'mislabel_score', 'cluster', 'outlier_score'];
const USE_HARNESS = process.env.E2E_ENGINE === 'harness';

describe('Dataset Health in the browser, on the bundled sample', () => {
  let dataDir: string | undefined;
  let engine: EngineHost | undefined;
  let server: { url: string; close(): Promise<void> } | undefined;
  let browser: Browser | undefined;
  let app: AppPage;
  let selectedCount = 0;

  beforeAll(async () => {
    let staticDir = STATIC_DIR;
    if (USE_HARNESS) {
      const { buildRenderer } = await import('../ui/build-renderer.js');
      staticDir = await buildRenderer();
      const { createHarnessEngine } = await import('../ui/harness-engine.js');
      engine = await createHarnessEngine({ root: SAMPLE_ROOT, analysisMs: 4000 });
    } else {
      await access(path.join(STATIC_DIR, 'index.html')).catch(() => {
        throw new Error(`${STATIC_DIR}/index.html is missing: run \`npm run build\` first (npm run test:e2e does)`);
      });
      dataDir = await mkdtemp(path.join(os.tmpdir(), 'dataset-health-e2e-'));
      const { createEngine } = await import('../../src/core/engine.js');
      engine = await createEngine({ dataDir, initialDataset: SAMPLE_ROOT });
    }
    const { startServer } = await import('../../src/server/index.js');
    server = await startServer({ engine, port: 0, staticDir });
    browser = await launchBrowser();
    app = await AppPage.open(browser, server.url);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await engine?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('starts analyzing on first open, and a cancelled analysis can be started again', async () => {
    await app.page.getByTestId('job-cancel').click();
    await app.page.locator('[data-testid=job][data-state=cancelled]').waitFor();
    // The provider choice sits beside Analyze; the CPU is always offered, and the sample runs without a model anyway.
    await app.page.getByTestId('provider-select').selectOption('cpu');
    await app.page.getByTestId('analyze').click();
  });

  it('draws every image of the finished analysis on the map', async () => {
    const pointCount = await app.waitForMap(ANALYSIS_TIMEOUT_MS);
    expect(pointCount).toBe(SAMPLE_IMAGE_COUNT);
    expect(await app.page.getByTestId('image-count').textContent()).toBe(SAMPLE_IMAGE_COUNT.toLocaleString('en-US'));
  });

  it('offers a CLIP model while the map comes from the pixels embedder, and the offer can be dismissed', async () => {
    const offer = app.page.getByTestId('model-offer');
    await expect.poll(() => offer.textContent()).toMatch(/basic pixels embedder.*Download CLIP ViT-B\/32/);
    await offer.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => offer.count()).toBe(0);
  });

  it('shows a card with the thumbnail, path and labels when hovering a point', async () => {
    const index = await app.hoverSomePoint();
    expect(index).toBeGreaterThanOrEqual(0);
    expect(index).toBeLessThan(SAMPLE_IMAGE_COUNT);
    await app.hoverCard.locator('img').waitFor({ state: 'visible' });
    await expect.poll(() => app.hoverCard.textContent()).toMatch(/images\/[\w-]+\/\d+\.png/);
    expect(await app.hoverCard.textContent()).toMatch(/Label/);
  });

  it('lasso-selects points and lists exactly those images in the grid', async () => {
    const spot = await app.densestSpot(200);
    await app.lassoAround(spot, 90);
    await expect.poll(() => app.selectionCount()).toBeGreaterThan(0);
    selectedCount = await app.selectionCount();
    expect(Number(await app.grid.getAttribute('data-item-count'))).toBe(selectedCount);
    const gridIndices = await app.allGridIndices();
    expect(gridIndices).toHaveLength(selectedCount);
    expect(new Set(gridIndices).size).toBe(selectedCount);
  });

  it('exports the selection as a CSV download with one row per selected image', async () => {
    const { fileName, content } = await app.exportCsv();
    expect(fileName).toMatch(/\.csv$/);
    const rows: string[][] = parse(content, { skip_empty_lines: true });
    expect(rows[0]?.slice(0, EXPORT_HEADER.length)).toEqual(EXPORT_HEADER);
    expect(rows).toHaveLength(selectedCount + 1);
    // Every row names a real image of the sample.
    await Promise.all(rows.slice(1).map((row) => access(path.join(SAMPLE_ROOT, row[0]!))));
  });

  it('draws mistakes in red: hovering a red point shows a wrong prediction', async () => {
    await app.grid.evaluate((el) => el.scrollTo({ top: 0 }));
    await app.setLasso(false);
    await app.hoverSomePoint(([r, g, b]) => r > 180 && g < 110 && b < 110);
    await expect.poll(() => app.hoverCard.textContent()).toMatch(/Wrong/);
  });

  it('leaves a screenshot of the error map with a selection and a hover card', async () => {
    await mkdir(path.dirname(SCREENSHOT), { recursive: true });
    await app.screenshot(SCREENSHOT);
    await access(SCREENSHOT);
  });

  it('colours the map by mislabel score, and selects the images past a threshold', async () => {
    await app.waitForScores(SCORES_TIMEOUT_MS);
    expect(await app.scoreNames()).toEqual(expect.arrayContaining(SAMPLE_SCORES));
    const optionLabel = await app.page.getByTestId('score-select').locator('option[value="score:mislabel_score"]').textContent();
    await app.colorByScore('mislabel_score');
    expect(await app.page.getByTestId('score-legend-label').textContent()).toBe(optionLabel);
    const { min, max } = await app.scoreRange();
    expect(Number.isFinite(min) && Number.isFinite(max) && min <= max).toBe(true);
    // Half-way up the robust range: past the 98th percentile there are always images, so some match.
    await app.setThreshold(min + (max - min) / 2);
    // The count follows the threshold as it is applied: read it once it has settled (two reads 250 ms apart agree).
    let matching = -1;
    await expect
      .poll(async () => {
        const first = await app.matchingCount();
        await app.page.waitForTimeout(250);
        matching = await app.matchingCount();
        return first === matching && matching > 0;
      })
      .toBe(true);
    expect(matching).toBeLessThan(SAMPLE_IMAGE_COUNT);
    await app.selectMatching();
    await expect.poll(() => app.selectionCount()).toBe(matching);
    expect(Number(await app.grid.getAttribute('data-item-count'))).toBe(matching);
  });

  it('selects the weakest cluster from the clusters panel', async () => {
    const rows = await app.openClusters();
    expect(await rows.count()).toBeGreaterThan(0);
    const first = rows.first();
    const size = Number(await first.getAttribute('data-size'));
    expect(size).toBeGreaterThan(0);
    await first.click();
    await expect.poll(() => app.selectionCount()).toBe(size);
    expect(await first.getAttribute('aria-pressed')).toBe('true');
  });

  it('re-projects the selection on its own, and goes back to the full map', async () => {
    const size = await app.selectionCount();
    expect(size).toBeGreaterThanOrEqual(4);
    expect(await app.reprojectSelection(ANALYSIS_TIMEOUT_MS)).toBe(size);
    expect(await app.backToFullMap()).toBe(SAMPLE_IMAGE_COUNT);
  });

  it('finds images similar to one in the grid: the hits replace the selection, best first, the image itself first', async () => {
    await app.page.getByTestId('tab-selection').click();
    const cell = app.grid.locator('[data-testid=grid-item]').first();
    const index = Number(await cell.getAttribute('data-index'));
    await cell.hover();
    await cell.getByTestId('find-similar').click();
    await expect.poll(() => app.page.getByTestId('search-results-title').textContent()).toMatch(new RegExp(`Similar to #${index}\\b`));
    expect(await app.selectionCount()).toBe(100);
    expect(await app.page.getByTestId('selection-sort').inputValue()).toBe('rank');
    await app.grid.evaluate((el) => el.scrollTo({ top: 0 }));
    expect(await app.grid.locator('[data-testid=grid-item]').first().getAttribute('data-index')).toBe(String(index));
  });

  it('says inline why text search, zero-shot labels and cluster names need a model with a text tower', async () => {
    await app.page.getByTestId('search-input').fill('a shoe');
    await app.page.getByTestId('search-submit').click();
    await expect.poll(() => app.page.getByTestId('search-error').textContent()).toMatch(/has no text tower/);
    const zeroShot = app.page.getByTestId('zero-shot');
    await zeroShot.getByRole('button').click();
    await expect.poll(() => zeroShot.getByRole('alert').textContent()).toMatch(/has no text tower/);
    await app.openClusters();
    const nameClusters = app.page.getByTestId('name-clusters');
    await nameClusters.getByRole('button').click();
    await expect.poll(() => nameClusters.getByRole('alert').textContent()).toMatch(/has no text tower/);
  });

  it('logged no console errors and threw no page errors', () => {
    expect(app.unexpectedConsoleErrors()).toEqual([]);
  });
});
