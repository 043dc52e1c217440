/** Small text helpers for the CLI's tables. */

/**
 * Bytes in a mebibyte.
 * @example Basic usage
 * ```ts
 * expect(Math.floor(3 * MiB / MiB)).toBe(3);
 * ```
 */
export const MiB = 1024 * 1024;

/**
 * A count with thousands separators: "1,234".
 * @example Basic usage
 * ```ts
 * expect(count(20000)).toBe("20,000");
 * ```
 */
export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/**
 * A duration in milliseconds as "12.3 µs" below 1 ms, else "4.56 ms".
 * @example Basic usage
 * ```ts
 * expect(duration(0.0123)).toBe("12.3 µs");
 * expect(duration(4.561)).toBe("4.56 ms");
 * ```
 */
export function duration(ms: number): string {
  return ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`;
}

/**
 * Left-aligned columns; every row has the same number of cells as `header`.
 * @param indent put before every line
 * @example Basic usage
 * ```ts
 * expect(table(["a", "bb"], [["1", "2"]], "")).toBe("a  bb\n1  2");
 * ```
 */
export function table(header: string[], rows: string[][], indent = "  "): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => indent + cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/**
 * An address in hex: "0x7f12...".
 * @example Basic usage
 * ```ts
 * expect(hex(4096n)).toBe("0x1000");
 * ```
 */
export function hex(n: bigint): string {
  return `0x${n.toString(16)}`;
}
