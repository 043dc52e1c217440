import { expect, test } from "vitest";
import { formatPolicy, reportedForm, reportedMaskIs } from "../../../host/core/kernel/mod.ts";
import { Nodemask } from "../../../host/core/policy/mod.ts";

const usable = Nodemask.of(0, 1, 3);
const form = (mode: number, mask: number[] | null) => {
  const r = reportedForm(mode, mask ? Nodemask.of(...mask) : null, usable);
  return [r.mode, r.nodes.toArray()];
};

test("reportedForm() is what get_mempolicy(MPOL_F_ADDR) reports after mbind(mode, mask)", () => {
  expect(form(0, null)).toEqual([0, []]);                    // default: no policy
  expect(form(4, null)).toEqual([4, []]);                    // local
  expect(form(1, null)).toEqual([4, []]);                    // preferred without nodes is stored as local
  expect(form(2, [0, 2, 3])).toEqual([2, [0, 3]]);           // bind: mask ∩ usable
  expect(form(1, [2, 3, 1])).toEqual([1, [1]]);              // preferred: the first usable node
  expect(form(6, [1, 9])).toEqual([6, [1]]);                 // weighted interleave: ∩ usable
  expect(form(2 | 0x2000, [0, 2])).toEqual([2 | 0x2000, [0]]); // balancing keeps the mode flag
  expect(form(3 | 0x8000, [0, 2])).toEqual([3 | 0x8000, [0, 2]]); // static: the caller's mask
  expect(form(2 | 0x4000, [5])).toEqual([2 | 0x4000, [5]]);  // relative: the caller's mask
});

test("reportedMaskIs() compares across widths and never matches nodes it cannot read back", () => {
  expect(reportedMaskIs(Uint32Array.of(0b101, 0), Nodemask.of(0, 2))).toBe(true);
  expect(reportedMaskIs(Uint32Array.of(0b101, 0, 0, 0), Nodemask.of(0, 2))).toBe(true);
  expect(reportedMaskIs(Uint32Array.of(0b101, 0, 1, 0), Nodemask.of(0, 2))).toBe(false);
  expect(reportedMaskIs(Uint32Array.of(0b1, 0), Nodemask.of(0, 64))).toBe(false);
  expect(reportedMaskIs(Uint32Array.of(0, 0), Nodemask.EMPTY)).toBe(true);
});

test("formatPolicy() writes mode, flags and the reported nodes", () => {
  expect(formatPolicy(0, Nodemask.EMPTY)).toBe("default");
  expect(formatPolicy(4, Nodemask.EMPTY)).toBe("local");
  expect(formatPolicy(2, Nodemask.of(0, 1))).toBe("bind:0-1");
  expect(formatPolicy(3 | 0x4000 | 0x2000, Nodemask.of(4))).toBe("interleave=relative|balancing:4");
  expect(formatPolicy(5, Nodemask.of(0, 3))).toBe("preferred-many:0,3");
});
