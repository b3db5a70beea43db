import { useMemo } from 'react';
import type { PointColumns } from '../../../../shared/model/dataset';
import type { ScoreColumn } from '../../../../shared/model/scores';
import { formatScore } from '../scores/format-score';
import { imageScoreNotes } from '../scores/score-badges';
import { ScoreBadges } from '../scores/ScoreBadges';
import { useImageRecord } from '../thumbnails/image-resources';
import { Thumbnail } from '../thumbnails/Thumbnail';
import { describePoint } from './describe-point';
import './hover.css';

const CARD_WIDTH_PX = 232;
/** The tallest card: mislabel row and a second line of badges included. */
const CARD_HEIGHT_PX = 300;
const CURSOR_GAP_PX = 14;

/** Where the card goes: beside the cursor, flipped to the other side when it would leave the map. */
function cardPosition(xPx: number, yPx: number, widthPx: number, heightPx: number): { left: number; top: number } {
  const left = xPx + CURSOR_GAP_PX + CARD_WIDTH_PX <= widthPx ? xPx + CURSOR_GAP_PX : xPx - CURSOR_GAP_PX - CARD_WIDTH_PX;
  const top = Math.min(Math.max(4, yPx - CARD_HEIGHT_PX / 2), Math.max(4, heightPx - CARD_HEIGHT_PX - 4));
  return { left: Math.max(4, left), top };
}

export function HoverCard(props: {
  index: number;
  xPx: number;
  yPx: number;
  mapWidthPx: number;
  mapHeightPx: number;
  columns: PointColumns;
  classes: readonly string[];
  scores: readonly ScoreColumn[];
}) {
  const { index, columns, classes, scores } = props;
  const record = useImageRecord(index);
  const point = describePoint(columns, classes, index);
  const notes = useMemo(() => imageScoreNotes(scores, index, point.label), [scores, index, point.label]);
  const path = record.state === 'ready' ? record.value.path : record.state === 'error' ? record.message : '…';
  return (
    <div className="hover-card" data-testid="hover-card" data-index={index} style={cardPosition(props.xPx, props.yPx, props.mapWidthPx, props.mapHeightPx)}>
      <div className="hover-thumb">
        <Thumbnail index={index} sizePx={128} alt={path} />
      </div>
      <div className="hover-path mono" title={path}>
        {path}
      </div>
      <dl className="hover-facts">
        <dt>Label</dt>
        <dd>{point.label ?? <span className="muted">none</span>}</dd>
        <dt>Predicted</dt>
        <dd>
          {point.predicted ?? <span className="muted">none</span>}
          {point.confidence !== null && <span className="muted"> · {(point.confidence * 100).toFixed(1)}%</span>}
        </dd>
        {point.loss !== null && (
          <>
            <dt>Loss</dt>
            <dd>{point.loss.toFixed(3)}</dd>
          </>
        )}
        {notes.mislabel !== null && (
          <>
            <dt>Mislabel</dt>
            <dd data-testid="hover-mislabel">
              {formatScore(notes.mislabel.score)}
              {notes.mislabel.suggested !== null && <span className="hover-suggested"> · maybe {notes.mislabel.suggested}</span>}
            </dd>
          </>
        )}
      </dl>
      <div className="hover-tags">
        <span className={`verdict verdict-${point.verdict}`}>{VERDICT_TEXT[point.verdict]}</span>
        <ScoreBadges badges={notes.badges} max={4} />
      </div>
    </div>
  );
}

const VERDICT_TEXT = { wrong: 'Wrong', right: 'Right', unknown: 'Not scored' } as const;
