import { useEffect, useRef, useState, type PointerEvent } from 'react';
import './lasso.css';

export interface LassoModifiers {
  shiftKey: boolean;
  altKey: boolean;
}

/** Screen points closer than this to the previous one add nothing to the outline. */
const MIN_STEP_PX = 3;

/**
 * Draws a lasso with pointer events on an SVG laid over the map (so synthetic mouse input works too) and
 * reports the closed outline in screen pixels. Transparent to the pointer while inactive, so the map pans.
 */
export function LassoOverlay({
  active,
  onComplete,
}: {
  active: boolean;
  onComplete(outlinePx: Array<[number, number]>, modifiers: LassoModifiers): void;
}) {
  const [outline, setOutline] = useState<Array<[number, number]> | null>(null);
  const drawingRef = useRef<{ pointerId: number; modifiers: LassoModifiers } | null>(null);

  useEffect(() => {
    if (outline === null) return;
    const cancelOnEscape = (e: KeyboardEvent): void => {
      if (e.key !== 'Escape') return;
      drawingRef.current = null;
      setOutline(null);
    };
    window.addEventListener('keydown', cancelOnEscape);
    return () => window.removeEventListener('keydown', cancelOnEscape);
  }, [outline]);

  const localPoint = (e: PointerEvent<SVGSVGElement>): [number, number] => {
    const rect = e.currentTarget.getBoundingClientRect();
    return [e.clientX - rect.left, e.clientY - rect.top];
  };

  const onPointerDown = (e: PointerEvent<SVGSVGElement>): void => {
    if (e.button !== 0) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    drawingRef.current = { pointerId: e.pointerId, modifiers: { shiftKey: e.shiftKey, altKey: e.altKey } };
    setOutline([localPoint(e)]);
  };

  const onPointerMove = (e: PointerEvent<SVGSVGElement>): void => {
    if (drawingRef.current?.pointerId !== e.pointerId) return;
    const point = localPoint(e);
    setOutline((current) => {
      if (current === null) return current;
      const last = current[current.length - 1]!;
      return Math.hypot(point[0] - last[0], point[1] - last[1]) < MIN_STEP_PX ? current : [...current, point];
    });
  };

  const finish = (e: PointerEvent<SVGSVGElement>): void => {
    const drawing = drawingRef.current;
    if (drawing?.pointerId !== e.pointerId) return;
    drawingRef.current = null;
    const finished = outline === null ? null : [...outline, localPoint(e)];
    setOutline(null);
    if (finished !== null && finished.length >= 3) onComplete(finished, drawing.modifiers);
  };

  const pointsAttr = outline?.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  return (
    <svg
      className={`lasso-overlay${active ? ' active' : ''}`}
      data-testid="lasso-overlay"
      onPointerDown={active ? onPointerDown : undefined}
      onPointerMove={onPointerMove}
      onPointerUp={finish}
      onPointerCancel={() => {
        drawingRef.current = null;
        setOutline(null);
      }}
    >
      {pointsAttr !== undefined && <polygon className="lasso-outline" points={pointsAttr} />}
    </svg>
  );
}
