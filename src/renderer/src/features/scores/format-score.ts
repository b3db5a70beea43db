/** Score values for people: enough digits to tell neighbours apart at the value's magnitude, no more. */
export function formatScore(value: number): string {
  if (!Number.isFinite(value)) return '—';
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 0.001 || magnitude >= 1e5)) return value.toExponential(2);
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  return value.toFixed(magnitude >= 1 ? 2 : 3);
}

/** "31%" for a 0..1 share; null for NaN. */
export function formatPercent(share: number): string | null {
  return Number.isFinite(share) ? `${(share * 100).toFixed(0)}%` : null;
}
