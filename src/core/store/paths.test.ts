import { createHash } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetIdForRoot, datasetStorePath, defaultDataDir } from './paths.js';

describe('defaultDataDir', () => {
  it('prefers DATASET_HEALTH_DATA_DIR on every platform', () => {
    expect(defaultDataDir({ DATASET_HEALTH_DATA_DIR: '/tmp/dh' }, 'darwin', '/Users/me')).toBe('/tmp/dh');
  });

  it('follows each platform convention', () => {
    expect(defaultDataDir({}, 'linux', '/home/me')).toBe('/home/me/.local/share/dataset-health');
    expect(defaultDataDir({ XDG_DATA_HOME: '/data' }, 'linux', '/home/me')).toBe('/data/dataset-health');
    expect(defaultDataDir({ XDG_DATA_HOME: 'relative' }, 'linux', '/home/me')).toBe('/home/me/.local/share/dataset-health');
    expect(defaultDataDir({}, 'darwin', '/Users/me')).toBe('/Users/me/Library/Application Support/Dataset Health');
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\me\\AppData\\Roaming' }, 'win32', 'C:\\Users\\me')).toBe('C:\\Users\\me\\AppData\\Roaming\\Dataset Health');
  });
});

describe('datasetStorePath', () => {
  it('keys the store by the first 16 hex digits of sha256 of the absolute root', () => {
    const root = '/data/my dataset';
    const id = createHash('sha256').update(root).digest('hex').slice(0, 16);
    expect(datasetIdForRoot(root)).toBe(id);
    expect(datasetIdForRoot(`${root}/`)).toBe(id);
    expect(datasetStorePath('/var/dh', root)).toBe(path.join('/var/dh', 'datasets', id, 'project.sqlite'));
  });
});
