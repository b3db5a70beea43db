/**
 * Drives the UI harness like a user and saves screenshots to test-results/ui/, printing console errors and
 * warnings:  npx tsx test/ui/shoot.ts [--points 100000] [--with-layout] [--without-scores] [--size 1400x860] [--dev]
 */
import { mkdir } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { AppPage, launchBrowser } from '../e2e/pages/app-page.js';
import { startHarness } from './serve.js';

const OUT_DIR = 'test-results/ui';

const { values } = parseArgs({
  options: {
    points: { type: 'string' },
    'with-layout': { type: 'boolean' },
    'without-scores': { type: 'boolean' },
    size: { type: 'string' },
    dev: { type: 'boolean' },
  },
});
const [widthPx, heightPx] = (values.size ?? '1600x960').split('x').map(Number) as [number, number];
const pointCount = values.points === undefined ? undefined : Number(values.points);
await mkdir(OUT_DIR, { recursive: true });
const harness = await startHarness({
  pointCount,
  withLayout: values['with-layout'],
  analysisMs: 6000,
  mode: values.dev ? 'development' : 'production',
  withoutScores: values['without-scores'],
});
const browser = await launchBrowser();

/** The score colourings, the filter, and the clusters panel. */
async function shootScores(app: AppPage): Promise<void> {
  await app.waitForScores(10_000);
  console.log('scores offered:', (await app.scoreNames()).join(', '));
  await app.colorByScore('mislabel_score');
  await app.page.waitForTimeout(300);
  await app.screenshot(`${OUT_DIR}/7-mislabel.png`);
  const { min, max } = await app.scoreRange();
  await app.setThreshold(Number((min + 0.7 * (max - min)).toFixed(3)));
  await app.page.waitForTimeout(300);
  const matching = await app.matchingCount();
  await app.selectMatching();
  await app.page.getByTestId('selection-sort').selectOption('score:mislabel_score');
  await app.page.waitForTimeout(600);
  console.log(`mislabel filter: ${matching} match, selection ${await app.selectionCount()}`);
  await app.screenshot(`${OUT_DIR}/8-mislabel-filtered.png`);
  await app.setLasso(false);
  await app.hoverSomePoint();
  await app.page.waitForTimeout(300);
  await app.screenshot(`${OUT_DIR}/8b-mislabel-hover.png`);
  const rows = await app.openClusters();
  await rows.nth(1).hover();
  await app.page.waitForTimeout(300);
  await app.screenshot(`${OUT_DIR}/9-clusters-hover.png`);
  await rows.first().click();
  await app.page.waitForTimeout(600);
  console.log(`cluster ${await rows.first().getAttribute('data-cluster-id')}: size ${await rows.first().getAttribute('data-size')}, selection ${await app.selectionCount()}`);
  await app.screenshot(`${OUT_DIR}/10-cluster-selected.png`);
  await app.colorByScore('cluster');
  await app.page.getByTestId('fit-view').click();
  await app.page.waitForTimeout(300);
  await app.screenshot(`${OUT_DIR}/11-cluster-colours.png`);
  await app.colorByScore('blurry');
  await app.page.getByTestId('filter-enabled').check();
  await app.selectMatching();
  await app.page.waitForTimeout(600);
  await app.screenshot(`${OUT_DIR}/12-flag.png`);
  await app.colorByScore('duplicate_of');
  await app.selectMatching();
  await app.page.waitForTimeout(600);
  await app.screenshot(`${OUT_DIR}/13-duplicates.png`);
}
const timings: Record<string, number> = {};
const time = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
  const start = performance.now();
  try {
    return await fn();
  } finally {
    timings[name] = Math.round(performance.now() - start);
  }
};
try {
  const app = await AppPage.open(browser, harness.url, { width: widthPx, height: heightPx });
  if (!values['with-layout']) {
    await app.page.getByTestId('map-status').waitFor({ timeout: 10_000 });
    await app.page.waitForTimeout(3800);
    await app.screenshot(`${OUT_DIR}/1-preview.png`);
  }
  const count = await time('map ready', () => app.waitForMap(120_000));
  console.log(`map ready with ${count} points`);
  await app.screenshot(`${OUT_DIR}/2-map.png`);
  const hovered = await time('hover', () => app.hoverSomePoint());
  await app.page.waitForTimeout(300);
  console.log(`hovered image ${hovered}`);
  await app.screenshot(`${OUT_DIR}/3-hover.png`);
  const spot = await app.densestSpot(200);
  await time('lasso mode', () => app.setLasso(true));
  await time('lasso', () => app.lassoAround(spot, 90));
  const selected = await app.selectionCount();
  const indices = await time('grid scan', () => app.allGridIndices());
  console.log(`selected ${selected}, grid cells seen ${indices.length}`);
  await app.grid.evaluate((el) => el.scrollTo({ top: 0 }));
  await app.page.waitForTimeout(500);
  await app.screenshot(`${OUT_DIR}/4-lasso.png`);
  const exported = await app.exportCsv();
  console.log(`export ${exported.fileName}: ${exported.content.split('\n').length - 2} rows; header ${exported.content.split('\n')[0]}`);
  await app.page.getByTestId('color-mode').locator('[data-value=label]').click();
  await app.page.getByTestId('grid-item').first().click();
  await app.page.waitForTimeout(400);
  await app.screenshot(`${OUT_DIR}/5-label.png`);
  await app.page.getByTestId('problems').locator('summary').click();
  await app.screenshot(`${OUT_DIR}/6-problems.png`);
  await app.page.getByTestId('problems').locator('summary').click();
  if (!values['without-scores']) await shootScores(app);
  console.log('timings ms', timings);
  console.log('console errors:', app.consoleErrors);
  console.log('console warnings:', app.consoleWarnings);
} finally {
  await browser.close();
  await harness.close();
}
