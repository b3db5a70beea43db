/**
 * Test helper: puts a catalogue entry's files on the stand-in hub, with the tiny generated towers (the real
 * signatures) in place of the real weights and OpenAI's real CLIP merges as merges.txt, so a test downloads
 * "CLIP ViT-B/32" in milliseconds and the text tower loads from the result.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeTinyClipModel, writeTinyClipTextModel } from '../../../../test/fixtures/models/tiny-clip.js';
import { clipBpeVocabularyPath } from '../../resources.js';
import { formatMergesText, readBpeTables } from '../../text/bpe-files.js';
import type { CatalogEntry } from '../catalog.js';
import type { FakeHub } from './fake-hub.js';

export async function serveCatalogModel(hub: FakeHub, entry: CatalogEntry, scratchDir: string): Promise<void> {
  for (const file of entry.files) {
    const scratch = join(scratchDir, entry.id, file.path);
    const precision = file.precision === 'fp16' ? 'fp16' : 'fp32';
    let content: Buffer;
    if (file.role === 'vision') content = await readFile(await writeTinyClipModel(scratch, { precision, seed: 1 }));
    else if (file.role === 'text') content = await readFile(await writeTinyClipTextModel(scratch, { precision, seed: 1 }));
    else if (file.path === 'merges.txt') content = Buffer.from(formatMergesText((await readBpeTables(clipBpeVocabularyPath())).merges));
    else content = Buffer.from(`{"file": "${file.path}"}\n`);
    hub.setFile(entry.source.repo, entry.source.revision, file.path, { content, lfs: file.role === 'vision' || file.role === 'text' });
  }
}
