/**
 * Page object for the Dataset Health UI: drives it the way a user does (pointer, keyboard, downloads) through
 * playwright-core and Debian's chromium. Shared by the e2e test and the UI harness's screenshot script.
 */
import { readFile } from 'node:fs/promises';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import sharp from 'sharp';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless with Mesa's llvmpipe (gl-egl): 4-5× faster WebGL than the default SwiftShader. */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--use-angle=gl-egl',
  '--ignore-gpu-blocklist',
];

/** Console noise that is not the app's fault. */
const HARMLESS_CONSOLE = [/Attribute instanceFillColors is normalized/, /favicon\.ico/];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface ScreenPoint {
  x: number;
  y: number;
}

export interface MapPixel extends ScreenPoint {
  rgb: [number, number, number];
}

/** A map pixel brighter than this (max of r, g, b) belongs to a point, not to the dark background. */
const POINT_PIXEL_MIN = 48;

export class AppPage {
  readonly consoleErrors: string[] = [];
  readonly consoleWarnings: string[] = [];
  readonly scatter: Locator;
  readonly grid: Locator;
  readonly hoverCard: Locator;

  private constructor(readonly page: Page) {
    this.scatter = page.getByTestId('scatter');
    this.grid = page.getByTestId('grid');
    this.hoverCard = page.getByTestId('hover-card');
    page.on('console', (message) => {
      const text = `${message.text()} (${message.location().url})`;
      if (HARMLESS_CONSOLE.some((pattern) => pattern.test(text))) return;
      if (message.type() === 'error') this.consoleErrors.push(text);
      if (message.type() === 'warning') this.consoleWarnings.push(text);
    });
    page.on('pageerror', (error) => this.consoleErrors.push(`page error: ${error.stack ?? error.message}`));
  }

  static async open(browser: Browser, url: string, viewport = { width: 1600, height: 960 }): Promise<AppPage> {
    const context = await browser.newContext({ viewport, acceptDownloads: true });
    const app = new AppPage(await context.newPage());
    await app.page.goto(url);
    return app;
  }

  async close(): Promise<void> {
    await this.page.context().close();
  }

  /** Waits until deck.gl has drawn the final layout; returns how many points it draws. */
  async waitForMap(timeoutMs: number): Promise<number> {
    await this.page.locator('[data-testid=scatter][data-ready=true]').waitFor({ timeout: timeoutMs });
    return Number(await this.scatter.getAttribute('data-point-count'));
  }

  /** Lays the current selection out on its own; returns how many points the map then draws. */
  async reprojectSelection(timeoutMs: number): Promise<number> {
    await this.page.getByTestId('reproject-selection').click();
    await this.page.getByTestId('subset-bar').waitFor({ timeout: timeoutMs });
    await this.page.locator('[data-testid=scatter][data-ready=true]').waitFor({ timeout: timeoutMs });
    return Number(await this.scatter.getAttribute('data-point-count'));
  }

  async backToFullMap(): Promise<number> {
    await this.page.getByTestId('back-to-map').click();
    await this.page.getByTestId('subset-bar').waitFor({ state: 'detached' });
    return Number(await this.scatter.getAttribute('data-point-count'));
  }

  /** Page coordinates and colours of map pixels that show a point, brightest first. */
  async pointPixels(): Promise<MapPixel[]> {
    // The hover card's thumbnail is brighter than any point: park the pointer off the map until it is gone.
    await this.page.mouse.move(1, 1);
    await this.hoverCard.waitFor({ state: 'hidden' });
    const box = await this.scatter.boundingBox();
    if (!box) throw new Error('the scatter is not visible');
    const png = await this.scatter.screenshot();
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    const scale = info.width / box.width;
    const found: Array<MapPixel & { brightness: number }> = [];
    // Every 2nd pixel is enough to find points a few pixels wide; stay clear of the map's edges.
    for (let y = 20; y < info.height - 20; y += 2) {
      for (let x = 20; x < info.width - 20; x += 2) {
        const o = (y * info.width + x) * info.channels;
        const rgb: [number, number, number] = [data[o]!, data[o + 1]!, data[o + 2]!];
        const brightness = Math.max(...rgb);
        if (brightness >= POINT_PIXEL_MIN) found.push({ x: box.x + x / scale, y: box.y + y / scale, rgb, brightness });
      }
    }
    return found.sort((a, b) => b.brightness - a.brightness).map(({ x, y, rgb }) => ({ x, y, rgb }));
  }

  /**
   * Hovers points found on screen (only pixels whose colour passes `accept`, when given) until the hover card
   * shows; returns the hovered image's index.
   */
  async hoverSomePoint(accept: (rgb: [number, number, number]) => boolean = () => true): Promise<number> {
    const pixels = (await this.pointPixels()).filter((p) => accept(p.rgb));
    if (pixels.length === 0) throw new Error('no matching point is visible on the map');
    const step = Math.max(1, Math.floor(pixels.length / 12));
    for (let k = 0; k < pixels.length && k < 12 * step; k += step) {
      const { x, y } = pixels[k]!;
      await this.page.mouse.move(x, y, { steps: 2 });
      try {
        await this.hoverCard.waitFor({ state: 'visible', timeout: 1500 });
        return Number(await this.hoverCard.getAttribute('data-index'));
      } catch {
        // Not on a point after all (anti-aliased edge): try the next candidate.
      }
    }
    throw new Error('hovering visible points never showed the hover card');
  }

  /** Centre of the square window of `sizePx` holding the most point pixels. */
  async densestSpot(sizePx: number): Promise<ScreenPoint> {
    const pixels = await this.pointPixels();
    const box = (await this.scatter.boundingBox())!;
    const cells = new Map<string, number>();
    const cellPx = sizePx / 2;
    for (const p of pixels) {
      const key = `${Math.floor((p.x - box.x) / cellPx)},${Math.floor((p.y - box.y) / cellPx)}`;
      cells.set(key, (cells.get(key) ?? 0) + 1);
    }
    let best = { count: -1, cx: 0, cy: 0 };
    for (const key of cells.keys()) {
      const [cx, cy] = key.split(',').map(Number) as [number, number];
      // A 2×2 block of half-size cells is one window of sizePx.
      const count = [0, 1].reduce((n, dx) => n + [0, 1].reduce((m, dy) => m + (cells.get(`${cx + dx},${cy + dy}`) ?? 0), 0), 0);
      if (count > best.count) best = { count, cx, cy };
    }
    return { x: box.x + (best.cx + 1) * cellPx, y: box.y + (best.cy + 1) * cellPx };
  }

  async setLasso(on: boolean): Promise<void> {
    const toggle = this.page.getByTestId('lasso-toggle');
    if ((await toggle.getAttribute('aria-pressed')) !== String(on)) await toggle.click();
  }

  /** Draws a closed lasso (a polygon of `vertices` around `centre`) with the mouse, in lasso mode. */
  async lassoAround(centre: ScreenPoint, radiusPx: number, vertices = 16): Promise<void> {
    await this.setLasso(true);
    const outline = Array.from({ length: vertices }, (_, k) => {
      const angle = (2 * Math.PI * k) / vertices;
      return { x: centre.x + radiusPx * Math.cos(angle), y: centre.y + radiusPx * Math.sin(angle) };
    });
    const first = outline[0]!;
    await this.page.mouse.move(first.x, first.y);
    await this.page.mouse.down();
    for (const vertex of [...outline.slice(1), first]) await this.page.mouse.move(vertex.x, vertex.y, { steps: 3 });
    await this.page.mouse.up();
  }

  /** The selection size the header shows. */
  async selectionCount(): Promise<number> {
    return Number(await this.page.getByTestId('selection-count').getAttribute('data-count'));
  }

  /** Scrolls the virtualized grid from top to bottom and returns every cell's image index seen on the way. */
  async allGridIndices(): Promise<number[]> {
    await this.grid.waitFor();
    const seen = new Set<number>();
    await this.grid.evaluate((el) => el.scrollTo({ top: 0 }));
    for (;;) {
      await this.waitForGridRows();
      for (const value of await this.grid.locator('[data-testid=grid-item]').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-index')))) {
        seen.add(Number(value));
      }
      const atEnd = await this.grid.evaluate((el) => {
        if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) return true;
        el.scrollBy({ top: el.clientHeight * 0.8 });
        return false;
      });
      if (atEnd) break;
    }
    return [...seen];
  }

  /** Waits until the virtualized grid has rendered the rows at the middle of its scrolled viewport. */
  private async waitForGridRows(): Promise<void> {
    await this.grid.evaluate(async (el) => {
      const tolerancePx = 12;
      const deadline = performance.now() + 5000;
      while (performance.now() < deadline) {
        if (el.scrollHeight <= el.clientHeight) return;
        const box = el.getBoundingClientRect();
        const middle = box.top + box.height / 2;
        const cells = [...el.querySelectorAll('[data-testid=grid-item]')].map((c) => c.getBoundingClientRect());
        if (cells.some((c) => c.top - tolerancePx <= middle && middle <= c.bottom + tolerancePx)) return;
        await new Promise((resolve) => setTimeout(resolve, 16));
      }
      throw new Error('the grid did not render the rows in view within 5 s');
    });
  }

  /** Waits until the engine's scores are in: the "Score…" dropdown appears with them. */
  async waitForScores(timeoutMs: number): Promise<void> {
    await this.page.getByTestId('score-select').waitFor({ timeout: timeoutMs });
  }

  /** Score column names the dropdown offers. */
  async scoreNames(): Promise<string[]> {
    const values = await this.page.getByTestId('score-select').locator('option').evaluateAll((options) => options.map((o) => o.getAttribute('value') ?? ''));
    return values.filter((v) => v.startsWith('score:')).map((v) => v.slice('score:'.length));
  }

  /** Colours the map by a score column, picked from the "Score…" dropdown. */
  async colorByScore(name: string): Promise<void> {
    await this.page.getByTestId('score-select').selectOption(`score:${name}`);
    await this.page.locator(`[data-testid=score-legend][data-score="${name}"]`).waitFor();
  }

  /** The robust range the legend shows for the active number score. */
  async scoreRange(): Promise<{ min: number; max: number }> {
    const range = this.page.getByTestId('score-range');
    return { min: Number(await range.getAttribute('data-min')), max: Number(await range.getAttribute('data-max')) };
  }

  /** Types a threshold for the active number score, as a user does. */
  async setThreshold(value: number): Promise<void> {
    await this.page.getByTestId('score-threshold').fill(String(value));
  }

  /** How many images the score filter matches, as shown. */
  async matchingCount(): Promise<number> {
    return Number(await this.page.getByTestId('matching-count').getAttribute('data-count'));
  }

  async selectMatching(): Promise<void> {
    await this.page.getByTestId('select-matching').click();
  }

  /** Opens the clusters tab of the right panel and returns its rows, weakest cluster first. */
  async openClusters(): Promise<Locator> {
    await this.page.getByTestId('tab-clusters').click();
    await this.page.getByTestId('clusters-panel').waitFor();
    return this.page.getByTestId('cluster-row');
  }

  /** Clicks "Export CSV" and returns the downloaded file's name and text. */
  async exportCsv(): Promise<{ fileName: string; content: string }> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.page.getByTestId('export-csv').click()]);
    const file = await download.path();
    return { fileName: download.suggestedFilename(), content: await readFile(file, 'utf8') };
  }

  async screenshot(path: string): Promise<void> {
    await this.page.screenshot({ path });
  }

  /** Console errors and page errors, minus known-harmless noise. */
  unexpectedConsoleErrors(): string[] {
    return [...this.consoleErrors];
  }
}
