import type { CategoryColumn, ClusterSummary } from '../../../../shared/model/scores';

/**
 * The code of `cluster` in the `cluster` column. Categories name the clusters by id ("3") or by name; when neither
 * matches, a code equal to the id is taken (categories listed in id order).
 */
export function clusterCode(column: CategoryColumn, cluster: Pick<ClusterSummary, 'id' | 'name'>): number {
  const byId = column.categories.indexOf(String(cluster.id));
  if (byId >= 0) return byId;
  if (cluster.name !== null) {
    const byName = column.categories.indexOf(cluster.name);
    if (byName >= 0) return byName;
  }
  return cluster.id >= 0 && cluster.id < column.categories.length ? cluster.id : -1;
}

/** Ascending image indices of `cluster`'s members; empty when the column does not know it. */
export function clusterMembers(column: CategoryColumn, cluster: Pick<ClusterSummary, 'id' | 'name'>): Uint32Array {
  const code = clusterCode(column, cluster);
  if (code < 0) return new Uint32Array(0);
  let n = 0;
  for (const c of column.codes) if (c === code) n++;
  const out = new Uint32Array(n);
  let k = 0;
  for (let i = 0; i < column.codes.length; i++) if (column.codes[i] === code) out[k++] = i;
  return out;
}

/** What the panel calls a cluster. */
export function clusterTitle(cluster: Pick<ClusterSummary, 'id' | 'name'>): string {
  return cluster.name ?? `Cluster ${cluster.id}`;
}

/** "shirt → t-shirt_top ×12" for the most common confusion, or null. */
export function topConfusionText(cluster: Pick<ClusterSummary, 'topConfusions'>): string | null {
  const top = cluster.topConfusions[0];
  return top ? `${top.label} → ${top.predicted} ×${top.count}` : null;
}
