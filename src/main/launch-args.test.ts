import { describe, expect, it } from 'vitest';
import { datasetArgument } from './launch-args.js';

describe('datasetArgument', () => {
  it('takes the first argument after the app folder when unpackaged, resolved against cwd', () => {
    expect(datasetArgument(['/bin/electron', '/app', 'data/cats'], false, '/home/me')).toBe('/home/me/data/cats');
    expect(datasetArgument(['/bin/electron', '/app', '/abs/dogs'], false, '/home/me')).toBe('/abs/dogs');
  });

  it('takes the first argument after the binary when packaged', () => {
    expect(datasetArgument(['/opt/DatasetHealth', 'cats'], true, '/w')).toBe('/w/cats');
  });

  it('skips Chromium and Electron switches', () => {
    expect(datasetArgument(['/bin/electron', '/app', '--no-sandbox', 'cats', '--enable-logging'], false, '/w')).toBe('/w/cats');
  });

  it('is null without a dataset argument, so the sample opens', () => {
    expect(datasetArgument(['/bin/electron', '/app'], false, '/w')).toBeNull();
    expect(datasetArgument(['/bin/electron', '/app', '--inspect'], false, '/w')).toBeNull();
    expect(datasetArgument(['/opt/DatasetHealth'], true, '/w')).toBeNull();
  });
});
