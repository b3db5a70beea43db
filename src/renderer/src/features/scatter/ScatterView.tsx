import { useCallback, useImperativeHandle, useLayoutEffect, useMemo, useRef, useState, type ReactNode, type Ref } from 'react';
import DeckGL, { type DeckGLRef } from '@deck.gl/react';
import { OrthographicView, type PickingInfo } from '@deck.gl/core';
import { ScatterplotLayer } from '@deck.gl/layers';
import { useElementSize } from '../../app/use-element-size';
import { drawOrderByRank, gatherPositions, type DrawRank } from './draw-order';
import { dataBounds, fitViewState, subsetBounds, type OrthoViewState } from './fit-view';
import { FOCUS_COLOR, HIGHLIGHT_COLOR, SELECTED_COLOR } from './palette';
import { PointBuffers } from './point-buffers';
import { fillColors, type PointColoring } from './point-colors';
import { basePointRadiusPx, zoomRadiusScale } from './point-radius';
import './scatter.css';

const VIEW = new OrthographicView({ id: 'map', flipY: true });

/** How far the user may zoom out of / into the fitted view, in zoom levels (powers of two). */
const ZOOM_OUT_LEVELS = 3;
const ZOOM_IN_LEVELS = 12;
/** Unselected points fade to this opacity while there is a selection, so the selection reads at a glance. */
const DIMMED_OPACITY = 0.28;
const PICKING_RADIUS_PX = 3;
/** Past this many selected points their outlines merge into a yellow fill that hides the colours: dimming alone reads. */
const OUTLINED_SELECTION_MAX = 5000;
/** Room around a fitted subset (a cluster), so its edge points are not on the map's border. */
const FIT_SUBSET_PADDING_PX = 60;

export interface ScatterHandle {
  /** Screen pixels (relative to the scatter's top-left) to world coordinates. */
  unproject(screen: ReadonlyArray<readonly [number, number]>): Array<[number, number]>;
  /** Back to the view that fits all points. */
  fitToData(): void;
  /** Zooms to the view that fits these images (ignored when none of them has a position). */
  fitTo(indices: Uint32Array): void;
}

export interface PointHit {
  index: number;
  xPx: number;
  yPx: number;
}

export interface ScatterViewProps {
  xy: Float32Array;
  /** Colour of every image (error, class, score...). */
  coloring: PointColoring;
  /** Draw order buckets: higher is drawn on top. Keep its identity stable to keep the position buffer. */
  rank: DrawRank;
  /** Images a score filter keeps; the others are drawn faint. Null: no filter. */
  mask: Uint8Array | null;
  /** Images to outline (a cluster hovered in the clusters panel), ascending; null for none. */
  highlight: Uint32Array | null;
  /** Ascending image indices. */
  selection: Uint32Array;
  focusIndex: number | null;
  hoverIndex: number | null;
  /** Marks the scatter ready (data-ready) once a frame with this layout has been drawn. */
  layoutIsFinal: boolean;
  /** The lasso owns the pointer: no panning, no picking, a crosshair cursor. */
  lassoActive: boolean;
  onHover(hit: PointHit | null): void;
  onPointClick(index: number | null): void;
  /** Overlays (lasso, hover card): rendered inside deck.gl's event root, so the wheel still zooms over them. */
  children?: ReactNode;
  ref?: Ref<ScatterHandle>;
}

interface Marker {
  index: number;
  kind: 'focus' | 'hover';
}

/** The deck.gl map: one binary ScatterplotLayer for all points, plus small layers for selection and markers. */
export function ScatterView(props: ScatterViewProps) {
  const { xy, coloring, rank, mask, highlight, selection, focusIndex, hoverIndex, layoutIsFinal, lassoActive, onHover, onPointClick } = props;
  const containerRef = useRef<HTMLDivElement>(null);
  const deckRef = useRef<DeckGLRef<OrthographicView>>(null);
  const { widthPx, heightPx } = useElementSize(containerRef);

  const buffers = useMemo(() => new PointBuffers(xy, rank), [xy, rank]);
  const colorVersion = useMemo(() => buffers.recolor(coloring, mask), [buffers, coloring, mask]);

  const bounds = useMemo(() => dataBounds(xy), [xy]);
  const fitted = useMemo(() => fitViewState(bounds, widthPx, heightPx), [bounds, widthPx, heightPx]);
  // Follows the data (live previews, final layout) until the user moves the view; "fit" hands it back, and so
  // does the final layout replacing a preview, whose scale may differ.
  const [userView, setUserView] = useState<{ view: OrthoViewState; final: boolean } | null>(null);
  const view = userView !== null && userView.final === layoutIsFinal ? userView.view : fitted;
  const viewState = {
    target: view.target,
    zoom: view.zoom,
    minZoom: fitted.zoom - ZOOM_OUT_LEVELS,
    maxZoom: fitted.zoom + ZOOM_IN_LEVELS,
  };

  useImperativeHandle(
    props.ref,
    () => ({
      unproject(screen) {
        const viewport = deckRef.current?.deck?.getViewports()[0];
        if (!viewport) return [];
        return screen.map(([x, y]) => {
          const [wx, wy] = viewport.unproject([x, y]);
          return [wx ?? NaN, wy ?? NaN];
        });
      },
      fitToData: () => setUserView(null),
      fitTo(indices) {
        const subset = subsetBounds(xy, indices);
        if (subset !== null) setUserView({ view: fitViewState(subset, widthPx, heightPx, FIT_SUBSET_PADDING_PX), final: layoutIsFinal });
      },
    }),
    [xy, widthPx, heightPx, layoutIsFinal],
  );

  // data-ready: set from onAfterRender once deck.gl has drawn a frame holding the final layout's buffers.
  const finalBuffersRef = useRef<PointBuffers | null>(null);
  useLayoutEffect(() => {
    finalBuffersRef.current = layoutIsFinal ? buffers : null;
  }, [layoutIsFinal, buffers]);
  const [drawnFinal, setDrawnFinal] = useState<PointBuffers | null>(null);
  const onAfterRender = useCallback(() => {
    const target = finalBuffersRef.current;
    if (target) setDrawnFinal((current) => (current === target ? current : target));
  }, []);
  const ready = layoutIsFinal && drawnFinal === buffers;

  const radiusPx = basePointRadiusPx(buffers.data.length);
  const radiusScale = zoomRadiusScale(view.zoom, fitted.zoom);

  const selectionData = useMemo(() => {
    if (selection.length === 0) return null;
    const order = drawOrderByRank(xy, rank, selection);
    return {
      length: order.length,
      attributes: {
        getPosition: { value: gatherPositions(xy, order), size: 2 },
        getFillColor: { value: fillColors(coloring, order, new Uint8Array(order.length * 4), mask), size: 4, normalized: true },
      },
    };
  }, [xy, rank, coloring, mask, selection]);

  const highlightData = useMemo(() => {
    if (highlight === null || highlight.length === 0) return null;
    const order = drawOrderByRank(xy, rank, highlight);
    return { length: order.length, attributes: { getPosition: { value: gatherPositions(xy, order), size: 2 } } };
  }, [xy, rank, highlight]);

  const markers = useMemo(() => {
    const list: Marker[] = [];
    const drawable = (i: number | null): i is number => i !== null && Number.isFinite(xy[2 * i]) && Number.isFinite(xy[2 * i + 1]);
    if (drawable(focusIndex)) list.push({ index: focusIndex, kind: 'focus' });
    if (drawable(hoverIndex) && hoverIndex !== focusIndex) list.push({ index: hoverIndex, kind: 'hover' });
    return list;
  }, [xy, focusIndex, hoverIndex]);

  const layers = [
    new ScatterplotLayer({
      id: 'points',
      data: buffers.data,
      radiusUnits: 'pixels',
      getRadius: radiusPx,
      radiusScale,
      stroked: false,
      pickable: !lassoActive,
      opacity: selectionData ? DIMMED_OPACITY : 1,
      updateTriggers: { getFillColor: colorVersion },
    }),
    selectionData &&
      new ScatterplotLayer({
        id: 'selection',
        data: selectionData,
        radiusUnits: 'pixels',
        getRadius: radiusPx + 0.75,
        radiusScale,
        stroked: selectionData.length <= OUTLINED_SELECTION_MAX,
        lineWidthUnits: 'pixels',
        getLineWidth: 1,
        getLineColor: [...SELECTED_COLOR],
        pickable: false,
      }),
    highlightData &&
      new ScatterplotLayer({
        id: 'highlight',
        data: highlightData,
        radiusUnits: 'pixels',
        getRadius: radiusPx + 1.5,
        radiusScale,
        filled: false,
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 1.25,
        getLineColor: [...HIGHLIGHT_COLOR],
        pickable: false,
      }),
    markers.length > 0 &&
      new ScatterplotLayer<Marker>({
        id: 'markers',
        data: markers,
        getPosition: (m) => [xy[2 * m.index]!, xy[2 * m.index + 1]!],
        radiusUnits: 'pixels',
        getRadius: (m) => (m.kind === 'focus' ? 7 : 5) + radiusPx * radiusScale,
        filled: false,
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: (m) => (m.kind === 'focus' ? 2.5 : 1.5),
        getLineColor: [...FOCUS_COLOR],
        pickable: false,
        updateTriggers: { getRadius: radiusPx * radiusScale },
      }),
  ];

  const handleHover = useCallback(
    (info: PickingInfo) => {
      const index = info.layer?.id === 'points' ? buffers.imageAt(info.index) : null;
      onHover(index === null ? null : { index, xPx: info.x, yPx: info.y });
    },
    [buffers, onHover],
  );

  const handleClick = useCallback(
    (info: PickingInfo) => {
      // The end of a lasso stroke is not a click on the map.
      if (!lassoActive) onPointClick(info.layer?.id === 'points' ? buffers.imageAt(info.index) : null);
    },
    [buffers, lassoActive, onPointClick],
  );

  return (
    <div
      ref={containerRef}
      className="scatter"
      data-testid="scatter"
      data-point-count={buffers.data.length}
      data-ready={ready ? 'true' : 'false'}
    >
      <DeckGL
        ref={deckRef}
        views={VIEW}
        viewState={viewState}
        onViewStateChange={({ viewState: next }) => {
          const target = next.target ?? view.target;
          const zoom = typeof next.zoom === 'number' ? next.zoom : view.zoom;
          setUserView({ view: { target: [target[0], target[1]], zoom }, final: layoutIsFinal });
        }}
        controller={{ dragPan: !lassoActive, scrollZoom: true, doubleClickZoom: !lassoActive, keyboard: false, inertia: false }}
        layers={layers}
        pickingRadius={PICKING_RADIUS_PX}
        onHover={handleHover}
        onClick={handleClick}
        onAfterRender={onAfterRender}
        getCursor={({ isDragging, isHovering }) => (lassoActive ? 'crosshair' : isDragging ? 'grabbing' : isHovering ? 'pointer' : 'grab')}
      >
        {props.children}
      </DeckGL>
    </div>
  );
}
