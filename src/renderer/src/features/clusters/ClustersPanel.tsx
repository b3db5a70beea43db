import type { ClusterSummary } from '../../../../shared/model/scores';
import { WordListForm } from '../search/WordListForm';
import { formatPercent, formatScore } from '../scores/format-score';
import { Thumbnail } from '../thumbnails/Thumbnail';
import { clusterTitle, topConfusionText } from './cluster-members';
import './clusters.css';

/** Representatives shown per row: enough to see what the cluster is, few enough to stay one row. */
const REPRESENTATIVES_SHOWN = 4;
/** Same size the grid and hover card ask for, so all three share cached thumbnails. */
const THUMBNAIL_SIZE_PX = 128;

function ClusterRow(props: {
  cluster: ClusterSummary;
  selected: boolean;
  onSelect(cluster: ClusterSummary): void;
  onHover(cluster: ClusterSummary | null): void;
}) {
  const { cluster } = props;
  const purity = formatPercent(cluster.purity);
  const errorRate = formatPercent(cluster.errorRate);
  const confusion = topConfusionText(cluster);
  return (
    <button
      type="button"
      className={props.selected ? 'cluster-row selected' : 'cluster-row'}
      data-testid="cluster-row"
      data-cluster-id={cluster.id}
      data-size={cluster.size}
      aria-pressed={props.selected}
      onClick={() => props.onSelect(cluster)}
      onMouseEnter={() => props.onHover(cluster)}
      onMouseLeave={() => props.onHover(null)}
      onFocus={() => props.onHover(cluster)}
      onBlur={() => props.onHover(null)}
    >
      <span className="cluster-text">
        <span className="cluster-head">
          <span className="cluster-name">{clusterTitle(cluster)}</span>
          <span className="cluster-size">{cluster.size.toLocaleString()}</span>
        </span>
        <span className="cluster-facts">
          {cluster.majorityLabel !== null && (
            <span title="Most common label and its share of the cluster">
              {cluster.majorityLabel}
              {purity !== null && <span className="muted"> {purity}</span>}
            </span>
          )}
          {errorRate !== null && (
            <span className={cluster.errorRate > 0 ? 'cluster-error' : undefined} title="Share of wrong predictions">
              {errorRate} err
            </span>
          )}
          {Number.isFinite(cluster.meanLoss) && <span title="Mean loss">loss {formatScore(cluster.meanLoss)}</span>}
          {Number.isFinite(cluster.f1) && <span title="Mean detection F1">F1 {formatScore(cluster.f1)}</span>}
        </span>
        {confusion !== null && (
          <span className="cluster-confusion" title="Most common confusion (label → predicted)">
            {confusion}
          </span>
        )}
      </span>
      <span className="cluster-thumbs">
        {cluster.representatives.slice(0, REPRESENTATIVES_SHOWN).map((index) => (
          <span key={index} className="cluster-thumb">
            <Thumbnail index={index} sizePx={THUMBNAIL_SIZE_PX} alt={`image ${index}`} />
          </span>
        ))}
      </span>
    </button>
  );
}

/** Clusters of the layout, weakest first: click selects a cluster's images and zooms to them, hover outlines them. */
export function ClustersPanel(props: {
  clusters: readonly ClusterSummary[];
  selectedId: number | null;
  onSelect(cluster: ClusterSummary): void;
  onHover(cluster: ClusterSummary | null): void;
  onName(words: string[] | undefined): Promise<unknown>;
}) {
  return (
    <section className="clusters-panel" data-testid="clusters-panel">
      <div className="clusters-header muted">
        {props.clusters.length.toLocaleString()} clusters, weakest first. Click one to select it.
      </div>
      <div className="clusters-name-form">
        <WordListForm
          testId="name-clusters"
          label="Words to name clusters by"
          placeholder="sky, grass (default: labels)"
          button="Name clusters"
          busyButton="Naming…"
          onSubmit={props.onName}
        />
      </div>
      <div className="clusters-list">
        {props.clusters.map((cluster) => (
          <ClusterRow
            key={cluster.id}
            cluster={cluster}
            selected={cluster.id === props.selectedId}
            onSelect={props.onSelect}
            onHover={props.onHover}
          />
        ))}
      </div>
    </section>
  );
}
