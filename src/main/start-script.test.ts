import { describe, expect, it } from 'vitest';
import {
  browserModeNotice,
  buildReason,
  datasetDirFromArgs,
  electronStartupFailure,
  locateElectronBinary,
} from '../../scripts/start.mjs';

describe('npm start: dataset argument', () => {
  it('resolves DIR against the folder npm was started from', () => {
    expect(datasetDirFromArgs(['data/cats'], { INIT_CWD: '/home/me' }, '/repo')).toBe('/home/me/data/cats');
    expect(datasetDirFromArgs(['data/cats'], {}, '/repo')).toBe('/repo/data/cats');
    expect(datasetDirFromArgs(['/abs'], { INIT_CWD: '/home/me' }, '/repo')).toBe('/abs');
  });

  it('is null without DIR, so the sample opens', () => {
    expect(datasetDirFromArgs([], {}, '/repo')).toBeNull();
    expect(datasetDirFromArgs(['--verbose'], {}, '/repo')).toBeNull();
  });
});

describe('npm start: build decision', () => {
  it('builds when an output is missing', () => {
    expect(buildReason([10, null, 10], 5)).toBe('out/ is missing');
  });

  it('builds when any output is older than the newest input', () => {
    expect(buildReason([10, 4, 10], 5)).toBe('out/ is older than src/');
  });

  it('skips the build when every output is newer', () => {
    expect(buildReason([10, 6, 10], 5)).toBeNull();
  });
});

describe('npm start: locating Electron without downloading it', () => {
  const fsWith = (files: Record<string, string>) => ({
    exists: (p: string) => p in files,
    readText: (p: string) => files[p] ?? '',
  });

  it('finds the binary named in path.txt', () => {
    const fs = fsWith({ '/e/path.txt': 'electron\n', '/e/dist/electron': '' });
    expect(locateElectronBinary('/e', {}, fs)).toEqual({ ok: true, binary: '/e/dist/electron' });
  });

  it('reports a binary that was never downloaded (no path.txt)', () => {
    expect(locateElectronBinary('/e', {}, fsWith({}))).toEqual({ ok: false, reason: 'its binary was never downloaded' });
  });

  it('reports a binary that path.txt names but that is gone', () => {
    const result = locateElectronBinary('/e', {}, fsWith({ '/e/path.txt': 'electron' }));
    expect(result).toEqual({ ok: false, reason: 'its binary is missing: /e/dist/electron' });
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH as the package does', () => {
    const fs = fsWith({ '/opt/electron/electron': '' });
    expect(locateElectronBinary('/e', { ELECTRON_OVERRIDE_DIST_PATH: '/opt/electron' }, fs)).toEqual({
      ok: true,
      binary: '/opt/electron/electron',
    });
  });
});

describe('npm start: did Electron start?', () => {
  it('treats an Electron still running after the start-up window as started', () => {
    expect(electronStartupFailure({ kind: 'running' })).toBeNull();
  });

  it('treats a clean early exit as a normal end, not a failure', () => {
    expect(electronStartupFailure({ kind: 'exited', code: 0, signal: null, stderr: '' })).toBeNull();
  });

  it('falls back when the binary cannot be run', () => {
    const error = Object.assign(new Error('spawn /e/dist/electron EACCES'), { code: 'EACCES' });
    expect(electronStartupFailure({ kind: 'spawn-error', error })).toBe('cannot run it: EACCES');
  });

  it('falls back on an early failing exit, quoting its last error line', () => {
    const stderr = '[123:ERROR:ozone_platform_x11.cc(240)] Missing X server or $DISPLAY\n\n';
    expect(electronStartupFailure({ kind: 'exited', code: 1, signal: null, stderr })).toBe(
      'it exited with code 1: [123:ERROR:ozone_platform_x11.cc(240)] Missing X server or $DISPLAY',
    );
    expect(electronStartupFailure({ kind: 'exited', code: null, signal: 'SIGSEGV', stderr: '' })).toBe('it was killed by SIGSEGV');
  });

  it('announces the fallback in one line', () => {
    const line = browserModeNotice('its binary was never downloaded');
    expect(line).toBe('Electron is not available on this machine (its binary was never downloaded); starting browser mode instead.');
    expect(line).not.toContain('\n');
  });
});
