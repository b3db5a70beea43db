import { drawOrderByRank, gatherPositions, type DrawRank } from './draw-order';
import { fillColors, type PointColoring } from './point-colors';

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
 * The GPU-side buffers of one layout in one draw order. `data` keeps its identity for the buffers' lifetime so
 * deck.gl never re-reads positions; a recolour swaps only the colour descriptor (deck.gl compares descriptors by
 * identity) and bumps `colorVersion`, the layer's update trigger. The error, label and prediction colourings share
 * one draw order, so switching between them never re-uploads positions; a score colouring or a filter reorders.
 */
export class PointBuffers {
  /** order[k] is the image index drawn k-th: deck.gl's picked index maps back through it. */
  readonly order: Uint32Array;
  readonly data: BinaryPointData;
  private version = 0;

  constructor(xy: Float32Array, rank: DrawRank, candidates?: Uint32Array) {
    this.order = drawOrderByRank(xy, rank, candidates);
    this.data = {
      length: this.order.length,
      attributes: {
        getPosition: { value: gatherPositions(xy, this.order), size: 2 },
        getFillColor: { value: new Uint8Array(this.order.length * 4), size: 4, normalized: true },
      },
    };
  }

  /** Recomputes every colour in one pass (images outside `mask` faint); returns the new colour version. */
  recolor(coloring: PointColoring, mask: Uint8Array | null = null): number {
    const value = fillColors(coloring, this.order, new Uint8Array(this.order.length * 4), mask);
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
