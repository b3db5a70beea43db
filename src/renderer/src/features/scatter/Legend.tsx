import { useMemo } from 'react';
import type { PointColumns } from '../../../../shared/model/dataset';
import { legendEntries } from './legend-entries';
import { rgbaToCss } from './palette';
import type { ColorMode } from './point-colors';
import './scatter.css';

export function Legend({ columns, classes, mode }: { columns: PointColumns; classes: readonly string[]; mode: ColorMode }) {
  const entries = useMemo(() => legendEntries(columns, classes, mode), [columns, classes, mode]);
  return (
    <div className="legend" data-testid="legend">
      {entries.map((entry) => (
        <div key={entry.key} className="legend-row">
          {/* Full opacity in the legend: the swatch must be readable even for colours drawn faint on the map. */}
          <span className="legend-swatch" style={{ background: rgbaToCss([entry.color[0], entry.color[1], entry.color[2], 255]) }} />
          <span>{entry.label}</span>
          <span className="legend-count">{entry.count.toLocaleString()}</span>
        </div>
      ))}
    </div>
  );
}
