import { useMemo, useState } from 'react';
import type { PointColumns } from '../../../../shared/model/dataset';
import type { ScoreColumn } from '../../../../shared/model/scores';
import { ExportButtons } from '../export/ExportButtons';
import type { RankedResults } from '../search/search-results';
import { SelectionGrid } from './SelectionGrid';
import { availableSorts, sortLabel, sortSelection, type SelectionSort } from './sort-selection';
import '../search/search.css';
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
  /** Search hits shown as the selection (best first), or null. */
  ranking: RankedResults | null;
  /** Why the last search or find-similar failed, or null. */
  notice: string | null;
  /** Find images similar to these (a grid cell's button, or the focused image). */
  onFindSimilar(indices: number[]): void;
}) {
  const { selection, columns, scores, ranking } = props;
  const baseSorts = useMemo(() => availableSorts(columns, scores), [columns, scores]);
  // Search hits come in score order: that order is a sort of its own, and the first choice while they are shown.
  const sorts: (SelectionSort | 'rank')[] = ranking !== null ? ['rank', ...baseSorts] : baseSorts;
  const [chosenSort, setSort] = useState<SelectionSort | 'rank' | null>(null);
  const sort = chosenSort !== null && sorts.includes(chosenSort) ? chosenSort : sorts[0]!;
  const ordered = useMemo(() => (sort === 'rank' ? selection : sortSelection(selection, columns, sort, scores)), [selection, columns, sort, scores]);
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
        <button
          type="button"
          data-testid="find-similar-focused"
          disabled={props.focusIndex === null}
          title="Images most like the focused image (click one on the map or in the grid first)"
          onClick={() => props.focusIndex !== null && props.onFindSimilar([props.focusIndex])}
        >
          Find similar
        </button>
        <button type="button" onClick={props.onClear} disabled={selection.length === 0} data-testid="clear-selection">
          Clear
        </button>
      </div>
      {ranking !== null && (
        <div className="search-results-title" data-testid="search-results-title">
          {ranking.title} <span className="muted">· best {ranking.indices.length.toLocaleString()} by similarity</span>
        </div>
      )}
      {props.notice !== null && (
        <div className="search-error selection-notice" role="alert" data-testid="selection-notice">
          {props.notice}
        </div>
      )}
      <div className="selection-actions">
        <ExportButtons datasetId={props.datasetId} indices={ordered} />
        <span className="spacer" />
        <select aria-label="Sort selection" data-testid="selection-sort" value={sort} onChange={(e) => setSort(e.target.value as SelectionSort | 'rank')}>
          {sorts.map((s) => (
            <option key={s} value={s}>
              {s === 'rank' ? 'Search rank' : sortLabel(s, scores)}
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
          onFindSimilar={(index) => props.onFindSimilar([index])}
          onOpenLinked={(index) => {
            props.onAddToSelection(index);
            props.onFocus(index);
          }}
        />
      )}
    </section>
  );
}
