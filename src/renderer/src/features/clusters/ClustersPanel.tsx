import { useState, type FormEvent } from 'react';
import type { ClusterSummary } from '../../../../shared/model/scores';
import { errorMessage } from '../../app/error-message';
import '../search/search.css';
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

/**
 * Names the clusters with CLIP: by the label vocabulary (empty field) or the user's comma-separated words. The
 * names arrive with the next clusters reload; a model without a text tower gets its reason inline.
 */
function NameClustersForm(props: { onName(words: string[] | undefined): Promise<unknown> }) {
  const [words, setWords] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const list = words.split(',').map((w) => w.trim()).filter((w) => w !== '');
    setBusy(true);
    setError(null);
    try {
      await props.onName(list.length > 0 ? list : undefined);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="clusters-name-form" onSubmit={(e) => void submit(e)}>
      <input
        type="text"
        data-testid="cluster-words"
        aria-label="Words to name clusters by"
        placeholder="words, a,b,c (default: labels)"
        value={words}
        onChange={(e) => setWords(e.target.value)}
      />
      <button type="submit" data-testid="name-clusters" disabled={busy}>
        {busy ? 'Naming…' : 'Name clusters'}
      </button>
      {error !== null && (
        <div className="search-error" role="alert" data-testid="cluster-names-error">
          {error}
        </div>
      )}
    </form>
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
      <NameClustersForm onName={props.onName} />
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
