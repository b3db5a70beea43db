/**
 * `dataset-health models` end to end, in-process, against a local stand-in for huggingface.co reached through
 * HF_ENDPOINT: list, download with byte progress on stderr, import with its warning, remove, and the errors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadCatalog } from '../../src/core/models/catalog.js';
import { startFakeHub, type FakeHub } from '../../src/core/models/test-helpers/fake-hub.js';
import { writeModelFolder } from '../../src/core/models/test-helpers/model-folders.js';
import { serveCatalogModel } from '../../src/core/models/test-helpers/serve-catalog-model.js';
import { modelCatalogFile } from '../../src/core/resources.js';

describe('dataset-health models', () => {
  let hub: FakeHub;
  let work: string;
  let dataDir: string;
  let stdout = '';
  let stderr = '';

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'dh-cli-models-'));
    dataDir = path.join(work, 'data');
    hub = await startFakeHub();
    const entry = (await loadCatalog(modelCatalogFile())).models.find((m) => m.id === 'clip-vit-b32')!;
    await serveCatalogModel(hub, entry, path.join(work, 'hub'));
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    stdout = '';
    stderr = '';
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await hub.close();
    rmSync(work, { recursive: true, force: true });
  });

  const run = (...args: string[]): Promise<number> => main(['models', ...args, '--data-dir', dataDir]);

  it('downloads from HF_ENDPOINT with progress on stderr, then lists the model as installed', async () => {
    vi.stubEnv('HF_ENDPOINT', hub.endpoint);
    expect(await run('download', 'clip-vit-b32', '--precision', 'fp16')).toBe(0);
    expect(stdout).toBe('Installed clip-vit-b32 (fp16).\n');
    expect(stderr).toMatch(/^Downloading CLIP ViT-B\/32 \(fp16\): 0 B of [\d.]+ [kM]B \(0%\)\n/);
    expect(stderr.trimEnd().split('\n').at(-1)).toMatch(/^Downloading CLIP ViT-B\/32 \(fp16\): ([\d.]+ [kM]B) of \1 \(100%\)$/);
    expect(hub.log.some((r) => r.path.endsWith('/onnx/vision_model_fp16.onnx'))).toBe(true);

    stdout = '';
    expect(await run('list', '--json')).toBe(0);
    const list = JSON.parse(stdout) as { models: { id: string; installed: string[] }[]; defaultModel: string };
    expect(list.models.find((m) => m.id === 'clip-vit-b32')?.installed).toEqual(['fp16']);
    expect(list.defaultModel).toBe('clip-vit-b32');
    stdout = '';
    expect(await run('list')).toBe(0);
    expect(stdout).toContain(`Model cache: ${path.join(dataDir, 'models')}`);
    expect(stdout).toMatch(/clip-vit-b32 +CLIP ViT-B\/32\n +fp32 [\d.]+ MB, fp16 [\d.]+ [kM]B \(installed\); text features installed; Xenova\/clip-vit-base-patch32@4c1807b705b1/);
  });

  it('imports a folder without a tokenizer, warning that text features are unavailable, and removes it', async () => {
    const folder = await writeModelFolder(path.join(work, 'my-clip'), { tokenizer: 'none' });
    expect(await run('import', folder)).toBe(0);
    expect(stderr).toMatch(/^warning: .*my-clip has no tokenizer .*text search and zero-shot labels are unavailable/);
    const id = /as (local-[0-9a-f]{12}) /.exec(stdout)?.[1];
    expect(id).toBeDefined();
    stdout = '';
    expect(await run('remove', id!)).toBe(0);
    expect(stdout).toBe(`Removed ${id}.\n`);
  });

  it('says how to import instead when the hub cannot be reached', async () => {
    vi.stubEnv('HF_ENDPOINT', 'http://model-hub.invalid');
    expect(await run('download', 'clip-vit-b16')).toBe(1);
    expect(stderr).toMatch(/Cannot reach model-hub\.invalid \((ENOTFOUND|EAI_AGAIN)\).*dataset-health models import PATH/);
  });

  it('rejects bad usage with exit code 2', async () => {
    expect(await run('download', 'clip-vit-b32', '--precision', 'int8')).toBe(2);
    expect(stderr).toContain("--precision must be fp32 or fp16, got 'int8'");
    expect(await run('fetch')).toBe(2);
    expect(await run('import')).toBe(2);
  });
});
