import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import type { DatasetSummary, PointColumns } from '../../../shared/model/dataset';
import type { ClusterSummary, ScoreColumn } from '../../../shared/model/scores';
import { clusterMembers } from '../features/clusters/cluster-members';
import { ClustersPanel } from '../features/clusters/ClustersPanel';
import { findCategoryScore, usableScores } from '../features/scores/score-columns';
import { defaultFilter, maskIndices } from '../features/scores/score-filter';
import { ScoreFilterControl, type FilterState } from '../features/scores/ScoreFilterControl';
import { ScoreLegend } from '../features/scores/ScoreLegend';
import { isColorMode, useMapColoring, type ColorChoice } from '../features/scores/use-map-coloring';
import { SelectionPanel } from '../features/gallery/SelectionPanel';
import { activeRanking, similarResultsTitle, type RankedResults } from '../features/search/search-results';
import { SEARCH_TOP_K, SearchBar } from '../features/search/SearchBar';
import { WordListForm } from '../features/search/WordListForm';
import { HoverCard } from '../features/hover/HoverCard';
import { JobsPanel, ProgressBar } from '../features/jobs/JobsPanel';
import { jobsForDisplay, progressFraction, runningJobFor, type JobsById } from '../features/jobs/jobs-state';
import { LassoOverlay, type LassoModifiers } from '../features/lasso/LassoOverlay';
import { pointsInPolygon } from '../features/lasso/points-in-polygon';
import { combineSelection, EMPTY_SELECTION, modeFromModifiers, type SelectionMode } from '../features/lasso/selection-ops';
import { SummaryPanel } from '../features/dataset/SummaryPanel';
import { ProviderSelect } from '../features/providers/ProviderSelect';
import { Legend } from '../features/scatter/Legend';
import { MapToolbar } from '../features/scatter/MapToolbar';
import { COLOR_MODES, type ColorMode } from '../features/scatter/point-colors';
import { ScatterView, type PointHit, type ScatterHandle } from '../features/scatter/ScatterView';
import type { XySource } from './use-dataset-session';
import { useElementSize } from './use-element-size';
import { useApi } from './api-context';
import { errorMessage } from './error-message';
import { MIN_SUBSET_POINTS, spreadSubsetLayout } from '../features/subset/subset-layout';
import { useKeyHeld, useShortcuts } from './use-keyboard';
import './workspace.css';

/** The hover card waits this long after the pointer settles on a point, so sweeping across the map stays calm. */
const HOVER_DELAY_MS = 80;

interface WorkspaceProps {
  summary: DatasetSummary;
  points: PointColumns | null;
  scores: readonly ScoreColumn[];
  clusters: readonly ClusterSummary[];
  xy: Float32Array | null;
  xySource: XySource;
  jobs: JobsById;
  onAnalyze(): void;
  onCancel(jobId: string): void;
  /** The execution provider choice shown beside Analyze. */
  provider: ProviderChoice;
}

interface ProviderChoice {
  choices: readonly string[];
  value: string;
  onChange(provider: string): void;
}

function MapStatus({ summary, jobs, previewing, onAnalyze, provider }: { summary: DatasetSummary; jobs: JobsById; previewing: boolean; onAnalyze(): void; provider: ProviderChoice }) {
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
      <div className="map-status-actions">
        <button type="button" className="primary" data-testid="analyze" onClick={onAnalyze}>
          Analyze
        </button>
        <ProviderSelect choices={provider.choices} value={provider.value} onChange={provider.onChange} />
      </div>
    </div>
  );
}

/** Stands in for the points while they load, so the colouring hooks run unconditionally. */
const NO_POINTS: PointColumns = {
  count: 0,
  xy: new Float32Array(0),
  label: new Int32Array(0),
  predicted: new Int32Array(0),
  correct: new Int8Array(0),
  confidence: new Float32Array(0),
  loss: new Float32Array(0),
  usable: new Uint8Array(0),
};

type SidePanel = 'selection' | 'clusters';

/** One open dataset: summary and jobs on the left, the map in the middle, the selection on the right. */
export function Workspace({ summary, points, scores: allScores, clusters, xy, xySource, jobs, onAnalyze, onCancel, provider }: WorkspaceProps) {
  const client = useApi();
  // "Re-project selection": the selected images laid out on their own, shown in place of the full map.
  const [subsetView, setSubsetView] = useState<{ base: Float32Array | null; xy: Float32Array; count: number } | null>(null);
  const [subsetBusy, setSubsetBusy] = useState(false);
  const shownSubset = subsetView !== null && subsetView.base === xy ? subsetView : null;
  const layoutIsFinal = xySource === 'layout';
  const [chosenColor, setColorChoice] = useState<ColorChoice>('error');
  const [chosenFilter, setFilter] = useState<FilterState | null>(null);
  const [sidePanel, setSidePanel] = useState<SidePanel>('selection');
  const [hoveredCluster, setHoveredCluster] = useState<ClusterSummary | null>(null);
  const [clusterSelection, setClusterSelection] = useState<{ id: number; members: Uint32Array } | null>(null);
  const [selection, setSelection] = useState<Uint32Array>(EMPTY_SELECTION);
  // Search and find-similar hits become the selection (highlighted on the map), shown in the grid in score order.
  const [ranking, setRanking] = useState<RankedResults | null>(null);
  const [searchNotice, setSearchNotice] = useState<string | null>(null);
  const showRanking = useCallback((results: RankedResults) => {
    setRanking(results);
    setSearchNotice(null);
    setSelection(results.indices);
    setSidePanel('selection');
  }, []);
  const findSimilar = useCallback(
    async (indices: number[]): Promise<void> => {
      try {
        const hits = await client.call('search.similar', { datasetId: summary.id, indices: Uint32Array.from(indices), topK: SEARCH_TOP_K });
        showRanking({ ...hits, title: similarResultsTitle(indices) });
      } catch (err) {
        setSearchNotice(errorMessage(err));
      }
    },
    [client, summary.id, showRanking],
  );
  const reprojectSelection = useCallback(async (): Promise<void> => {
    if (points === null) return;
    setSubsetBusy(true);
    try {
      const subsetXy = await client.call('layout.subset', { datasetId: summary.id, indices: selection });
      setSubsetView({ base: xy, xy: spreadSubsetLayout(points.count, selection, subsetXy), count: selection.length });
      scatterRef.current?.fitToData();
    } catch (err) {
      console.warn('Re-projecting the selection failed:', err);
    } finally {
      setSubsetBusy(false);
    }
  }, [client, points, selection, summary.id, xy]);
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
    f: () => scatterRef.current?.fitToData(),
    Escape: () => {
      setLassoOn(false);
      setFocusIndex(null);
    },
  });

  // Without predictions only the label colouring means anything.
  const colorModes: readonly ColorMode[] = summary.predictions !== null ? COLOR_MODES : ['label'];
  const pointCount = points?.count ?? 0;
  // A score whose length is not the point count belongs to another layout (or a bug): never drawn.
  const scores = useMemo(() => usableScores(allScores, pointCount), [allScores, pointCount]);
  const colorChoice: ColorChoice = isColorMode(chosenColor)
    ? colorModes.includes(chosenColor)
      ? chosenColor
      : colorModes[0]!
    : scores.some((c) => `score:${c.name}` === chosenColor)
      ? chosenColor
      : colorModes[0]!;
  const activeScoreName = isColorMode(colorChoice) ? null : colorChoice.slice('score:'.length);
  const activeNumberScore = scores.find((c) => c.name === activeScoreName && c.kind === 'number');
  const defaultFilterState = useMemo<FilterState | null>(
    () => (activeNumberScore?.kind === 'number' ? { column: activeNumberScore.name, filter: defaultFilter(activeNumberScore), active: false } : null),
    [activeNumberScore],
  );
  // A filter belongs to its column: another column starts from its own default, off.
  const filterState = chosenFilter !== null && chosenFilter.column === activeScoreName ? chosenFilter : defaultFilterState;
  // Dragging the threshold at a million points recomputes the mask and the draw order on every step: deferred,
  // the slider stays responsive and the map catches up.
  const deferredFilter = useDeferredValue(filterState);
  const mapColoring = useMapColoring({
    points: points ?? NO_POINTS,
    classCount: summary.classes.length,
    scores,
    choice: colorChoice,
    filter: deferredFilter !== null && deferredFilter.column === filterState?.column ? deferredFilter : filterState,
  });

  const clusterColumn = useMemo(() => findCategoryScore(scores, 'cluster'), [scores]);
  const selectedClusterId = clusterSelection !== null && clusterSelection.members === selection ? clusterSelection.id : null;
  const showClusters = clusters.length > 0 && clusterColumn !== null;
  const shownPanel: SidePanel = showClusters ? sidePanel : 'selection';
  // A row unmounted under the pointer (tab switch) never reports the pointer leaving: only a shown panel highlights.
  const hoveredShown = shownPanel === 'clusters' ? hoveredCluster : null;
  const highlight = useMemo(
    () => (hoveredShown !== null && clusterColumn !== null ? clusterMembers(clusterColumn, hoveredShown) : null),
    [hoveredShown, clusterColumn],
  );
  const selectCluster = useCallback(
    (cluster: ClusterSummary) => {
      if (clusterColumn === null) return;
      const members = clusterMembers(clusterColumn, cluster);
      setSelection(members);
      setClusterSelection({ id: cluster.id, members });
      scatterRef.current?.fitTo(members);
    },
    [clusterColumn],
  );
  const selectMatching = useCallback(() => {
    const filtered = mapColoring.filtered;
    if (filtered === null) return;
    setSelection(maskIndices(filtered.mask, filtered.count));
    setSidePanel('selection');
  }, [mapColoring.filtered]);

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
            {mapColoring.score !== null ? (
              <>
                <ScoreLegend column={mapColoring.score} range={mapColoring.range} />
                {mapColoring.score.kind === 'number' && filterState !== null && mapColoring.filtered !== null && (
                  <ScoreFilterControl
                    column={mapColoring.score}
                    state={filterState}
                    result={mapColoring.filtered}
                    onChange={setFilter}
                    onSelectMatching={selectMatching}
                  />
                )}
              </>
            ) : (
              <Legend columns={points} classes={summary.classes} mode={isColorMode(colorChoice) ? colorChoice : 'error'} />
            )}
          </div>
        )}
        {summary.embedder !== null && (
          <div className="sidebar-section">
            <h3 className="panel-title">Zero-shot labels</h3>
            <WordListForm
              testId="zero-shot"
              label="Class names for zero-shot labels"
              placeholder="cat, dog (default: labels)"
              button="Label"
              busyButton="Labelling…"
              onSubmit={async (classes) => {
                await client.call('labels.zeroShot', { datasetId: summary.id, ...(classes ? { classes } : {}) });
                setColorChoice('score:zero_shot_label');
              }}
            />
          </div>
        )}
        <div className="sidebar-section">
          <h3 className="panel-title">Jobs</h3>
          <JobsPanel jobs={displayedJobs} onCancel={onCancel} onAnalyze={summary.layout === null ? onAnalyze : null} />
        </div>
      </aside>

      <main className="map-pane">
        <MapToolbar
          colorChoice={colorChoice}
          colorModes={colorModes}
          scores={scores}
          onColorChoice={setColorChoice}
          lassoOn={lassoOn}
          onLassoToggle={() => setLassoOn((on) => !on)}
          selectionMode={selectionMode}
          onSelectionMode={setSelectionMode}
          onFit={() => scatterRef.current?.fitToData()}
          pointCount={points?.count ?? 0}
        />
        <SearchBar datasetId={summary.id} disabled={summary.embedder === null} onResults={showRanking} />
        <div className="map-area" ref={mapRef}>
          {xy !== null && points !== null ? (
            <ScatterView
              ref={scatterRef}
              xy={shownSubset?.xy ?? xy}
              coloring={mapColoring.coloring}
              rank={mapColoring.rank}
              mask={mapColoring.mask}
              highlight={highlight}
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
                  scores={scores}
                />
              )}
            </ScatterView>
          ) : (
            <div className="map-placeholder">{points === null && <span className="muted">Loading points…</span>}</div>
          )}
          <MapStatus summary={summary} jobs={jobs} previewing={xySource === 'preview'} onAnalyze={onAnalyze} provider={provider} />
          {shownSubset !== null ? (
            <div className="subset-bar" data-testid="subset-bar">
              <span>
                {shownSubset.count.toLocaleString()} selected images laid out on their own
              </span>
              <button
                type="button"
                data-testid="back-to-map"
                onClick={() => {
                  setSubsetView(null);
                  scatterRef.current?.fitToData();
                }}
              >
                Back to full map
              </button>
            </div>
          ) : (
            layoutIsFinal &&
            selection.length >= MIN_SUBSET_POINTS && (
              <div className="subset-bar">
                <button type="button" data-testid="reproject-selection" disabled={subsetBusy} onClick={() => void reprojectSelection()}>
                  {subsetBusy ? 'Laying out…' : `Re-project ${selection.length.toLocaleString()} selected`}
                </button>
              </div>
            )
          )}
        </div>
      </main>

      <aside className="sidebar sidebar-right">
        {showClusters && (
          <div className="side-tabs" role="tablist" aria-label="Right panel">
            <button
              type="button"
              role="tab"
              aria-selected={shownPanel === 'selection'}
              data-testid="tab-selection"
              onClick={() => setSidePanel('selection')}
            >
              Selection <span className="tab-count">{selection.length.toLocaleString()}</span>
            </button>
            <button
              type="button"
              role="tab"
              aria-selected={shownPanel === 'clusters'}
              data-testid="tab-clusters"
              onClick={() => setSidePanel('clusters')}
            >
              Clusters <span className="tab-count">{clusters.length.toLocaleString()}</span>
            </button>
          </div>
        )}
        {points && shownPanel === 'clusters' && (
          <ClustersPanel
            clusters={clusters}
            selectedId={selectedClusterId}
            onSelect={selectCluster}
            onHover={setHoveredCluster}
            onName={(words) => client.call('clusters.name', { datasetId: summary.id, ...(words ? { words } : {}) })}
          />
        )}
        {points && (
          // Kept mounted (hidden) under the clusters tab so its sort choice and scroll survive a tab switch.
          <div className="side-panel-body" hidden={shownPanel !== 'selection'}>
            <SelectionPanel
              datasetId={summary.id}
              selection={selection}
              columns={points}
              classes={summary.classes}
              scores={scores}
              focusIndex={focusIndex}
              onFocus={setFocusIndex}
              onAddToSelection={(index) => setSelection((current) => combineSelection(current, Uint32Array.of(index), 'add'))}
              onClear={() => setSelection(EMPTY_SELECTION)}
              ranking={activeRanking(ranking, selection)}
              notice={searchNotice}
              onFindSimilar={(indices) => void findSimilar(indices)}
            />
          </div>
        )}
      </aside>
    </div>
  );
}
