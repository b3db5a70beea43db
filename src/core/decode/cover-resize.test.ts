import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { coverResizeWasmPath } from '../resources.js';
import { axisFilter, coverGeometry, CoverResizer } from './cover-resize.js';

/** Deterministic photo-like RGB: smooth gradients plus edges and noise, so every filter tap matters. */
function photoLike(width: number, height: number, seed = 1): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  let state = seed >>> 0 || 1;
  const noise = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) % 41) - 20;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const edge = (Math.floor(x / 17) + Math.floor(y / 23)) % 2 === 0 ? 60 : 0;
      const base = (y * width + x) * 3;
      rgb[base] = Math.max(0, Math.min(255, Math.round((255 * x) / width) + noise()));
      rgb[base + 1] = Math.max(0, Math.min(255, Math.round((200 * y) / height) + edge + noise()));
      rgb[base + 2] = Math.max(0, Math.min(255, 128 + Math.round(100 * Math.sin((x + y) / 9)) + noise()));
    }
  }
  return rgb;
}

/** The definition, in doubles: resize the whole image with Pillow's filters, then crop. */
function referenceCover(rgb: Uint8Array, width: number, height: number, size: number): Uint8Array {
  const g = coverGeometry(width, height, size);
  const h = axisFilter(width, g.resizedWidth, 0, g.resizedWidth);
  const v = axisFilter(height, g.resizedHeight, 0, g.resizedHeight);
  const out = new Uint8Array(size * size * 3);
  for (let oy = 0; oy < size; oy++) {
    const y = oy + g.top;
    for (let ox = 0; ox < size; ox++) {
      const x = ox + g.left;
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let j = 0; j < (v.counts[y] as number); j++) {
          let row = 0;
          const sy = (v.starts[y] as number) + j;
          for (let i = 0; i < (h.counts[x] as number); i++) row += (rgb[(sy * width + (h.starts[x] as number) + i) * 3 + c] as number) * (h.weights[x * h.taps + i] as number);
          sum += row * (v.weights[y * v.taps + j] as number);
        }
        out[(oy * size + ox) * 3 + c] = Math.max(0, Math.min(255, Math.floor(sum + 0.5)));
      }
    }
  }
  return out;
}

function maxDifference(a: Uint8Array, b: Uint8Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

describe('coverGeometry', () => {
  it("sizes as Hugging Face's CLIPImageProcessor: short side to 224, long side truncated, crop floor-centred", () => {
    expect(coverGeometry(640, 480, 224)).toEqual({ resizedWidth: 298, resizedHeight: 224, left: 37, top: 0 });
    expect(coverGeometry(480, 640, 224)).toEqual({ resizedWidth: 224, resizedHeight: 298, left: 0, top: 37 });
    expect(coverGeometry(300, 200, 224)).toEqual({ resizedWidth: 336, resizedHeight: 224, left: 56, top: 0 });
    expect(coverGeometry(28, 28, 224)).toEqual({ resizedWidth: 224, resizedHeight: 224, left: 0, top: 0 });
    // 224 × 301 / 300 = 224.75: truncated to 224, no crop.
    expect(coverGeometry(301, 300, 224)).toEqual({ resizedWidth: 224, resizedHeight: 224, left: 0, top: 0 });
  });
});

describe('axisFilter', () => {
  it("is Pillow's bicubic: identity at scale 1, weights summing to 1, widened by the downscale factor", () => {
    const identity = axisFilter(10, 10, 0, 10);
    for (let i = 0; i < 10; i++) {
      const taps = Array.from(identity.weights.subarray(i * identity.taps, i * identity.taps + (identity.counts[i] as number)));
      expect(taps[i - (identity.starts[i] as number)]).toBeCloseTo(1, 12);
      expect(taps.reduce((a, b) => a + Math.abs(b), 0)).toBeCloseTo(1, 12);
    }
    const down = axisFilter(640, 298, 37, 224);
    expect(down.taps).toBe(2 * Math.ceil(2 * (640 / 298)) + 1);
    for (let i = 0; i < 224; i++) {
      const sum = Array.from(down.weights.subarray(i * down.taps, i * down.taps + (down.counts[i] as number))).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(1, 12);
    }
  });
});

describe('CoverResizer', () => {
  const resizer = CoverResizer.load(224);

  it.each([
    [640, 480],
    [480, 640],
    [300, 200],
    [897, 301],
    [100, 80],
    [224, 224],
    [1, 1],
  ])('matches the double-precision definition within one level on %i×%i', (width, height) => {
    const rgb = photoLike(width, height, width * 7 + height);
    const out = resizer.resize(width, height, (target) => target.set(rgb));
    expect(out.length).toBe(224 * 224 * 3);
    expect(maxDifference(out, referenceCover(rgb, width, height, 224))).toBeLessThanOrEqual(1);
  });

  it('keeps a solid colour exact, and reuses its buffers across sizes', () => {
    for (const [width, height] of [
      [640, 480],
      [50, 700],
      [640, 480],
    ] as const) {
      const out = resizer.resize(width, height, (target) => {
        for (let i = 0; i < target.length; i += 3) target.set([200, 100, 50], i);
      });
      for (let i = 0; i < out.length; i += 3) {
        if (out[i] !== 200 || out[i + 1] !== 100 || out[i + 2] !== 50) throw new Error(`pixel ${i / 3} of ${width}×${height} is ${Array.from(out.subarray(i, i + 3))}`);
      }
    }
  });

  it('refuses an empty or fractional size', () => {
    expect(() => resizer.resize(0, 10, () => {})).toThrow(RangeError);
    expect(() => resizer.resize(10.5, 10, () => {})).toThrow(RangeError);
  });

  const python = '/usr/bin/python3';
  const hasPil = ((): boolean => {
    try {
      execFileSync(python, ['-c', 'import PIL, numpy'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  it.skipIf(!hasPil)("matches PIL's own resize and crop (Hugging Face's CLIP preprocessing) within Pillow's rounding", () => {
    const dir = mkdtempSync(join(tmpdir(), 'cover-resize-pil-'));
    try {
      const [width, height] = [640, 480];
      const rgb = photoLike(width, height, 3);
      writeFileSync(join(dir, 'in.rgb'), rgb);
      execFileSync(python, [
        '-c',
        `import numpy as np; from PIL import Image
a = np.fromfile('${dir}/in.rgb', np.uint8).reshape(${height}, ${width}, 3)
im = Image.fromarray(a).resize((298, 224), Image.BICUBIC).crop((37, 0, 261, 224))
np.asarray(im).tofile('${dir}/out.rgb')`,
      ]);
      const pil = new Uint8Array(readFileSync(join(dir, 'out.rgb')));
      const ours = resizer.resize(width, height, (target) => target.set(rgb));
      // Pillow rounds and clips its first pass to bytes: where the filter overshoots 0 or 255, that clip carries into
      // the second pass (14 of 150,528 values on this image).
      expect(maxDifference(ours, pil)).toBeLessThanOrEqual(3);
      expect(ours.filter((v, i) => Math.abs(v - (pil[i] as number)) > 1).length).toBeLessThan(ours.length / 1000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('resources/wasm/cover-resize.wasm', () => {
  it('is what `npm run build:wasm` makes of wasm/cover-resize', async () => {
    const { main } = await import('assemblyscript/asc');
    const written = new Map<string, Uint8Array>();
    const { error, stderr } = await main(['--config', 'wasm/cover-resize/asconfig.json'], {
      writeFile: (name: string, contents: Uint8Array | string) => void written.set(name, typeof contents === 'string' ? new TextEncoder().encode(contents) : contents),
    });
    expect(error, stderr.toString()).toBeNull();
    const built = [...written.entries()].find(([name]) => name.endsWith('.wasm'));
    expect(built, [...written.keys()].join(', ')).toBeDefined();
    expect(Buffer.from(built![1]).equals(readFileSync(coverResizeWasmPath())), 'run `npm run build:wasm` and commit the result').toBe(true);
  }, 60_000);
});
