import type { PointColumns } from '../../../../shared/model/dataset';
import { drawOrder, gatherPositions } from './draw-order';
import { fillPointColors, type ColorMode } from './point-colors';

interface BinaryAttribute<T> {
  value: T;
  size: number;
  normalized?: boolean;
}

/** deck.gl's binary data shape: no per-point objects, just the GPU buffers. */
export interface BinaryPointData {
  length: number;
  attributes: {
    getPosition: BinaryAttribute<Float32Array>;
    getFillColor: BinaryAttribute<Uint8Array>;
  };
}

/**
 * The GPU-side buffers of one layout. `data` keeps its identity for the layout's lifetime so deck.gl never
 * re-reads positions; a recolour swaps only the colour descriptor (deck.gl compares descriptors by identity)
 * and bumps `colorVersion`, the layer's update trigger.
 */
export class PointBuffers {
  /** order[k] is the image index drawn k-th: deck.gl's picked index maps back through it. */
  readonly order: Uint32Array;
  readonly data: BinaryPointData;
  private version = 0;

  constructor(xy: Float32Array, correct: Int8Array) {
    this.order = drawOrder(xy, correct);
    this.data = {
      length: this.order.length,
      attributes: {
        getPosition: { value: gatherPositions(xy, this.order), size: 2 },
        getFillColor: { value: new Uint8Array(this.order.length * 4), size: 4, normalized: true },
      },
    };
  }

  /** Recomputes every colour in one pass; returns the new colour version. */
  recolor(columns: Pick<PointColumns, 'label' | 'predicted' | 'correct'>, classCount: number, mode: ColorMode): number {
    const value = fillPointColors(columns, classCount, mode, this.order, new Uint8Array(this.order.length * 4));
    this.data.attributes.getFillColor = { value, size: 4, normalized: true };
    return ++this.version;
  }

  get colorVersion(): number {
    return this.version;
  }

  /** The image behind a picked instance, or null. */
  imageAt(drawIndex: number): number | null {
    return drawIndex >= 0 && drawIndex < this.order.length ? this.order[drawIndex]! : null;
  }
}
