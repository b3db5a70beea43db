import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { clipBpeVocabularyPath } from '../resources.js';
import { CLIP_MERGE_COUNT, formatMergesText, parseMergesText } from './bpe-files.js';
import { ApiError } from '../../shared/api/errors.js';
import { ClipTokenizer, clipVocabulary, findTokenizerFile, MAX_TEXT_CHARS, TokenizerFileError, truncateToContext } from './clip-tokenizer.js';

const casesSchema = z.object({ cases: z.array(z.object({ text: z.string(), ids: z.array(z.number()), ids_context77: z.array(z.number()) })) });
const casesPath = new URL('../../../test/fixtures/clip-bpe/tokenizer-cases.json', import.meta.url);

let tokenizer: ClipTokenizer;
let cases: z.infer<typeof casesSchema>['cases'];
let dir: string;
let mergesText: string;

beforeAll(async () => {
  tokenizer = await ClipTokenizer.loadBundled();
  cases = casesSchema.parse(JSON.parse(await readFile(casesPath, 'utf8'))).cases;
  dir = await mkdtemp(join(tmpdir(), 'clip-tokenizer-'));
  const bundled = gunzipSync(await readFile(clipBpeVocabularyPath())).toString('utf8');
  mergesText = formatMergesText(parseMergesText(bundled, 'bundled'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Expects `promise` to reject with a TokenizerFileError naming `path` and matching `reason`. */
async function expectTokenizerError(promise: Promise<unknown>, path: string, reason: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenizerFileError);
  expect((error as TokenizerFileError).message).toContain(path);
  expect((error as TokenizerFileError).reason).toMatch(reason);
}

describe('ClipTokenizer with the bundled vocabulary', () => {
  it('has CLIP ViT-B/32 vocabulary size and special tokens', () => {
    expect(tokenizer.vocabularySize).toBe(49408);
    expect([tokenizer.startId, tokenizer.endId]).toEqual([49406, 49407]);
  });

  it('reproduces every reference case, untruncated', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
    for (const c of cases) expect(tokenizer.encode(c.text), JSON.stringify(c.text)).toEqual(c.ids);
  });

  it('reproduces every reference case in 77-token rows, padded with 0 and masked', () => {
    const batch = tokenizer.encodeBatch(cases.map((c) => c.text));
    expect(batch.contextLength).toBe(77);
    cases.forEach((c, row) => {
      const ids = Array.from(batch.inputIds.subarray(row * 77, (row + 1) * 77), Number);
      const mask = Array.from(batch.attentionMask.subarray(row * 77, (row + 1) * 77), Number);
      const length = c.ids_context77.length;
      expect(ids.slice(0, length), JSON.stringify(c.text)).toEqual(c.ids_context77);
      expect(ids.slice(length).every((id) => id === 0)).toBe(true);
      expect(mask).toEqual(ids.map((_, i) => (i < length ? 1 : 0)));
    });
  });

  it('cuts a shorter context the same way, and refuses a context without room for start and end', () => {
    const long = cases.find((c) => c.ids.length > 77);
    expect(long).toBeDefined();
    const batch = tokenizer.encodeBatch([long!.text, 'a dog'], 5);
    expect(Array.from(batch.inputIds, Number)).toEqual([...long!.ids.slice(0, 4), 49407, 49406, 320, 1929, 49407, 0]);
    expect(truncateToContext([1, 2, 3], 5, 9)).toEqual([1, 2, 3]);
    expect(() => tokenizer.encodeBatch(['a'], 1)).toThrow(RangeError);
  });

  it('stops tokenising once maxIds are collected, with the same 77-token rows as the full encoding', () => {
    const long = cases.find((c) => c.ids.length > 77);
    expect(long).toBeDefined();
    expect(tokenizer.encode(long!.text, 10)).toEqual([...long!.ids.slice(0, 10), 49407]);
    // A long text made of many words costs only the words that fit: far below the time of encoding it all.
    const text = Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');
    const row = Array.from(tokenizer.encodeBatch([text]).inputIds, Number);
    expect(row).toEqual(truncateToContext(tokenizer.encode(text), 77, 49407));
  });

  it('refuses a text longer than MAX_TEXT_CHARS with an error that says why, instead of holding the thread', () => {
    const huge = 'a'.repeat(MAX_TEXT_CHARS + 1);
    expect(() => tokenizer.encode(huge)).toThrow(ApiError);
    expect(() => tokenizer.encodeBatch([huge])).toThrow(/too long: CLIP reads 77 tokens at most/);
    expect(tokenizer.encode('a'.repeat(MAX_TEXT_CHARS)).length).toBeGreaterThan(2);
  });

  it('html-unescapes twice and treats the special-token strings as the special tokens', () => {
    expect(tokenizer.encode('&amp;lt;')).toEqual(tokenizer.encode('<'));
    expect(tokenizer.encode('<|endoftext|>')).toEqual([49406, 49407, 49407]);
  });
});

describe('other tokenizer file formats', () => {
  it("reads Hugging Face's merges.txt to the same ids", async () => {
    const path = join(dir, 'merges.txt');
    await writeFile(path, mergesText);
    const fromMerges = await ClipTokenizer.load(path);
    for (const c of cases) expect(fromMerges.encode(c.text)).toEqual(c.ids);
  });

  it("reads Hugging Face's tokenizer.json, with merges as strings or as pairs", async () => {
    const merges = parseMergesText(mergesText, 'm');
    const vocab = Object.fromEntries(clipVocabulary(merges).map((token, id) => [token, id]));
    for (const form of ['strings', 'pairs'] as const) {
      const path = join(dir, `tokenizer-${form}.json`);
      const listed = form === 'strings' ? merges.map(([a, b]) => `${a} ${b}`) : merges;
      await writeFile(path, JSON.stringify({ version: '1.0', model: { type: 'BPE', end_of_word_suffix: '</w>', vocab, merges: listed } }));
      const fromJson = await ClipTokenizer.load(path);
      for (const c of cases.slice(0, 5)) expect(fromJson.encode(c.text)).toEqual(c.ids);
    }
  });
});

describe('bad tokenizer files', () => {
  it('names a missing file', async () => {
    const path = join(dir, 'nope', 'merges.txt');
    await expectTokenizerError(ClipTokenizer.load(path), path, /does not exist/);
  });

  it('names a truncated gzip file', async () => {
    const whole = await readFile(clipBpeVocabularyPath());
    const path = join(dir, 'cut.txt.gz');
    await writeFile(path, whole.subarray(0, whole.length / 2));
    await expectTokenizerError(ClipTokenizer.load(path), path, /not a complete gzip file/);
  });

  it('names a merges file that is cut short, garbled or headerless, with the line', async () => {
    const lines = mergesText.split('\n');
    const short = join(dir, 'short.txt');
    await writeFile(short, lines.slice(0, 1000).join('\n'));
    await expectTokenizerError(ClipTokenizer.load(short), short, new RegExp(`999 merges.*${CLIP_MERGE_COUNT}`));
    const garbled = join(dir, 'garbled.txt.gz');
    await writeFile(garbled, gzipSync([...lines.slice(0, 10), 'not a merge line', ...lines.slice(10)].join('\n')));
    await expectTokenizerError(ClipTokenizer.load(garbled), garbled, /line 11 is not a merge of two symbols/);
    const headerless = join(dir, 'headerless.txt');
    await writeFile(headerless, lines.slice(1).join('\n'));
    await expectTokenizerError(ClipTokenizer.load(headerless), headerless, /line 1 should be a '#version/);
  });

  it('names a tokenizer.json that is not JSON, not BPE, or whose vocabulary disagrees with its merges', async () => {
    const notJson = join(dir, 'broken.json');
    await writeFile(notJson, '<html>Rate limited</html>');
    await expectTokenizerError(ClipTokenizer.load(notJson), notJson, /not valid JSON/);
    const unigram = join(dir, 'unigram.json');
    await writeFile(unigram, JSON.stringify({ model: { type: 'Unigram', vocab: [] } }));
    await expectTokenizerError(ClipTokenizer.load(unigram), unigram, /model.type must be 'BPE'/);
    const merges = parseMergesText(mergesText, 'm');
    const vocab = Object.fromEntries(clipVocabulary(merges).map((token, id) => [token, id]));
    vocab['a</w>'] = 7;
    const mismatched = join(dir, 'mismatched.json');
    await writeFile(mismatched, JSON.stringify({ model: { type: 'BPE', vocab, merges: merges.map(([a, b]) => `${a} ${b}`) } }));
    await expectTokenizerError(ClipTokenizer.load(mismatched), mismatched, /"a<\/w>" id 7/);
  });
});

describe('findTokenizerFile', () => {
  it('prefers merges.txt, then tokenizer.json, then the OpenAI file', async () => {
    const model = join(dir, 'model');
    await mkdir(model, { recursive: true });
    await writeFile(join(model, 'bpe_simple_vocab_16e6.txt.gz'), '');
    expect(await findTokenizerFile(model)).toBe(join(model, 'bpe_simple_vocab_16e6.txt.gz'));
    await writeFile(join(model, 'tokenizer.json'), '');
    expect(await findTokenizerFile(model)).toBe(join(model, 'tokenizer.json'));
    await writeFile(join(model, 'merges.txt'), '');
    expect(await findTokenizerFile(model)).toBe(join(model, 'merges.txt'));
  });

  it('names the folder and every file name it looked for when there is none', async () => {
    const empty = join(dir, 'empty-model');
    await mkdir(empty, { recursive: true });
    await expectTokenizerError(findTokenizerFile(empty), empty, /merges\.txt, tokenizer\.json, bpe_simple_vocab_16e6\.txt\.gz/);
  });
});
