/**
 * Preflight for the GPU run: loads a tiny generated CLIP vision model on one execution provider and runs one
 * image, so that a machine without a WebGPU adapter (no Vulkan loader, no ICD) fails in seconds with onnxruntime's
 * reason instead of after minutes of image generation.
 *
 *   npx tsx bench/embed/device/check-provider.ts --provider webgpu
 *
 * Prints one JSON line ({check, provider_requested, provider, ok, reason?}); exits 3 when the provider is unusable.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { buildClipVisionModel, CLIP_VISION_VARIANTS } from '../../../scripts/onnx/clip-vision.js';
import { loadClipSession } from '../../../src/core/embed/clip-session.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { provider: { type: 'string', default: 'webgpu' } } });
  const requested = values.provider;
  const dir = mkdtempSync(join(tmpdir(), 'check-provider-'));
  const base = { check: 'provider', provider_requested: requested, onnxruntime: ort.env.versions.common };
  try {
    const modelPath = join(dir, 'tiny.onnx');
    writeFileSync(modelPath, buildClipVisionModel(CLIP_VISION_VARIANTS.tiny, { precision: 'fp16-weights', seed: 1 }));
    const { session, info } = await loadClipSession(modelPath, [requested]);
    await session.release();
    const ok = info.provider === requested;
    console.log(JSON.stringify({ ...base, provider: info.provider, ok, embed_dim: info.dim }));
    if (!ok) process.exitCode = 3;
  } catch (error) {
    console.log(JSON.stringify({ ...base, provider: null, ok: false, reason: error instanceof Error ? error.message : String(error) }));
    process.exitCode = 3;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
