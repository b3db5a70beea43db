import type { InputProblem } from '../../shared/model/dataset.js';

const MAX_REASON_CHARS = 160;

/** Parses JSON text; a syntax error becomes a problem naming the file and, when the engine says where, the line. */
export function parseJsonText(text: string, file: string): { value: unknown } | { problem: InputProblem } {
  try {
    return { value: JSON.parse(text.replace(/^\uFEFF/, '')) as unknown };
  } catch (err) {
    const full = err instanceof Error ? err.message : String(err);
    // V8 quotes the start of the text in its message; keep problems short.
    const reason = full.length > MAX_REASON_CHARS ? `${full.slice(0, MAX_REASON_CHARS)}…` : full;
    const line = lineOfJsonError(full, text);
    return { problem: { file, ...(line === undefined ? {} : { line }), kind: 'malformed-json', message: `${file}${line === undefined ? '' : ` line ${line}`} is not valid JSON: ${reason}; the file is ignored.` } };
  }
}

/** V8 writes either `(line 3 column 5)` or `at position 42` depending on the version. */
function lineOfJsonError(reason: string, text: string): number | undefined {
  const lineMatch = /line (\d+) column \d+/.exec(reason);
  if (lineMatch !== null) return Number(lineMatch[1]);
  const positionMatch = /at position (\d+)/.exec(reason);
  if (positionMatch === null) return undefined;
  const position = Number(positionMatch[1]);
  let line = 1;
  for (let i = 0; i < position && i < text.length; i += 1) if (text.charCodeAt(i) === 10) line += 1;
  return line;
}
