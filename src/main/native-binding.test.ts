import { describe, expect, it } from 'vitest';
import { ELECTRON_SQLITE_BINDING_PATH, electronSqliteBinding, explainStartupFailure } from './native-binding.js';

describe('electronSqliteBinding', () => {
  it('points at the Electron build under the app folder when it exists', () => {
    const expected = `/app/${ELECTRON_SQLITE_BINDING_PATH}`;
    expect(electronSqliteBinding('/app', (p) => p === expected)).toBe(expected);
  });

  it('is undefined when the Electron build has not been made', () => {
    expect(electronSqliteBinding('/app', () => false)).toBeUndefined();
  });
});

describe('explainStartupFailure', () => {
  const abiError = new Error(
    "The module 'better_sqlite3.node' was compiled against a different Node.js version using NODE_MODULE_VERSION 115. " +
      'This version of Node.js requires NODE_MODULE_VERSION 140.',
  );

  it('names the rebuild command when the Electron build is missing', () => {
    const text = explainStartupFailure(abiError, undefined);
    expect(text).toContain(abiError.message);
    expect(text).toContain('npm run rebuild:electron');
    expect(text).toContain('serve');
  });

  it('names the stale build when one was used', () => {
    expect(explainStartupFailure(abiError, '/app/x.node')).toContain('/app/x.node');
  });

  it('passes other errors through unchanged', () => {
    expect(explainStartupFailure(new Error('disk full'), undefined)).toBe('disk full');
    expect(explainStartupFailure('odd', undefined)).toBe('odd');
  });
});
