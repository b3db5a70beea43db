import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { DatasetSummary, PointColumns } from '../../../shared/model/dataset';
import { SelectionPanel } from '../features/gallery/SelectionPanel';
import { HoverCard } from '../features/hover/HoverCard';
import { JobsPanel, ProgressBar } from '../features/jobs/JobsPanel';
import { jobsForDisplay, progressFraction, runningJobFor, type JobsById } from '../features/jobs/jobs-state';
import { LassoOverlay, type LassoModifiers } from '../features/lasso/LassoOverlay';
import { pointsInPolygon } from '../features/lasso/points-in-polygon';
import { combineSelection, EMPTY_SELECTION, modeFromModifiers, type SelectionMode } from '../features/lasso/selection-ops';
import { SummaryPanel } from '../features/dataset/SummaryPanel';
import { Legend } from '../features/scatter/Legend';
import { MapToolbar } from '../features/scatter/MapToolbar';
import { COLOR_MODES, type ColorMode } from '../features/scatter/point-colors';
import { ScatterView, type PointHit, type ScatterHandle } from '../features/scatter/ScatterView';
import type { XySource } from './use-dataset-session';
import { useElementSize } from './use-element-size';
import { useKeyHeld, useShortcuts } from './use-keyboard';
import './workspace.css';

/** The hover card waits this long after the pointer settles on a point, so sweeping across the map stays calm. */
const HOVER_DELAY_MS = 80;

interface WorkspaceProps {
  summary: DatasetSummary;
  points: PointColumns | null;
  xy: Float32Array | null;
  xySource: XySource;
  jobs: JobsById;
  onAnalyze(): void;
  onCancel(jobId: string): void;
}

function MapStatus({ summary, jobs, previewing, onAnalyze }: { summary: DatasetSummary; jobs: JobsById; previewing: boolean; onAnalyze(): void }) {
  const running = runningJobFor(jobs, summary.id, 'analyze') ?? runningJobFor(jobs, summary.id, 'project') ?? runningJobFor(jobs, summary.id, 'embed');
  if (running) {
    return (
      <div className={previewing ? 'map-status corner' : 'map-status'} data-testid="map-status">
        <div className="map-status-title">{previewing ? 'Live preview' : 'Analyzing'}</div>
        <div className="map-status-stage">
          {running.stage}
          {running.total > 0 && (
            <span className="muted">
              {' '}
              {running.done.toLocaleString()} / {running.total.toLocaleString()}
            </span>
          )}
        </div>
        <ProgressBar fraction={progressFraction(running)} />
      </div>
    );
  }
  if (summary.layout !== null || previewing) return null;
  return (
    <div className="map-status" data-testid="map-status">
      <div className="map-status-title">No map yet</div>
      <div className="map-status-stage muted">Embed the images and lay them out in 2-D to draw the map.</div>
      <button type="button" className="primary" data-testid="analyze" onClick={onAnalyze}>
        Analyze
      </button>
    </div>
  );
}

/** One open dataset: summary and jobs on the left, the map in the middle, the selection on the right. */
export function Workspace({ summary, points, xy, xySource, jobs, onAnalyze, onCancel }: WorkspaceProps) {
  const layoutIsFinal = xySource === 'layout';
  const [chosenColorMode, setColorMode] = useState<ColorMode>('error');
  const [selection, setSelection] = useState<Uint32Array>(EMPTY_SELECTION);
  const [selectionMode, setSelectionMode] = useState<SelectionMode>('replace');
  const [lassoOn, setLassoOn] = useState(false);
  const [focusIndex, setFocusIndex] = useState<number | null>(null);
  const [hover, setHover] = useState<PointHit | null>(null);
  const scatterRef = useRef<ScatterHandle>(null);
  const mapRef = useRef<HTMLDivElement>(null);
  const mapSize = useElementSize(mapRef);
  const shiftHeld = useKeyHeld('Shift');
  const lassoActive = lassoOn || shiftHeld;

  const hoverTimerRef = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(hoverTimerRef.current), []);
  const onHover = useCallback((hit: PointHit | null) => {
    clearTimeout(hoverTimerRef.current);
    if (hit === null) {
      setHover(null);
      return;
    }
    hoverTimerRef.current = setTimeout(() => setHover(hit), HOVER_DELAY_MS);
  }, []);

  useEffect(() => {
    // The lasso overlay takes the pointer away from the map, which then never reports the hover ending.
    if (lassoActive) onHover(null);
  }, [lassoActive, onHover]);

  const onLasso = useCallback(
    (outlinePx: Array<[number, number]>, modifiers: LassoModifiers) => {
      const scatter = scatterRef.current;
      if (!scatter || !xy) return;
      const hits = pointsInPolygon(xy, scatter.unproject(outlinePx));
      const mode = modeFromModifiers(selectionMode, modifiers);
      setSelection((current) => combineSelection(current, hits, mode));
    },
    [xy, selectionMode],
  );

  useShortcuts({
    l: () => setLassoOn((on) => !on),
    f: () => scatterRef.current?.fit(),
    Escape: () => {
      setLassoOn(false);
      setFocusIndex(null);
    },
  });

  // Without predictions only the label colouring means anything.
  const colorModes: readonly ColorMode[] = summary.predictions !== null ? COLOR_MODES : ['label'];
  const colorMode = colorModes.includes(chosenColorMode) ? chosenColorMode : colorModes[0]!;
  const displayedJobs = useMemo(() => jobsForDisplay(jobs, summary.id), [jobs, summary.id]);

  return (
    <div className="workspace">
      <aside className="sidebar sidebar-left">
        <div className="sidebar-section">
          <SummaryPanel summary={summary} />
        </div>
        {points && (
          <div className="sidebar-section">
            <h3 className="panel-title">Legend</h3>
            <Legend columns={points} classes={summary.classes} mode={colorMode} />
          </div>
        )}
        <div className="sidebar-section">
          <h3 className="panel-title">Jobs</h3>
          <JobsPanel jobs={displayedJobs} onCancel={onCancel} onAnalyze={summary.layout === null ? onAnalyze : null} />
        </div>
      </aside>

      <main className="map-pane">
        <MapToolbar
          colorMode={colorMode}
          colorModes={colorModes}
          onColorMode={setColorMode}
          lassoOn={lassoOn}
          onLassoToggle={() => setLassoOn((on) => !on)}
          selectionMode={selectionMode}
          onSelectionMode={setSelectionMode}
          onFit={() => scatterRef.current?.fit()}
          pointCount={points?.count ?? 0}
        />
        <div className="map-area" ref={mapRef}>
          {xy !== null && points !== null ? (
            <ScatterView
              ref={scatterRef}
              xy={xy}
              columns={points}
              classCount={summary.classes.length}
              colorMode={colorMode}
              selection={selection}
              focusIndex={focusIndex}
              hoverIndex={hover?.index ?? null}
              layoutIsFinal={layoutIsFinal}
              lassoActive={lassoActive}
              onHover={onHover}
              onPointClick={setFocusIndex}
            >
              <LassoOverlay active={lassoActive} onComplete={onLasso} />
              {hover && !lassoActive && (
                <HoverCard
                  index={hover.index}
                  xPx={hover.xPx}
                  yPx={hover.yPx}
                  mapWidthPx={mapSize.widthPx}
                  mapHeightPx={mapSize.heightPx}
                  columns={points}
                  classes={summary.classes}
                />
              )}
            </ScatterView>
          ) : (
            <div className="map-placeholder">{points === null && <span className="muted">Loading points…</span>}</div>
          )}
          <MapStatus summary={summary} jobs={jobs} previewing={xySource === 'preview'} onAnalyze={onAnalyze} />
        </div>
      </main>

      <aside className="sidebar sidebar-right">
        {points ? (
          <SelectionPanel
            datasetId={summary.id}
            selection={selection}
            columns={points}
            classes={summary.classes}
            focusIndex={focusIndex}
            onFocus={setFocusIndex}
            onClear={() => setSelection(EMPTY_SELECTION)}
          />
        ) : null}
      </aside>
    </div>
  );
}
