/**
 * Test helper: puts a catalogue entry's files on the stand-in hub, with tiny generated towers of the real
 * signatures in place of the real weights, so a test downloads "CLIP ViT-B/32" in milliseconds.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeTinyClipModel } from '../../../../test/fixtures/models/tiny-clip.js';
import type { CatalogEntry } from '../catalog.js';
import type { FakeHub } from './fake-hub.js';
import { writeTinyTextTower } from './model-folders.js';

export async function serveCatalogModel(hub: FakeHub, entry: CatalogEntry, scratchDir: string): Promise<void> {
  for (const file of entry.files) {
    let content: Buffer;
    if (file.role === 'vision') content = await readFile(await writeTinyClipModel(join(scratchDir, entry.id, file.path), { precision: file.precision === 'fp16' ? 'fp16' : 'fp32', seed: 1 }));
    else if (file.role === 'text') content = await readFile(await writeTinyTextTower(join(scratchDir, entry.id, file.path)));
    else content = Buffer.from(`{"file": "${file.path}"}\n`);
    hub.setFile(entry.source.repo, entry.source.revision, file.path, { content, lfs: file.role === 'vision' || file.role === 'text' });
  }
}
