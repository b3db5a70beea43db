import { describe, expect, it } from 'vitest';
import { ImagePathJoiner } from './image-join.js';
import { yoloLabelPath } from './yolo-txt.js';

describe('ImagePathJoiner', () => {
  const joiner = new ImagePathJoiner(['train/a.jpg', 'val/a.jpg', 'val/b.jpg', 'deep/x/val/c.jpg']);

  it('joins by the most shared trailing segments and reports ties', () => {
    expect(joiner.join('b.jpg')).toEqual({ status: 'joined', imageIndex: 2 });
    expect(joiner.join('val/a.jpg')).toEqual({ status: 'joined', imageIndex: 1 });
    expect(joiner.join('C:\\data\\train\\a.jpg')).toEqual({ status: 'joined', imageIndex: 0 });
    expect(joiner.join('./val/../val/c.jpg')).toEqual({ status: 'joined', imageIndex: 3 });
    expect(joiner.join('a.jpg')).toEqual({ status: 'ambiguous', candidates: ['train/a.jpg', 'val/a.jpg'] });
    expect(joiner.join('test/a.jpg')).toEqual({ status: 'ambiguous', candidates: ['train/a.jpg', 'val/a.jpg'] });
    expect(joiner.join('A.jpg')).toEqual({ status: 'none' });
  });

  it('compares against a derived key, such as YOLO label paths', () => {
    const labels = new ImagePathJoiner(['images/train/a.jpg', 'images/val/a.jpg'], yoloLabelPath);
    expect(labels.join('labels/val/a.txt')).toEqual({ status: 'joined', imageIndex: 1 });
    expect(labels.join('a.txt')).toMatchObject({ status: 'ambiguous' });
  });
});
