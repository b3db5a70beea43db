/**
 * CLIP's text tokenizer: the algorithm of openai/CLIP's `simple_tokenizer.py` (byte-level BPE with `</w>` word
 * ends), reproducing its ids exactly. The text is cleaned as the reference does (ftfy is not applied: the ids
 * match the reference run with ftfy as identity), html-unescaped twice, whitespace-folded, trimmed and
 * lower-cased, split with the reference pattern, and each piece's UTF-8 bytes are BPE-merged.
 *
 * Hugging Face's fast tokenizer differs on rare inputs (it NFC-normalises and does not unescape html); CLIP was
 * trained with this one.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '../../shared/api/errors.js';
import { clipBpeVocabularyPath } from '../resources.js';
import { readBpeTables, TOKENIZER_FILE_NAMES, TokenizerFileError, type BpeTables, type Merge } from './bpe-files.js';
import { htmlUnescape } from './html-unescape.js';

export { TokenizerFileError } from './bpe-files.js';

export const CLIP_CONTEXT_LENGTH = 77;
/** Longer texts are refused: 77 tokens never need more, and BPE time grows with the square of a word's length. */
export const MAX_TEXT_CHARS = 2_000;
export const START_OF_TEXT = '<|startoftext|>';
export const END_OF_TEXT = '<|endoftext|>';
const END_OF_WORD = '</w>';

/** The reference pattern; `\p{White_Space}` is what Python's `regex` module means by `\s` (JS's `\s` adds U+FEFF). */
const PIECE_PATTERN = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\p{White_Space}\p{L}\p{N}]+/giu;
const WHITESPACE_RUN = /\p{White_Space}+/gu;
/** Python's str.strip() removes what str.isspace() accepts: White_Space plus the separators U+001C..U+001F. */
// eslint-disable-next-line no-control-regex -- those control characters are exactly what Python strips
const PY_STRIP = /^[\p{White_Space}\x1c-\x1f]+|[\p{White_Space}\x1c-\x1f]+$/gu;

/** Pieces seen before, so that repeated words (prompt templates) are merged once. Bounded for long-running apps. */
const MAX_CACHED_PIECES = 50_000;

/**
 * GPT-2's reversible byte-to-character map: printable bytes stand for themselves, the rest are shifted to
 * code points from 256 up, so that every byte string is a string of visible symbols without spaces.
 */
export function bytesToUnicode(): string[] {
  const printable = (b: number): boolean => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const symbols: string[] = new Array<string>(256);
  let shifted = 0;
  for (let b = 0; b < 256; b++) symbols[b] = String.fromCodePoint(printable(b) ? b : 256 + shifted++);
  return symbols;
}

/** The reference vocabulary order: byte symbols (printable bytes first), the same with `</w>`, merges, specials. */
export function clipVocabulary(merges: readonly Merge[]): string[] {
  const byteSymbols = bytesToUnicode();
  const isShifted = (symbol: string): boolean => (symbol.codePointAt(0) as number) >= 256;
  const base = [...byteSymbols.filter((s) => !isShifted(s)), ...byteSymbols.filter(isShifted)];
  return [...base, ...base.map((s) => s + END_OF_WORD), ...merges.map(([a, b]) => a + b), START_OF_TEXT, END_OF_TEXT];
}

export function cleanText(text: string): string {
  const unescaped = htmlUnescape(htmlUnescape(text)).replace(PY_STRIP, '');
  return unescaped.replace(WHITESPACE_RUN, ' ').replace(PY_STRIP, '').toLowerCase();
}

export interface TokenBatch {
  /** Row-major [texts, contextLength]; rows padded with 0. */
  inputIds: BigInt64Array;
  /** 1 for a real token, 0 for padding. */
  attentionMask: BigInt64Array;
  contextLength: number;
}

export class ClipTokenizer {
  readonly startId: number;
  readonly endId: number;
  private readonly ranks = new Map<string, number>();
  private readonly cache = new Map<string, number[]>();
  private readonly byteSymbols = bytesToUnicode();
  private readonly encoder: ReadonlyMap<string, number>;

  private constructor(tables: BpeTables, path: string) {
    tables.merges.forEach(([a, b], rank) => this.ranks.set(`${a} ${b}`, rank));
    const vocabulary = clipVocabulary(tables.merges);
    if (tables.vocab) {
      // A stated vocabulary must agree with the merges, or ids would silently differ from the trained model's.
      for (const [id, token] of vocabulary.entries()) {
        const stated = tables.vocab.get(token);
        if (stated !== id) throw new TokenizerFileError(path, `its vocabulary gives ${JSON.stringify(token)} id ${stated ?? 'none'}, CLIP's merges give ${id}`);
      }
      this.encoder = tables.vocab;
    } else {
      this.encoder = new Map(vocabulary.map((token, id) => [token, id]));
    }
    this.startId = this.idOf(START_OF_TEXT);
    this.endId = this.idOf(END_OF_TEXT);
  }

  /** Reads `bpe_simple_vocab_16e6.txt.gz`, a Hugging Face `merges.txt` or a BPE `tokenizer.json`. */
  static async load(path: string): Promise<ClipTokenizer> {
    return new ClipTokenizer(await readBpeTables(path), path);
  }

  /** CLIP's vocabulary as shipped in resources/clip-bpe (the same for every OpenAI CLIP model). */
  static async loadBundled(): Promise<ClipTokenizer> {
    return ClipTokenizer.load(clipBpeVocabularyPath());
  }

  get vocabularySize(): number {
    return this.encoder.size;
  }

  /**
   * [start, ...tokens, end], not truncated (see encodeBatch for what a model gets). With `maxIds`, tokenising
   * stops once that many ids (start included) are collected: the rest could never reach the model, and BPE on a
   * long text is slow. Rejects texts over MAX_TEXT_CHARS, whose BPE would hold the thread for seconds.
   */
  encode(text: string, maxIds: number = Number.POSITIVE_INFINITY): number[] {
    if (text.length > MAX_TEXT_CHARS) {
      throw new ApiError('text-too-long', `A text of ${text.length.toLocaleString('en-US')} characters is too long: CLIP reads ${CLIP_CONTEXT_LENGTH} tokens at most, and texts are limited to ${MAX_TEXT_CHARS.toLocaleString('en-US')} characters`);
    }
    const ids = [this.startId];
    outer: for (const match of cleanText(text).matchAll(PIECE_PATTERN)) {
      for (const id of this.encodePiece(match[0])) {
        if (ids.length >= maxIds) break outer;
        ids.push(id);
      }
    }
    ids.push(this.endId);
    return ids;
  }

  /**
   * Rows of exactly `contextLength` ids: a longer text is cut and its last id replaced by the end token (as the
   * reference's truncate=True), a shorter one padded with 0 (attention mask 0).
   */
  encodeBatch(texts: readonly string[], contextLength: number = CLIP_CONTEXT_LENGTH): TokenBatch {
    if (!Number.isInteger(contextLength) || contextLength < 2) throw new RangeError(`contextLength must be an integer >= 2, got ${contextLength}`);
    const inputIds = new BigInt64Array(texts.length * contextLength);
    const attentionMask = new BigInt64Array(texts.length * contextLength);
    texts.forEach((text, row) => {
      // Ids past contextLength are cut anyway; collecting one more than fits keeps truncateToContext's end token.
      const ids = truncateToContext(this.encode(text, contextLength), contextLength, this.endId);
      const offset = row * contextLength;
      for (const [i, id] of ids.entries()) {
        inputIds[offset + i] = BigInt(id);
        attentionMask[offset + i] = 1n;
      }
    });
    return { inputIds, attentionMask, contextLength };
  }

  private encodePiece(piece: string): number[] {
    const cached = this.cache.get(piece);
    if (cached) return cached;
    let ids: number[];
    if (piece === START_OF_TEXT || piece === END_OF_TEXT) {
      ids = [this.idOf(piece)];
    } else {
      const symbols = Array.from(Buffer.from(piece, 'utf8'), (b) => this.byteSymbols[b] as string);
      ids = this.mergePairs(symbols).map((token) => this.idOf(token));
    }
    if (this.cache.size >= MAX_CACHED_PIECES) this.cache.clear();
    this.cache.set(piece, ids);
    return ids;
  }

  /** Repeatedly joins the adjacent pair with the lowest merge rank, every occurrence left to right. */
  private mergePairs(symbols: string[]): string[] {
    let word = symbols;
    word[word.length - 1] += END_OF_WORD;
    while (word.length > 1) {
      let bestRank = Infinity;
      let best = -1;
      for (let i = 0; i + 1 < word.length; i++) {
        const rank = this.ranks.get(`${word[i]} ${word[i + 1]}`);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          best = i;
        }
      }
      if (best < 0) break;
      const first = word[best] as string;
      const second = word[best + 1] as string;
      const merged: string[] = [];
      for (let i = 0; i < word.length; ) {
        if (i + 1 < word.length && word[i] === first && word[i + 1] === second) {
          merged.push(first + second);
          i += 2;
        } else {
          merged.push(word[i] as string);
          i += 1;
        }
      }
      word = merged;
    }
    return word;
  }

  private idOf(token: string): number {
    const id = this.encoder.get(token);
    // Unreachable with a vocabulary built from (or checked against) the merges: every merge result is in it.
    if (id === undefined) throw new Error(`CLIP tokenizer: token ${JSON.stringify(token)} is not in the vocabulary`);
    return id;
  }
}

/** The reference's truncation: keep `contextLength` ids and make the last one the end token. */
export function truncateToContext(ids: readonly number[], contextLength: number, endId: number): number[] {
  if (ids.length <= contextLength) return [...ids];
  const kept = ids.slice(0, contextLength);
  kept[contextLength - 1] = endId;
  return kept;
}

/**
 * The tokenizer file of a model folder: the first of merges.txt, tokenizer.json and bpe_simple_vocab_16e6.txt.gz
 * that exists there. Throws a TokenizerFileError naming the folder and the names looked for when none does.
 */
export async function findTokenizerFile(modelDir: string): Promise<string> {
  for (const name of TOKENIZER_FILE_NAMES) {
    const path = join(modelDir, name);
    try {
      await access(path);
      return path;
    } catch {
      // not this one; try the next name
    }
  }
  throw new TokenizerFileError(modelDir, `the folder has no tokenizer file (looked for ${TOKENIZER_FILE_NAMES.join(', ')})`);
}
