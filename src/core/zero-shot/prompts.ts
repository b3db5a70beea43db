/** Prompt templates and class embeddings for CLIP zero-shot classification. */
import type { TextEmbedder } from '../search/text-embedder.js';

/**
 * A small ensemble from the prompts OpenAI's CLIP paper used for ImageNet: averaging several phrasings is more
 * robust than any single one (Radford et al. 2021, section 3.1.4).
 */
export const DEFAULT_TEMPLATES: readonly string[] = [
  'a photo of a {}.',
  'a bad photo of a {}.',
  'a photo of the large {}.',
  'a photo of the small {}.',
  'a cropped photo of a {}.',
  'a close-up photo of a {}.',
  'a bright photo of a {}.',
];

/** Class names as words: `t_shirt` and `T-shirt/top` read as "t shirt" and "T-shirt / top" in a sentence. */
export function classNameAsWords(name: string): string {
  return name.replace(/_/g, ' ').replace(/\s*\/\s*/g, ' / ').trim();
}

/** Every template must hold one `{}` where the class name goes. */
export function checkTemplates(templates: readonly string[]): string | null {
  if (templates.length === 0) return 'give at least one prompt template';
  const bad = templates.find((t) => !t.includes('{}'));
  return bad === undefined ? null : `prompt template "${bad}" has no {} for the class name`;
}

/**
 * One unit vector per class: the mean of its prompts' text embeddings, re-normalised. Row-major [classes, dim].
 */
export async function classEmbeddings(text: TextEmbedder, classNames: readonly string[], templates: readonly string[] = DEFAULT_TEMPLATES): Promise<Float32Array> {
  const prompts = classNames.flatMap((name) => templates.map((t) => t.replaceAll('{}', classNameAsWords(name))));
  const encoded = await text.encode(prompts);
  const { dim } = text;
  const out = new Float32Array(classNames.length * dim);
  for (let c = 0; c < classNames.length; c += 1) {
    let sumOfSquares = 0;
    for (let d = 0; d < dim; d += 1) {
      let sum = 0;
      for (let t = 0; t < templates.length; t += 1) sum += encoded[(c * templates.length + t) * dim + d] as number;
      out[c * dim + d] = sum;
      sumOfSquares += sum * sum;
    }
    const scale = sumOfSquares > 0 ? 1 / Math.sqrt(sumOfSquares) : 0;
    for (let d = 0; d < dim; d += 1) out[c * dim + d] = (out[c * dim + d] as number) * scale;
  }
  return out;
}
