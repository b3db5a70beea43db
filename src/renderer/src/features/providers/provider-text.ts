import type { EmbedderInfo } from '../../../../shared/model/dataset';

const PROVIDER_TITLES: Readonly<Record<string, string>> = {
  auto: 'Auto (fastest available)',
  cpu: 'CPU',
  webgpu: 'WebGPU',
  cuda: 'CUDA',
  tensorrt: 'TensorRT',
  coreml: 'CoreML',
  dml: 'DirectML',
};

/** A provider name as the select shows it. */
export function providerTitle(name: string): string {
  return PROVIDER_TITLES[name] ?? name;
}

const STAGES: Record<NonNullable<EmbedderInfo['skippedProviders']>[number]['stage'], string> = {
  unavailable: 'not available',
  create: 'failed to start',
  'warm-up': 'failed its first run',
};

/**
 * The summary's "Runs on" line for an ONNX embedder ("webgpu", "1 skipped") and its hover text listing every
 * provider passed over with why; null for embedders that use no execution provider.
 */
export function describeProviderUse(embedder: EmbedderInfo): { provider: string; skippedNote: string | null; title: string } | null {
  if (embedder.executionProvider === 'none') return null;
  const skipped = embedder.skippedProviders ?? [];
  const lines = [`${embedder.name} runs on ${providerTitle(embedder.executionProvider)} (${embedder.executionProvider})`];
  for (const skip of skipped) lines.push(`${skip.provider} ${STAGES[skip.stage]}: ${skip.reason}`);
  return { provider: embedder.executionProvider, skippedNote: skipped.length > 0 ? `${skipped.length} skipped` : null, title: lines.join('\n') };
}
