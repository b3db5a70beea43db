import { useEffect, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { PointColumns } from '../../../../shared/model/dataset';
import type { ScoreColumn } from '../../../../shared/model/scores';
import { imageScoreNotes, type ImageScoreNotes } from '../scores/score-badges';
import { useElementSize } from '../../app/use-element-size';
import { describePoint } from '../hover/describe-point';
import { Thumbnail } from '../thumbnails/Thumbnail';
import { gridGeometry } from './grid-geometry';
import './gallery.css';

const SPACING = { minCellPx: 96, gapPx: 8, paddingPx: 10, captionPx: 34 };
/** Same size as the hover card asks for, so both share cached thumbnails. */
const THUMBNAIL_SIZE_PX = 128;
const OVERSCAN_ROWS = 2;

function cellTitle(index: number, label: string | null, predicted: string | null, notes: ImageScoreNotes): string {
  const lines = [`#${index}: ${label ?? 'unlabelled'} → ${predicted ?? 'no prediction'}`];
  if (notes.mislabel !== null) {
    lines.push(`Mislabel score ${notes.mislabel.score.toFixed(2)}${notes.mislabel.suggested !== null ? `, maybe ${notes.mislabel.suggested}` : ''}`);
  }
  for (const b of notes.badges) lines.push(b.linkTo === undefined ? b.label : `${b.label} #${b.linkTo} (click to add it)`);
  return lines.join('\n');
}

/**
 * The selected images as a virtualized grid: only the rows in view (plus a little overscan) exist in the DOM,
 * so only their thumbnails are fetched.
 */
export function SelectionGrid(props: {
  items: Uint32Array;
  columns: PointColumns;
  classes: readonly string[];
  scores: readonly ScoreColumn[];
  focusIndex: number | null;
  onFocus(index: number): void;
  /** An index badge was clicked (duplicate of #n): bring that image in. */
  onOpenLinked(index: number): void;
  /** A cell's "similar" button was clicked. */
  onFindSimilar(index: number): void;
}) {
  const { items, columns, classes, scores, focusIndex, onFocus, onOpenLinked, onFindSimilar } = props;
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
                const notes = imageScoreNotes(scores, index, point.label);
                const suspicious = notes.mislabel !== null && notes.mislabel.suggested !== null;
                // "maybe <suggested>" already says what a label-quality flag would: one badge is enough on a small cell.
                const flags = notes.badges.filter((b) => b.linkTo === undefined && !(suspicious && b.tone === 'danger'));
                const link = notes.badges.find((b) => b.linkTo !== undefined);
                return (
                  <button
                    key={index}
                    type="button"
                    className={`grid-cell verdict-border-${point.verdict}${index === focusIndex ? ' focused' : ''}`}
                    data-testid="grid-item"
                    data-index={index}
                    onClick={() => onFocus(index)}
                    title={cellTitle(index, point.label, point.predicted, notes)}
                  >
                    <span className="grid-thumb" style={{ height: geometry.cellWidthPx - 2 }}>
                      <Thumbnail index={index} sizePx={THUMBNAIL_SIZE_PX} alt={point.label ?? `image ${index}`} />
                      <span
                        className="grid-similar"
                        role="button"
                        data-testid="find-similar"
                        title="Find similar images"
                        onClick={(e) => {
                          // A button inside the cell's button: the cell itself is not focused by it.
                          e.stopPropagation();
                          onFindSimilar(index);
                        }}
                      >
                        ≈
                      </span>
                      {(flags.length > 0 || link !== undefined || suspicious) && (
                        <span className="grid-flags">
                          {suspicious && (
                            <span className="grid-flag tone-danger" title={`Mislabel score ${notes.mislabel!.score.toFixed(2)}`}>
                              maybe {notes.mislabel!.suggested}
                            </span>
                          )}
                          {flags.slice(0, 2).map((b) => (
                            <span key={b.key} className={`grid-flag tone-${b.tone}`}>
                              {b.label}
                            </span>
                          ))}
                          {link !== undefined && (
                            <span
                              className="grid-flag tone-info grid-flag-link"
                              data-testid="grid-link"
                              onClick={(e) => {
                                // A link inside the cell's button: the cell itself is not focused by it.
                                e.stopPropagation();
                                onOpenLinked(link.linkTo!);
                              }}
                            >
                              {link.label} #{link.linkTo}
                            </span>
                          )}
                        </span>
                      )}
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
