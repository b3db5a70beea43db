/** For CLI tests: what the commands wrote, instead of the terminal. */
import { afterAll, beforeEach, vi } from 'vitest';

export interface CapturedOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/** Captures stdout and stderr from the start of each test in the calling file (cleared per test); restores them after the file. */
export function captureCliOutput(): CapturedOutput {
  const captured = { stdout: '', stderr: '' };
  beforeEach(() => {
    captured.stdout = '';
    captured.stderr = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((captured.stdout += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((captured.stderr += String(chunk)), true));
  });
  afterAll(() => {
    vi.restoreAllMocks();
  });
  return captured;
}
