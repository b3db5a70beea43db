import type { ScoreBadge } from './score-badges';
import './scores.css';

/** Flags raised on one image; index badges (duplicate of #n) name the other image. */
export function ScoreBadges({ badges, max }: { badges: readonly ScoreBadge[]; max?: number }) {
  if (badges.length === 0) return null;
  const shown = max === undefined ? badges : badges.slice(0, max);
  const hidden = badges.length - shown.length;
  return (
    <span className="score-badges" data-testid="score-badges">
      {shown.map((b) => (
        <span key={b.key} className={`score-badge tone-${b.tone}`} title={b.description}>
          {b.linkTo === undefined ? b.label : `${b.label} #${b.linkTo}`}
        </span>
      ))}
      {hidden > 0 && (
        <span className="score-badge tone-info" title={badges.slice(shown.length).map((b) => b.label).join(', ')}>
          +{hidden}
        </span>
      )}
    </span>
  );
}
