/** Quotes a CSV field when it holds a comma, quote, line break or edge whitespace (RFC 4180 doubling of quotes). */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Writes a number for a CSV: empty for NaN (and for null: a NaN that crossed a JSON frame header arrives as null),
 * integers as is, and float32 values (most of ours) with the fewest digits
 * that read back to the same float32, so 0.821629f is written `0.821629`, not `0.8216289877891541`.
 */
export function csvNumber(value: number | null): string {
  if (value === null || Number.isNaN(value)) return '';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (Number.isInteger(value)) return String(value);
  if (Math.fround(value) === value) {
    for (let digits = 1; digits < 9; digits += 1) {
      const shortest = Number(value.toPrecision(digits));
      if (Math.fround(shortest) === value) return String(shortest);
    }
  }
  return String(value);
}
