/** Formatting of the bench's progress lines and its final, README-ready markdown table. */

export interface Row {
  figure: string;
  value: string;
  /** Empty when the figure is informational. */
  target: string;
  /** undefined when there is no target. */
  met?: boolean;
}

/** 1 MB = 10^6 bytes (the stricter reading of a "≤ 125 MB" target). */
export const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
export const rate = (perSecond: number) => `${perSecond >= 100 ? perSecond.toFixed(0) : perSecond.toFixed(1)}/s`;
export const ms = (value: number) => (value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`);
export const pct = (ratio: number) => `${(ratio * 100).toFixed(0)}%`;
export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

/** A progress line on stderr, so stdout carries only the final table when redirected. */
export const log = (line: string) => process.stderr.write(`${line}\n`);

export function markdownTable(rows: Row[]): string {
  const lines = ['| Figure | Value | Target | Met? |', '| --- | --- | --- | --- |'];
  for (const row of rows) {
    const met = row.met === undefined ? '—' : row.met ? 'yes' : '**no**';
    lines.push(`| ${row.figure} | ${row.value} | ${row.target || '—'} | ${met} |`);
  }
  return lines.join('\n');
}
