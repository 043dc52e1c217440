/** Small text helpers for the CLI's tables. */

export const MiB = 1024 * 1024;

/** "1,234" */
export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** "12.3 µs" / "4.56 ms" */
export function duration(ms: number): string {
  return ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`;
}

/** Left-aligned columns; every row has the same number of cells as `header`. */
export function table(header: string[], rows: string[][], indent = "  "): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => indent + cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/** "0x7f12..." */
export function hex(n: bigint): string {
  return `0x${n.toString(16)}`;
}
