// Text helpers shared by the HTML tables, the chart labels and the terminal comparison.
import type { Stat } from "../report_schema.ts";

/**
 * Escapes text for HTML element content and double-quoted attributes: report strings (kernel,
 * CPU model, policy names, reasons) come from the machine and must not become markup.
 * @example Basic usage
 * ```ts
 * expect(escapeHtml(`<a href="x">&</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
 * ```
 */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/**
 * A figure in at most three significant digits, but whole numbers from 100 up: "12,345",
 * "12.3", "0.0123". Bandwidths run to five digits and a rounded 12,300 would hide real changes.
 * @example Basic usage
 * ```ts
 * expect(formatNumber(12345.6)).toBe("12,346");
 * expect(formatNumber(1.23456)).toBe("1.23");
 * ```
 */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString("en-US");
  return Number(x.toPrecision(3)).toLocaleString("en-US", { maximumSignificantDigits: 3 });
}

/**
 * A figure in three significant digits with an SI suffix from 10,000 up, for chart labels
 * that must fit a heatmap cell: "23.5k", "1.2M", "85.3".
 * @example Basic usage
 * ```ts
 * expect(formatCompact(23_520)).toBe("23.5k");
 * expect(formatCompact(8_400)).toBe("8,400");
 * ```
 */
export function formatCompact(x: number): string {
  const a = Math.abs(x);
  if (a >= 1e9) return `${Number((x / 1e9).toPrecision(3))}G`;
  if (a >= 1e6) return `${Number((x / 1e6).toPrecision(3))}M`;
  if (a >= 1e4) return `${Number((x / 1e3).toPrecision(3))}k`;
  return formatNumber(x);
}

/**
 * Bytes in binary units: "32 KiB", "1.5 GiB".
 * @example Basic usage
 * ```ts
 * expect(formatBytes(48 * 1024)).toBe("48 KiB");
 * expect(formatBytes(3 << 29)).toBe("1.5 GiB");
 * ```
 */
export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0, v = n;
  while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${formatNumber(v)} ${units[i]}`;
}

/**
 * A stat as "median [p25–p75]": the median is the figure, the quartiles its spread.
 * @example Basic usage
 * ```ts
 * const s = { unit: "ns", n: 5, best: 80, median: 82, min: 80, max: 99, p25: 81, p75: 85 } as const;
 * expect(spreadText(s)).toBe("82 [81–85]");
 * ```
 */
export function spreadText(s: Stat): string {
  return `${formatNumber(s.median)} [${formatNumber(s.p25)}–${formatNumber(s.p75)}]`;
}

/**
 * A node list in the kernel's short form: [0, 1, 2, 5] → "0-2,5".
 * @example Basic usage
 * ```ts
 * expect(nodeRanges([0, 1, 2, 5])).toBe("0-2,5");
 * expect(nodeRanges([])).toBe("none");
 * ```
 */
export function nodeRanges(nodes: readonly number[]): string {
  const sorted = [...nodes].sort((x, y) => x - y);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : `${sorted[i]}`);
    i = j + 1;
  }
  return parts.join(",") || "none";
}

/**
 * Pages per node as "0:512 1:3".
 * @example Basic usage
 * ```ts
 * expect(pagesText({ "1": 3, "0": 512 })).toBe("0:512 1:3");
 * ```
 */
export function pagesText(perNode: Record<string, number>): string {
  const entries = Object.entries(perNode).sort(([x], [y]) => Number(x) - Number(y));
  return entries.map(([n, p]) => `${n}:${p}`).join(" ") || "none";
}
