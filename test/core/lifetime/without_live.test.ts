import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { type Noted, withoutLive } from "../../../host/core/lifetime/mod.ts";

const span = fc.tuple(fc.nat(60), fc.integer({ min: 1, max: 20 })).map(([f, n]) => ({ first: f, end: f + n }));

/** Units covered by spans, as a set (the reference the sweep must match). */
const units = (spans: readonly { first: number; end: number }[]) => {
  const s = new Set<number>();
  for (const { first, end } of spans) for (let u = first; u < end; u++) s.add(u);
  return s;
};

describe("withoutLive: what a reset may touch", () => {
  test("exactly the dead units no live buffer covers, as disjoint sorted spans", () => {
    const alive = {}, gone = new WeakRef({}); // `gone` may be collected: live only if it derefs
    fc.assert(fc.property(fc.array(span, { maxLength: 8 }), fc.array(fc.tuple(span, fc.boolean()), { maxLength: 8 }), (dead, live) => {
      const map = new Map<number, Noted>(live.map(([s, on], i) => [i, { ...s, ref: on ? new WeakRef(alive) : gone, resets: true }]));
      const out = withoutLive(dead, map);
      const liveUnits = units(live.filter(([, on]) => on || gone.deref() !== undefined).map(([s]) => s));
      const want = [...units(dead)].filter((u) => !liveUnits.has(u)).sort((a, b) => a - b);
      expect([...units(out)].sort((a, b) => a - b)).toEqual(want);
      for (let i = 1; i < out.length; i++) expect(out[i]!.first).toBeGreaterThan(out[i - 1]!.end - 1);
      for (const s of out) expect(s.end).toBeGreaterThan(s.first);
    }));
  });
});
