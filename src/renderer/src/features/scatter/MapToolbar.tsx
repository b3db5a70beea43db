import type { ScoreColumn } from '../../../../shared/model/scores';
import type { SelectionMode } from '../lasso/selection-ops';
import { groupScores } from '../scores/score-columns';
import { isColorMode, scoreChoice, type ColorChoice } from '../scores/use-map-coloring';
import type { ColorMode } from './point-colors';
import './map-toolbar.css';

const COLOR_MODE_TITLES: Record<ColorMode, string> = { error: 'Errors', label: 'Label', predicted: 'Prediction' };
const SELECTION_MODE_TITLES: Record<SelectionMode, string> = { replace: 'New', add: 'Add', subtract: 'Subtract' };

function Segmented<T extends string>(props: {
  label: string;
  options: readonly T[];
  titles: Record<T, string>;
  /** Null when none of the options is chosen (a score colours the map). */
  value: T | null;
  onChange(value: T): void;
  testId: string;
}) {
  return (
    <div className="segmented" role="group" aria-label={props.label} data-testid={props.testId}>
      {props.options.map((option) => (
        <button key={option} type="button" aria-pressed={option === props.value} data-value={option} onClick={() => props.onChange(option)}>
          {props.titles[option]}
        </button>
      ))}
    </div>
  );
}

/** "Score…": every score column the engine computed, grouped; any column it adds shows up here. */
function ScoreSelect({ scores, choice, onChoice }: { scores: readonly ScoreColumn[]; choice: ColorChoice; onChoice(choice: ColorChoice): void }) {
  if (scores.length === 0) return null;
  const active = !isColorMode(choice);
  return (
    <select
      aria-label="Colour by score"
      data-testid="score-select"
      className={active ? 'score-select active' : 'score-select'}
      value={active ? choice : ''}
      onChange={(e) => {
        if (e.target.value !== '') onChoice(e.target.value as ColorChoice);
      }}
    >
      <option value="" disabled>
        Score…
      </option>
      {groupScores(scores).map(({ group, columns }) => (
        <optgroup key={group} label={group}>
          {columns.map((c) => (
            <option key={c.name} value={scoreChoice(c.name)} title={c.description}>
              {c.label}
            </option>
          ))}
        </optgroup>
      ))}
    </select>
  );
}

export function MapToolbar(props: {
  colorChoice: ColorChoice;
  colorModes: readonly ColorMode[];
  scores: readonly ScoreColumn[];
  onColorChoice(choice: ColorChoice): void;
  lassoOn: boolean;
  onLassoToggle(): void;
  selectionMode: SelectionMode;
  onSelectionMode(mode: SelectionMode): void;
  onFit(): void;
  pointCount: number;
}) {
  return (
    <div className="map-toolbar">
      <span className="toolbar-label">Colour</span>
      <Segmented
        label="Colour by"
        options={props.colorModes}
        titles={COLOR_MODE_TITLES}
        value={isColorMode(props.colorChoice) ? props.colorChoice : null}
        onChange={props.onColorChoice}
        testId="color-mode"
      />
      <ScoreSelect scores={props.scores} choice={props.colorChoice} onChoice={props.onColorChoice} />
      <span className="toolbar-divider" />
      <button
        type="button"
        className={props.lassoOn ? 'lasso-toggle on' : 'lasso-toggle'}
        aria-pressed={props.lassoOn}
        data-testid="lasso-toggle"
        title="Draw a lasso to select points (L). Shift+drag works any time."
        onClick={props.onLassoToggle}
      >
        <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
          <path d="M8 2c3.9 0 6.5 1.9 6.5 4.3S11.9 10.6 8 10.6c-1.3 0-2.5-.2-3.5-.6M3 8.9C2 8.2 1.5 7.3 1.5 6.3 1.5 3.9 4.1 2 8 2M4.5 10c-.6.9-.3 2 .7 2.4.9.4 1.3 1.2 1 2.1" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
        </svg>
        Lasso <kbd>L</kbd>
      </button>
      <Segmented
        label="Lasso combines by"
        options={['replace', 'add', 'subtract'] as const}
        titles={SELECTION_MODE_TITLES}
        value={props.selectionMode}
        onChange={props.onSelectionMode}
        testId="selection-mode"
      />
      <span className="toolbar-divider" />
      <button type="button" onClick={props.onFit} title="Fit all points in view (F)" data-testid="fit-view">
        Fit <kbd>F</kbd>
      </button>
      <span className="toolbar-spacer" />
      <span className="toolbar-hint">
        <kbd>Shift</kbd> add · <kbd>Alt</kbd> subtract
      </span>
      <span className="toolbar-count">{props.pointCount.toLocaleString()} points</span>
    </div>
  );
}
