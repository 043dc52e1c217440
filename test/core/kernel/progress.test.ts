import { describe, expect, test } from "vitest";
import {
  checkProgressOptions, nextSize, type ProgressInfo, progressReporter,
} from "../../../host/core/kernel/mod.ts";

describe("progressReporter()", () => {
  const run = (interval: number, steps: [number, number][], end: number) => {
    let t = 0;
    const seen: [number, number, ProgressInfo][] = [];
    const p = progressReporter((d, total, info) => seen.push([d, total, info]), 100, interval, () => t);
    for (const [done, at] of steps) { t = at; p.step(done, 10, 2); }
    p.finish(end);
    return seen;
  };

  test("progressReporter() calls back at most once per interval, then once at the end with (total, total)", () => {
    const seen = run(50, [[10, 10], [20, 30], [30, 55], [40, 60], [50, 104], [60, 106], [70, 300], [100, 301]], 100);
    // 55 is the first time 50 ms have passed since the start (0); then 105+ after 55; then 300.
    expect(seen.map((s) => s[0])).toEqual([30, 60, 70, 100]);
    expect(seen.at(-1)!.slice(0, 2)).toEqual([100, 100]);
    expect(seen.at(-1)![2]).toEqual({ calls: 8, lastItems: 10, lastMs: 2, maxMs: 2 });
  });

  test("progressReporter() with interval 0 reports every step, and the final call is not repeated", () => {
    expect(run(0, [[10, 1], [20, 2]], 20).map((s) => s[0])).toEqual([10, 20]);
    expect(run(0, [[10, 1], [20, 2]], 100).map((s) => s[0])).toEqual([10, 20, 100]);
  });

  test("progressReporter() makes the final call once even when finish() runs twice, and for a run stopped early", () => {
    let n = 0;
    const p = progressReporter(() => n++, 10, 1000, () => 0);
    p.finish(4); p.finish(4);
    expect(n).toBe(1);
  });
});

test("nextSize() moves toward the latency target by at most 4x per step, within bounds", () => {
  expect(nextSize(1000, 40, 20, 1, 1e6)).toBe(500);
  expect(nextSize(1000, 1, 20, 1, 1e6)).toBe(4000);
  expect(nextSize(1000, 1000, 20, 1, 1e6)).toBe(250);
  expect(nextSize(2, 1000, 20, 1, 1e6)).toBe(1);
  expect(nextSize(60000, 0, 20, 1, 65536)).toBe(65536);
});

test("checkProgressOptions() names the option and the rule", () => {
  expect(() => checkProgressOptions({ onProgress: 3 })).toThrow(/opts.onProgress: it must be a function, current value is number/);
  expect(() => checkProgressOptions({ progressIntervalMs: -1 })).toThrow(RangeError);
  expect(() => checkProgressOptions({ progressIntervalMs: NaN })).toThrow(/progressIntervalMs: it must be a number of milliseconds >= 0/);
  expect(() => checkProgressOptions({ progressIntervalMs: 0, onProgress: () => {} })).not.toThrow();
});
