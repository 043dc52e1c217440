import { expect, test } from "vitest";
import { effectiveNodes, Nodemask, numaMapsPolicyText } from "../../../host/core/policy/mod.ts";

const usable = Nodemask.of(0, 1, 3);

test("numaMapsPolicyText() names modes and flags as mpol_to_str() prints them", () => {
  expect(numaMapsPolicyText(2, Nodemask.of(0, 1), usable)).toBe("bind:0-1");
  expect(numaMapsPolicyText(5, Nodemask.of(3), usable)).toBe("prefer (many):3");
  expect(numaMapsPolicyText(6, Nodemask.of(0, 1), usable)).toBe("weighted interleave:0-1");
  expect(numaMapsPolicyText(3 | 0x8000, Nodemask.of(0), usable)).toBe("interleave=static:0");
  expect(numaMapsPolicyText(2 | 0x2000, Nodemask.of(0), usable)).toBe("bind=balancing:0");
  expect(numaMapsPolicyText(4, Nodemask.EMPTY, usable)).toBe("local");
  expect(numaMapsPolicyText(0, Nodemask.EMPTY, usable)).toBe("default");
  expect(numaMapsPolicyText(0, Nodemask.EMPTY, usable, "interleave:0-1")).toBe("interleave:0-1");
});

test("numaMapsPolicyText() shows the nodes the kernel keeps: ∩ usable, first for preferred, empty preferred as local", () => {
  expect(numaMapsPolicyText(2, Nodemask.of(1, 2), usable)).toBe("bind:1");
  expect(numaMapsPolicyText(1, Nodemask.of(1, 3), usable)).toBe("prefer:1");
  expect(numaMapsPolicyText(1, Nodemask.EMPTY, usable)).toBe("local");
});

test("effectiveNodes() folds relative nodes onto the usable set", () => {
  // +0 → 1st usable (0), +2 → 3rd (3), +4 → 4 mod 3 = 1 → 2nd (1)
  expect(effectiveNodes(2 | 0x4000, Nodemask.of(0, 2, 4), usable).toArray()).toEqual([0, 1, 3]);
  expect(effectiveNodes(2 | 0x4000, Nodemask.of(5), Nodemask.of(0)).toArray()).toEqual([0]);
});
