/**
 * Child process of the project bench: Apple's Embedding Atlas UMAP (Rust compiled to WASM, `createUMAP` from
 * `embedding-atlas/umap`) on an .npy matrix, with its defaults (15 neighbours, its own epoch count).
 * Prints `FIT_SECONDS s` (createUMAP + run, loading excluded).
 *
 *   npx tsx bench/project/run-atlas.ts ATLAS_UMAP_JS IN.npy OUT.npy
 */
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { readNpyFile } from '../../src/core/dataset/npy.js';
import { writeNpy } from './npy-write.js';

const [modulePath, input, output] = z.tuple([z.string(), z.string(), z.string()]).parse(process.argv.slice(2));
const atlasUmapSchema = z.object({ createUMAP: z.function() });
const atlas = atlasUmapSchema.parse(await import(pathToFileURL(modulePath).href));
interface AtlasUmap {
  run(): Promise<void>;
  readonly embedding: Float32Array;
  destroy(): void;
}
const createUMAP = atlas.createUMAP as unknown as (count: number, inputDim: number, outputDim: number, data: Float32Array, options?: object) => Promise<AtlasUmap>;

const matrix = readNpyFile(input);
const started = performance.now();
const umap = await createUMAP(matrix.rows, matrix.cols, 2, matrix.data, { nNeighbors: 15, seed: 42 });
await umap.run();
const xy = new Float32Array(umap.embedding);
const seconds = (performance.now() - started) / 1000;
umap.destroy();
writeNpy(output, xy, [matrix.rows, 2]);
console.log(`FIT_SECONDS ${seconds.toFixed(2)}`);
