/** `dataset-health tokenize` through main(): one JSON array per text, the reference ids, and bad input. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureCliOutput } from './capture-output.js';

const cases = (JSON.parse(readFileSync(new URL('../fixtures/clip-bpe/tokenizer-cases.json', import.meta.url), 'utf8')) as { cases: { text: string; ids_context77: number[] }[] }).cases;
const work = mkdtempSync(path.join(tmpdir(), 'dh-tokenize-'));

const output = captureCliOutput();
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('dataset-health tokenize', () => {
  it('prints the ids the text tower sees, one JSON array per text, in order', async () => {
    // `--` lets a text start with a dash; the empty text still gets its start and end tokens.
    const texts = cases.map((c) => c.text);
    expect(await main(['tokenize', '--', ...texts])).toBe(0);
    const lines = output.stdout.trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line) as number[])).toEqual(cases.map((c) => c.ids_context77));
    const long = cases.findIndex((c) => c.ids_context77.length === 77);
    expect(output.stderr).toContain(`text ${long + 1} has`);
  });

  it('reads another vocabulary file with --vocab and names a bad one', async () => {
    const bad = path.join(work, 'merges.txt');
    writeFileSync(bad, 'hello\n');
    expect(await main(['tokenize', '--vocab', bad, 'a dog'])).toBe(1);
    expect(output.stderr).toContain(`Cannot use ${bad} as a CLIP tokenizer: line 1 should be a '#version`);
    expect(output.stdout).toBe('');
  });

  it('asks for a text', async () => {
    expect(await main(['tokenize'])).toBe(2);
    expect(output.stderr).toContain('tokenize needs at least one TEXT');
  });
});
