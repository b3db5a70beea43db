/**
 * Reads CLIP's byte-pair-encoding merges from the files exporters ship them in: OpenAI's
 * `bpe_simple_vocab_16e6.txt.gz`, Hugging Face's `merges.txt` (the same text, uncompressed) and Hugging Face's
 * `tokenizer.json` (merges and vocabulary as JSON). Every reader fails with a TokenizerFileError naming the file.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';

/**
 * The merges CLIP uses: its vocabulary is 256 byte symbols, the same 256 with `</w>`, one token per merge and
 * the two special tokens, 49408 in all. OpenAI's file holds 262144 merges, of which the reference reads this many.
 */
export const CLIP_MERGE_COUNT = 49152 - 256 - 2;

export const TOKENIZER_FILE_NAMES = ['merges.txt', 'tokenizer.json', 'bpe_simple_vocab_16e6.txt.gz'] as const;

/** A tokenizer file that is missing, unreadable or not CLIP's. */
export class TokenizerFileError extends Error {
  override readonly name = 'TokenizerFileError';

  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`Cannot use ${path} as a CLIP tokenizer: ${reason}`);
  }
}

/** One merge: the two symbols joined into one token, in rank order. */
export type Merge = readonly [string, string];

export interface BpeTables {
  merges: Merge[];
  /** The token-to-id map when the file states one (tokenizer.json); otherwise CLIP's is derived from the merges. */
  vocab?: ReadonlyMap<string, number>;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** Reads any of the three formats, told apart by content (gzip magic bytes, a JSON object or a `.json` name, or merges text). */
export async function readBpeTables(path: string): Promise<BpeTables> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TokenizerFileError(path, code === 'ENOENT' ? 'the file does not exist' : `cannot read it (${code ?? String(error)})`);
  }
  if (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) {
    let text: string;
    try {
      text = gunzipSync(bytes).toString('utf8');
    } catch (error) {
      throw new TokenizerFileError(path, `it is not a complete gzip file (${error instanceof Error ? error.message : String(error)})`);
    }
    return { merges: parseMergesText(text, path) };
  }
  const text = bytes.toString('utf8');
  if (path.toLowerCase().endsWith('.json') || text.trimStart().startsWith('{')) return parseTokenizerJson(text, path);
  return { merges: parseMergesText(text, path) };
}

/**
 * OpenAI's and Hugging Face's merges text: a `#version` header line, then one merge per line, two symbols
 * separated by a space. Like both reference tokenizers, only the first CLIP_MERGE_COUNT merges are used.
 */
export function parseMergesText(text: string, path: string): Merge[] {
  let start = 0;
  const nextLine = (): string | undefined => {
    if (start >= text.length) return undefined;
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).replace(/\r$/, '');
    start = end + 1;
    return line;
  };
  const header = nextLine();
  if (header === undefined || !header.includes('#version')) {
    throw new TokenizerFileError(path, `line 1 should be a '#version: ...' header, found ${JSON.stringify((header ?? '').slice(0, 60))}`);
  }
  const merges: Merge[] = [];
  for (let lineNumber = 2; merges.length < CLIP_MERGE_COUNT; lineNumber++) {
    const line = nextLine();
    if (line === undefined) break;
    const parts = line.split(' ');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      throw new TokenizerFileError(path, `line ${lineNumber} is not a merge of two symbols: ${JSON.stringify(line.slice(0, 60))}`);
    }
    merges.push([parts[0] as string, parts[1] as string]);
  }
  return checkMergeCount(merges, path);
}

function checkMergeCount(merges: Merge[], path: string): Merge[] {
  if (merges.length < CLIP_MERGE_COUNT) {
    throw new TokenizerFileError(path, `it has ${merges.length} merges, CLIP's vocabulary needs ${CLIP_MERGE_COUNT} (truncated file?)`);
  }
  return merges;
}

const tokenizerJsonSchema = z.object({
  model: z.object({
    type: z.literal('BPE', { error: "model.type must be 'BPE' (CLIP's tokenizer is byte-pair encoding)" }),
    end_of_word_suffix: z.literal('</w>', { error: "model.end_of_word_suffix must be '</w>' as in CLIP" }).nullish(),
    vocab: z.record(z.string(), z.number().int().nonnegative()),
    // tokenizers < 0.20 write "a b" strings; later versions write [a, b] pairs.
    merges: z.array(z.union([z.string(), z.tuple([z.string(), z.string()])])),
  }),
});

/** Hugging Face's tokenizer.json, when it is a plain BPE model as CLIP's is. */
export function parseTokenizerJson(text: string, path: string): BpeTables {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TokenizerFileError(path, `it is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = tokenizerJsonSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TokenizerFileError(path, `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'unexpected structure'}`);
  }
  const merges: Merge[] = [];
  for (const [index, merge] of parsed.data.model.merges.slice(0, CLIP_MERGE_COUNT).entries()) {
    const parts = typeof merge === 'string' ? merge.split(' ') : merge;
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      throw new TokenizerFileError(path, `model.merges[${index}] is not a merge of two symbols: ${JSON.stringify(merge)}`);
    }
    merges.push([parts[0] as string, parts[1] as string]);
  }
  return { merges: checkMergeCount(merges, path), vocab: new Map(Object.entries(parsed.data.model.vocab)) };
}

/** Hugging Face's merges.txt for these merges (what its CLIP tokenizers read). */
export function formatMergesText(merges: readonly Merge[]): string {
  return `#version: 0.2\n${merges.map(([a, b]) => `${a} ${b}`).join('\n')}\n`;
}
