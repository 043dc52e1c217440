// Reducing samples to the report's Stat: best, median and quartiles, with simple-statistics'
// quantiles so that every figure of a report uses the same definition.
import { maxSorted, medianSorted, minSorted, quantileSorted } from "simple-statistics";
import type { Stat } from "./report_schema.ts";

/**
 * Reduces samples to a Stat. `best` is the highest sample for bandwidth (MB/s), the lowest for
 * times and ratios (ns, us, ratio), as STREAM reports the best of its repeats. No samples give
 * a Stat with `n: 0` and zeros, so that a figure that could not be measured keeps its shape.
 * @param samples the measurements (finite numbers)
 * @param unit what they count
 * @returns the reduced figure
 * @example Basic usage
 * ```ts
 * const s = summarize([3, 1, 2], "ns");
 * assert(s.best === 1 && s.median === 2 && s.max === 3);
 * ```
 */
export function summarize(samples: readonly number[], unit: Stat["unit"]): Stat {
  if (samples.length === 0) return emptyStat(unit);
  const bad = samples.find((x) => !Number.isFinite(x));
  if (bad !== undefined) throw new RangeError(`Cannot summarize ${unit} samples: every sample must be a finite number, current value is ${bad}`);
  const xs = [...samples].sort((a, b) => a - b);
  const min = minSorted(xs), max = maxSorted(xs);
  return {
    unit, n: xs.length, best: unit === "MB/s" ? max : min, median: medianSorted(xs), min, max,
    p25: quantileSorted(xs, 0.25), p75: quantileSorted(xs, 0.75),
  };
}

/**
 * A figure that was not measured: `n: 0`, zeros everywhere.
 * @param unit what it would have counted
 * @example Basic usage
 * ```ts
 * assert(emptyStat("MB/s").n === 0);
 * ```
 */
export function emptyStat(unit: Stat["unit"]): Stat {
  return { unit, n: 0, best: 0, median: 0, min: 0, max: 0, p25: 0, p75: 0 };
}

/**
 * MB/s with STREAM's megabyte (10^6 bytes): `bytes` moved in `ns` nanoseconds.
 * @example Basic usage
 * ```ts
 * assert(mbPerSec(2e9, 1e9) === 2000);
 * ```
 */
export function mbPerSec(bytes: number, ns: number): number {
  if (!(ns > 0)) throw new RangeError(`Cannot compute MB/s: the elapsed time must be positive, current value is ${ns} ns`);
  return (bytes / ns) * 1e3;
}

/**
 * `a / b`, or 0 when `b` was not measured (0): a ratio that stays finite in JSON.
 * @example Basic usage
 * ```ts
 * assert(ratioOf(3, 2) === 1.5 && ratioOf(3, 0) === 0);
 * ```
 */
export function ratioOf(a: number, b: number): number {
  return b > 0 ? a / b : 0;
}
