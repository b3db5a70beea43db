import { promises as fs } from 'node:fs';
import type { ClassificationPredictionsResult } from './types.js';

/** The file's text, or the refusal naming it when it cannot be read. */
export async function readPredictionsText(filePath: string, displayName: string): Promise<string | Extract<ClassificationPredictionsResult, { ok: false }>> {
  const text = await fs.readFile(filePath, 'utf8').catch((err: NodeJS.ErrnoException) => err);
  if (typeof text === 'string') return text;
  return { ok: false, problems: [{ file: displayName, kind: 'unreadable-file', message: `${displayName} cannot be read (${text.code ?? text.message}).` }] };
}
