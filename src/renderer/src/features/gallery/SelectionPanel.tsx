import { useMemo, useState } from 'react';
import type { PointColumns } from '../../../../shared/model/dataset';
import type { ScoreColumn } from '../../../../shared/model/scores';
import { ExportButtons } from '../export/ExportButtons';
import { SelectionGrid } from './SelectionGrid';
import { availableSorts, sortLabel, sortSelection, type SelectionSort } from './sort-selection';
import './gallery.css';

/** The selection: its size, sort order, export, and the thumbnail grid. */
export function SelectionPanel(props: {
  datasetId: string;
  selection: Uint32Array;
  columns: PointColumns;
  classes: readonly string[];
  scores: readonly ScoreColumn[];
  focusIndex: number | null;
  onFocus(index: number): void;
  /** Adds one image (e.g. the one this image duplicates) to the selection. */
  onAddToSelection(index: number): void;
  onClear(): void;
}) {
  const { selection, columns, scores } = props;
  const sorts = useMemo(() => availableSorts(columns, scores), [columns, scores]);
  const [chosenSort, setSort] = useState<SelectionSort | null>(null);
  const sort = chosenSort !== null && sorts.includes(chosenSort) ? chosenSort : sorts[0]!;
  const ordered = useMemo(() => sortSelection(selection, columns, sort, scores), [selection, columns, sort, scores]);
  const wrongCount = useMemo(() => selection.reduce((n, i) => n + (columns.correct[i] === 0 ? 1 : 0), 0), [selection, columns]);

  return (
    <section className="selection-panel">
      <div className="selection-header">
        <span className="selection-count" data-testid="selection-count" data-count={selection.length}>
          {selection.length.toLocaleString()}
        </span>
        <span className="muted">
          selected{wrongCount > 0 && <> · <span className="wrong-count">{wrongCount.toLocaleString()} wrong</span></>}
        </span>
        <span className="spacer" />
        <button type="button" onClick={props.onClear} disabled={selection.length === 0} data-testid="clear-selection">
          Clear
        </button>
      </div>
      <div className="selection-actions">
        <ExportButtons datasetId={props.datasetId} indices={ordered} />
        <span className="spacer" />
        <select aria-label="Sort selection" data-testid="selection-sort" value={sort} onChange={(e) => setSort(e.target.value as SelectionSort)}>
          {sorts.map((s) => (
            <option key={s} value={s}>
              {sortLabel(s, scores)}
            </option>
          ))}
        </select>
      </div>
      {selection.length === 0 ? (
        <div className="grid-empty" data-testid="grid-empty">
          <strong>No selection</strong>
          <span>
            Press <kbd>L</kbd> or hold <kbd>Shift</kbd> and drag a lasso around points on the map.
          </span>
        </div>
      ) : (
        <SelectionGrid
          items={ordered}
          columns={columns}
          classes={props.classes}
          scores={scores}
          focusIndex={props.focusIndex}
          onFocus={props.onFocus}
          onOpenLinked={(index) => {
            props.onAddToSelection(index);
            props.onFocus(index);
          }}
        />
      )}
    </section>
  );
}
