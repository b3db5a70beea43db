import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root. Both the TypeScript sources (src/core/*.ts) and the Electron bundle (out/main/*.js)
 * sit two folders below it, so one rule serves both.
 */
function appRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidate = resolve(here, '../..');
  return existsSync(join(candidate, 'package.json')) ? candidate : process.cwd();
}

export function sampleDatasetRoot(): string {
  return join(appRoot(), 'resources/sample/fmnist-1k');
}

export function rendererDir(): string {
  return join(appRoot(), 'out/renderer');
}

/** The catalogue of downloadable models (see src/core/models/catalog.ts). */
export function modelCatalogFile(): string {
  return join(appRoot(), 'resources/models/catalog.json');
}

/** OpenAI's CLIP byte-pair-encoding merges (MIT), shared by every OpenAI CLIP model's text tower. */
export function clipBpeVocabularyPath(): string {
  return join(appRoot(), 'resources/clip-bpe/bpe_simple_vocab_16e6.txt.gz');
}

/** The WebAssembly resize kernel (wasm/cover-resize, built by `npm run build:wasm`). */
export function coverResizeWasmPath(): string {
  return join(appRoot(), 'resources/wasm/cover-resize.wasm');
}
