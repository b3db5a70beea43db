import { describe, expect, it } from 'vitest';
import { modelCatalogFile } from '../resources.js';
import { catalogPrecisions, filesForPrecision, loadCatalog, parseCatalog } from './catalog.js';

const minimalEntry = () => ({
  id: 'tiny',
  name: 'Tiny',
  source: { repo: 'owner/tiny', revision: 'main' },
  embeddingDim: 512,
  contextLength: 77,
  preprocess: { imageSizePx: 224, resize: 'shortest-side', crop: 'center', interpolation: 'bicubic', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
  vision: { input: { name: 'image', dtype: 'float32', shape: ['batch', 3, 224, 224] }, output: { name: 'embedding', dtype: 'float32', shape: ['batch', 512] } },
  text: { inputs: [{ name: 'text', dtype: 'int64', shape: ['batch', 77] }], output: { name: 'embedding', dtype: 'float32', shape: ['batch', 512] } },
  files: [
    { path: 'visual.onnx', role: 'vision', precision: 'fp32', approxBytes: 10 },
    { path: 'textual.onnx', role: 'text', precision: 'fp32', approxBytes: 10 },
    { path: 'tokenizer.json', role: 'tokenizer', approxBytes: 10 },
  ],
});
const parse = (models: unknown[]): ReturnType<typeof parseCatalog> => parseCatalog(JSON.stringify({ format: 1, models }), 'catalog.json');

describe('the bundled catalogue', () => {
  it('offers CLIP ViT-B/32 and ViT-B/16 in fp32 and fp16, each with both towers, a tokenizer and the optimum tensor names', async () => {
    const catalog = await loadCatalog(modelCatalogFile());
    const byId = new Map(catalog.models.map((m) => [m.id, m]));
    for (const id of ['clip-vit-b32', 'clip-vit-b16']) {
      const entry = byId.get(id);
      expect(entry, id).toBeDefined();
      if (!entry) continue;
      expect(catalogPrecisions(entry)).toEqual(['fp32', 'fp16']);
      for (const precision of ['fp32', 'fp16'] as const) {
        const roles = filesForPrecision(entry, precision).map((f) => f.role);
        expect(new Set(roles)).toEqual(new Set(['vision', 'text', 'tokenizer', 'preprocessor', 'config']));
      }
      expect(entry.vision.input).toEqual({ name: 'pixel_values', dtype: 'float32', shape: ['batch', 3, 224, 224] });
      expect(entry.vision.output.name).toBe('image_embeds');
      expect(entry.text.inputs.map((t) => `${t.name}:${t.dtype}`)).toEqual(['input_ids:int64', 'attention_mask:int64']);
      expect(entry.text.output.name).toBe('text_embeds');
      expect(entry.contextLength).toBe(77);
    }
  });
});

describe('parseCatalog', () => {
  it('accepts other exporters’ tensor names', () => {
    const [entry] = parse([minimalEntry()]).models;
    expect(entry?.vision.input.name).toBe('image');
    expect(entry?.vision.otherOutputs).toEqual([]);
  });

  it('names the file and the field at fault', () => {
    expect(() => parseCatalog('{"format":1,', 'cat.json')).toThrow(/^cat\.json is not valid JSON: /);
    const badDtype = minimalEntry();
    badDtype.vision.input.dtype = 'float64';
    expect(() => parse([badDtype])).toThrow(/^catalog\.json: models\[0\]\.vision\.input\.dtype /);
    const noPrecision = minimalEntry();
    noPrecision.files[0] = { path: 'visual.onnx', role: 'vision', approxBytes: 10 } as never;
    expect(() => parse([noPrecision])).toThrow('catalog.json: models[0].files[0].precision is required for a vision or text tower');
    const escaping = minimalEntry();
    escaping.files[2] = { path: '../tokenizer.json', role: 'tokenizer', approxBytes: 10 };
    expect(() => parse([escaping])).toThrow('models[0].files[2].path must be a relative path');
    const wrongDim = minimalEntry();
    wrongDim.embeddingDim = 768;
    expect(() => parse([wrongDim])).toThrow('models[0].vision.output.shape ends in 512, but embeddingDim is 768');
    expect(() => parse([minimalEntry(), minimalEntry()])).toThrow('models[1].id repeats tiny');
  });

  it('takes an optional sha256 per file, for servers that send no checksum', () => {
    const withSha = minimalEntry();
    withSha.files[0] = { ...withSha.files[0]!, sha256: 'ab'.repeat(32) } as never;
    expect(parse([withSha]).models[0]?.files[0]?.sha256).toBe('ab'.repeat(32));
    const badSha = minimalEntry();
    badSha.files[0] = { ...badSha.files[0]!, sha256: 'AB12' } as never;
    expect(() => parse([badSha])).toThrow('models[0].files[0].sha256 must be 64 lower-case hex digits');
  });
});
