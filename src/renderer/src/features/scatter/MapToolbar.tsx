import type { SelectionMode } from '../lasso/selection-ops';
import type { ColorMode } from './point-colors';
import './map-toolbar.css';

const COLOR_MODE_TITLES: Record<ColorMode, string> = { error: 'Errors', label: 'Label', predicted: 'Prediction' };
const SELECTION_MODE_TITLES: Record<SelectionMode, string> = { replace: 'New', add: 'Add', subtract: 'Subtract' };

function Segmented<T extends string>(props: {
  label: string;
  options: readonly T[];
  titles: Record<T, string>;
  value: T;
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

export function MapToolbar(props: {
  colorMode: ColorMode;
  colorModes: readonly ColorMode[];
  onColorMode(mode: ColorMode): void;
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
        value={props.colorMode}
        onChange={props.onColorMode}
        testId="color-mode"
      />
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
