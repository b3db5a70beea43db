import { describe, expect, it } from 'vitest';
import { nameClusters } from './cluster-names.js';
import { FakeTextEmbedder } from './fake-text-embedder.js';
import { checkTemplates, classEmbeddings, classNameAsWords, DEFAULT_TEMPLATES } from './prompts.js';
import { CLIP_LOGIT_SCALE, zeroShotClassify } from './zero-shot.js';

describe('zeroShotClassify', () => {
  it('picks the nearest class and gives its softmax probability at logit scale 100', () => {
    const dim = 3;
    const classes = new Float32Array([1, 0, 0, 0, 1, 0]);
    const theta = 0.3;
    const images = new Float32Array([Math.cos(theta), Math.sin(theta), 0, 0, 0.6, 0.8, 0, 0, 1]);
    const { label, confidence } = zeroShotClassify(images, classes, dim);
    expect(Array.from(label)).toEqual([0, 1, 0]);
    const a = CLIP_LOGIT_SCALE * Math.cos(theta);
    const b = CLIP_LOGIT_SCALE * Math.sin(theta);
    expect(confidence[0]).toBeCloseTo(Math.exp(a) / (Math.exp(a) + Math.exp(b)), 6);
    expect(confidence[1]).toBeCloseTo(1 / (1 + Math.exp(-60)), 6);
    // Orthogonal to both: a tie, each half.
    expect(confidence[2]).toBeCloseTo(0.5, 6);
  });

  it('does not overflow on large logits', () => {
    const { confidence } = zeroShotClassify(new Float32Array([1, 0]), new Float32Array([1, 0, -1, 0]), 2, 1000);
    expect(confidence[0]).toBeCloseTo(1, 6);
  });
});

describe('classEmbeddings', () => {
  it('averages every template of a class and re-normalises', async () => {
    const text = new FakeTextEmbedder(4, { cat: 0, dog: 1, 'large': 2 });
    const templates = ['a photo of a {}.', 'a photo of the large {}.'];
    // 'a photo of the large cat.' names 'cat' first in the axes order, so both prompts of a class agree.
    const vectors = await classEmbeddings(text, ['cat', 'dog'], templates);
    expect(text.encoded).toEqual(['a photo of a cat.', 'a photo of the large cat.', 'a photo of a dog.', 'a photo of the large dog.']);
    expect(Array.from(vectors)).toEqual([1, 0, 0, 0, 0, 1, 0, 0]);
  });

  it('mixes templates that point different ways into one unit vector', async () => {
    const text = new FakeTextEmbedder(3, { cat: 0, sketch: 1 });
    const vectors = await classEmbeddings(text, ['cat'], ['{}', 'a sketch']);
    expect(vectors[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(vectors[1]).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it('writes class names as words and checks templates', () => {
    expect(classNameAsWords('t_shirt')).toBe('t shirt');
    expect(classNameAsWords('T-shirt/top')).toBe('T-shirt / top');
    expect(checkTemplates(DEFAULT_TEMPLATES)).toBeNull();
    expect(checkTemplates(['a photo'])).toMatch(/has no \{\}/);
    expect(checkTemplates([])).toMatch(/at least one/);
  });
});

describe('nameClusters', () => {
  it('names each cluster by the word nearest its mean embedding; noise gets no name', () => {
    const dim = 3;
    const words = new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    // Cluster 0 leans to axis 0, cluster 3 to axis 2; row 4 is noise.
    const vectors = new Float32Array([0.9, 0.1, 0.4, 0.8, 0.6, 0, 0.1, 0.2, 0.97, 0, 0.3, 0.95, 0, 1, 0]);
    const cluster = new Int32Array([0, 0, 3, 3, -1]);
    const names = nameClusters(cluster, vectors, dim, words, ['cat', 'dog', 'fish']);
    expect([...names]).toEqual([
      [0, 'cat'],
      [3, 'fish'],
    ]);
  });
});
