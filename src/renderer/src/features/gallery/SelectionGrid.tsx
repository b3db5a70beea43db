import { useEffect, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { PointColumns } from '../../../../shared/model/dataset';
import { useElementSize } from '../../app/use-element-size';
import { describePoint } from '../hover/describe-point';
import { Thumbnail } from '../thumbnails/Thumbnail';
import { gridGeometry } from './grid-geometry';
import './gallery.css';

const SPACING = { minCellPx: 96, gapPx: 8, paddingPx: 10, captionPx: 34 };
/** Same size as the hover card asks for, so both share cached thumbnails. */
const THUMBNAIL_SIZE_PX = 128;
const OVERSCAN_ROWS = 2;

/**
 * The selected images as a virtualized grid: only the rows in view (plus a little overscan) exist in the DOM,
 * so only their thumbnails are fetched.
 */
export function SelectionGrid(props: {
  items: Uint32Array;
  columns: PointColumns;
  classes: readonly string[];
  focusIndex: number | null;
  onFocus(index: number): void;
}) {
  const { items, columns, classes, focusIndex, onFocus } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const { widthPx } = useElementSize(scrollRef);
  const geometry = gridGeometry(widthPx, SPACING);
  const rowCount = Math.ceil(items.length / geometry.columns);

  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => geometry.rowHeightPx,
    overscan: OVERSCAN_ROWS,
    paddingStart: SPACING.paddingPx,
    paddingEnd: SPACING.paddingPx,
    // flushSync during React 19 renders warns; the grid does not need synchronous scroll updates.
    useFlushSync: false,
  });

  useEffect(() => {
    virtualizer.measure();
  }, [virtualizer, geometry.rowHeightPx]);

  // A point clicked on the map scrolls its cell into view.
  useEffect(() => {
    if (focusIndex === null) return;
    const position = items.indexOf(focusIndex);
    if (position >= 0) virtualizer.scrollToIndex(Math.floor(position / geometry.columns), { align: 'auto' });
  }, [focusIndex, items, geometry.columns, virtualizer]);

  return (
    <div ref={scrollRef} className="grid-scroll" data-testid="grid" data-item-count={items.length}>
      <div className="grid-canvas" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((row) => {
          const first = row.index * geometry.columns;
          const rowItems = Array.from(items.subarray(first, first + geometry.columns));
          return (
            <div
              key={row.key}
              className="grid-row"
              style={{
                transform: `translateY(${row.start}px)`,
                gridTemplateColumns: `repeat(${geometry.columns}, ${geometry.cellWidthPx}px)`,
                gap: SPACING.gapPx,
                padding: `0 ${SPACING.paddingPx}px`,
              }}
            >
              {rowItems.map((index) => {
                const point = describePoint(columns, classes, index);
                return (
                  <button
                    key={index}
                    type="button"
                    className={`grid-cell verdict-border-${point.verdict}${index === focusIndex ? ' focused' : ''}`}
                    data-testid="grid-item"
                    data-index={index}
                    onClick={() => onFocus(index)}
                    title={`#${index}: ${point.label ?? 'unlabelled'} → ${point.predicted ?? 'no prediction'}`}
                  >
                    <span className="grid-thumb" style={{ height: geometry.cellWidthPx - 2 }}>
                      <Thumbnail index={index} sizePx={THUMBNAIL_SIZE_PX} alt={point.label ?? `image ${index}`} />
                    </span>
                    <span className="grid-caption">
                      <span className="grid-label">{point.label ?? '—'}</span>
                      <span className={point.verdict === 'wrong' ? 'grid-predicted wrong' : 'grid-predicted'}>
                        {point.verdict === 'wrong' ? `→ ${point.predicted}` : point.confidence !== null ? `${(point.confidence * 100).toFixed(0)}%` : ''}
                      </span>
                    </span>
                  </button>
                );
              })}
            </div>
          );
        })}
      </div>
    </div>
  );
}
