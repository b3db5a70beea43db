import { useMemo } from 'react';
import type { CategoryColumn, NumberColumn, ScoreColumn } from '../../../../shared/model/scores';
import { FLAGGED_COLOR, MISSING_COLOR, UNFLAGGED_COLOR, rgbaToCss, type Rgba } from '../scatter/palette';
import { categoryLegend, flagCounts, rampCssGradient } from './score-coloring';
import { displayKind } from './score-columns';
import type { ValueRange } from './score-range';
import { formatScore } from './format-score';
import './scores.css';

/** Categories listed before "N more": a legend, not a table. */
const CATEGORY_ROWS_MAX = 10;

function Swatch({ color }: { color: Rgba }) {
  // Full opacity in the legend: the swatch must be readable even for colours drawn faint on the map.
  return <span className="legend-swatch" style={{ background: rgbaToCss([color[0], color[1], color[2], 255]) }} />;
}

function Row({ color, label, count }: { color: Rgba; label: string; count: number }) {
  return (
    <div className="legend-row">
      <Swatch color={color} />
      <span className="legend-label">{label}</span>
      <span className="legend-count">{count.toLocaleString()}</span>
    </div>
  );
}

function countNaN(values: Float32Array): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i]!)) n++;
  return n;
}

function NumberLegend({ column, range }: { column: NumberColumn; range: ValueRange | null }) {
  const missing = useMemo(() => countNaN(column.values), [column]);
  if (range === null) return <div className="muted">No values yet.</div>;
  // The ramp always runs fine → worse, so the labels follow the column's direction.
  const [fineEnd, worseEnd] = column.higherIsWorse ? [range.min, range.max] : [range.max, range.min];
  return (
    <div className="score-ramp" data-testid="score-range" data-min={range.min} data-max={range.max}>
      <div className="score-ramp-bar" style={{ background: rampCssGradient() }} />
      <div className="score-ramp-ends">
        <span>{formatScore(fineEnd)}</span>
        <span className="muted">{column.higherIsWorse ? 'higher is worse' : 'lower is worse'}</span>
        <span>{formatScore(worseEnd)}</span>
      </div>
      <div className="score-ramp-note muted">2nd–98th percentile{missing > 0 && <> · {missing.toLocaleString()} n/a</>}</div>
    </div>
  );
}

function FlagLegend({ column }: { column: NumberColumn }) {
  const counts = useMemo(() => flagCounts(column), [column]);
  const index = displayKind(column) === 'index';
  return (
    <div className="legend">
      <Row color={FLAGGED_COLOR} label={index ? 'Has a match' : 'Flagged'} count={counts.flagged} />
      <Row color={UNFLAGGED_COLOR} label={index ? 'No match' : 'Not flagged'} count={counts.unflagged} />
      {counts.missing > 0 && <Row color={MISSING_COLOR} label="Not applicable" count={counts.missing} />}
    </div>
  );
}

function CategoryLegend({ column }: { column: CategoryColumn }) {
  const entries = useMemo(() => categoryLegend(column), [column]);
  const shown = entries.slice(0, CATEGORY_ROWS_MAX);
  const rest = entries.slice(CATEGORY_ROWS_MAX);
  return (
    <div className="legend">
      {shown.map((e) => (
        <Row key={e.code} color={e.color} label={e.label} count={e.count} />
      ))}
      {rest.length > 0 && (
        <div className="legend-more muted">
          {rest.length.toLocaleString()} more · {rest.reduce((n, e) => n + e.count, 0).toLocaleString()} images
        </div>
      )}
    </div>
  );
}

/** Legend of a score colouring: its name and meaning, then the gradient and range, the flag counts, or the categories. */
export function ScoreLegend({ column, range }: { column: ScoreColumn; range: ValueRange | null }) {
  const kind = displayKind(column);
  return (
    <div className="score-legend" data-testid="score-legend" data-score={column.name}>
      <div className="score-legend-title" data-testid="score-legend-label">
        {column.label}
      </div>
      {column.description && <p className="score-legend-description">{column.description}</p>}
      {column.kind === 'category' ? (
        <CategoryLegend column={column} />
      ) : kind === 'number' ? (
        <NumberLegend column={column} range={range} />
      ) : (
        <FlagLegend column={column} />
      )}
    </div>
  );
}
