import { useEffect, useMemo, useState } from 'react';
import type { NumberColumn } from '../../../../shared/model/scores';
import { displayKind } from './score-columns';
import type { FilterResult, ScoreFilter } from './score-filter';
import { fullRange } from './score-range';
import { formatScore } from './format-score';
import './scores.css';

export interface FilterState {
  /** The column the filter belongs to: a filter never carries over to another column. */
  column: string;
  filter: ScoreFilter;
  /** Dims the points that do not match. Off, the count and "Select matching" still work. */
  active: boolean;
}

/** Slider positions across the column's full range. */
const SLIDER_STEPS = 500;

function ThresholdInputs({ column, threshold, onThreshold }: { column: NumberColumn; threshold: number; onThreshold(value: number): void }) {
  const range = useMemo(() => fullRange(column.values), [column]);
  // The text box keeps what is being typed ("0.", "-") until it parses.
  const [text, setText] = useState(formatScore(threshold));
  // Follows the slider, but never rewrites what is being typed when it already says this threshold.
  useEffect(() => setText((typed) => (Number.parseFloat(typed) === threshold ? typed : formatScore(threshold))), [threshold]);
  if (range === null) return null;
  const step = (range.max - range.min) / SLIDER_STEPS || 1;
  return (
    <div className="threshold">
      <span className="threshold-op">{column.higherIsWorse ? '≥' : '≤'}</span>
      <input
        type="range"
        aria-label={`${column.label} threshold`}
        data-testid="score-threshold-slider"
        min={range.min}
        max={range.max}
        step={step}
        value={Math.min(Math.max(threshold, range.min), range.max)}
        onChange={(e) => onThreshold(Number(e.target.value))}
      />
      <input
        type="number"
        className="threshold-number"
        aria-label={`${column.label} threshold value`}
        data-testid="score-threshold"
        step="any"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          const value = Number.parseFloat(e.target.value);
          if (Number.isFinite(value)) onThreshold(value);
        }}
      />
    </div>
  );
}

/** Filter by the active number score: a threshold (or "only flagged"), the matching count, and "Select matching". */
export function ScoreFilterControl(props: {
  column: NumberColumn;
  state: FilterState;
  result: FilterResult;
  onChange(state: FilterState): void;
  onSelectMatching(): void;
}) {
  const { column, state, result, onChange } = props;
  const continuous = displayKind(column) === 'number';
  return (
    <div className="score-filter" data-testid="score-filter">
      <label className="score-filter-toggle">
        <input
          type="checkbox"
          data-testid="filter-enabled"
          checked={state.active}
          onChange={(e) => onChange({ ...state, active: e.target.checked })}
        />
        {continuous ? 'Dim the rest of the map' : displayKind(column) === 'index' ? 'Only images with a match' : 'Only flagged'}
      </label>
      {continuous && state.filter.kind === 'threshold' && (
        <ThresholdInputs
          column={column}
          threshold={state.filter.threshold}
          onThreshold={(threshold) => onChange({ ...state, filter: { kind: 'threshold', threshold }, active: true })}
        />
      )}
      <div className="score-filter-footer">
        <span className="matching-count" data-testid="matching-count" data-count={result.count}>
          <strong>{result.count.toLocaleString()}</strong> <span className="muted">match</span>
        </span>
        <button type="button" data-testid="select-matching" disabled={result.count === 0} onClick={props.onSelectMatching}>
          Select matching
        </button>
      </div>
    </div>
  );
}
