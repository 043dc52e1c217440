import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { PolicyContents } from "../../../host/core/plan/mod.ts";
import { PolicySlots } from "../../../host/core/plan/policy_slots.ts";
import { Nodemask } from "../../../host/core/policy/mod.ts";

const ctx = { configured: Nodemask.of(0, 1, 2, 3), allowed: Nodemask.of(0, 1, 2, 3) };

describe("PolicySlots: equal literals share a slot", () => {
  test("fresh literals with string or array nodes and flags in any key order resolve once", () => {
    const slots = new PolicySlots(ctx);
    const a = slots.slotOf({ mode: "bind", nodes: "0-1", static: true }, "p");
    expect(slots.slotOf({ static: true, nodes: "0-1", mode: "bind" }, "p")).toBe(a);
    const b = slots.slotOf({ mode: "bind", nodes: [0, 1] }, "p");
    expect(slots.slotOf({ nodes: [0, 1], mode: "bind" }, "p")).toBe(b);
    expect(b).not.toBe(a); // static differs
    expect(slots.masks).toHaveLength(2);
  });

  test("a literal that differs in anything gets its own slot, and a bad one is still refused by name", () => {
    const slots = new PolicySlots(ctx);
    const a = slots.slotOf({ mode: "bind", nodes: [0] }, "p");
    expect(slots.slotOf({ mode: "bind", nodes: [1] }, "p")).not.toBe(a);
    expect(slots.slotOf({ mode: "preferred", nodes: [0] }, "p")).not.toBe(a);
    expect(slots.slotOf({ mode: "bind", nodes: [0], relative: true }, "p")).not.toBe(a);
    expect(() => slots.slotOf({ mode: "bind", nodes: [0], statc: true } as never, "requests[7].policy")).toThrow(/requests\[7\]\.policy.*statc.*static/);
    expect(() => slots.slotOf({ mode: "bind", nodes: [0], static: "yes" } as never, "requests[8].policy")).toThrow(/requests\[8\]\.policy\.static/);
    expect(() => slots.slotOf({ mode: "bind", nodes: [0, 9] }, "requests[9].policy")).toThrow(/node 9 is not configured/);
  });
});

describe("PolicyContents", () => {
  const content = fc.record({
    mode: fc.constantFrom("bind", "preferred", "interleave"),
    nodes: fc.oneof(fc.constantFrom("0", "1", "0-1"), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 })),
    static: fc.option(fc.boolean(), { nil: undefined }),
  }, { requiredKeys: ["mode", "nodes"] });
  const same = (a: Record<string, unknown>, b: Record<string, unknown>) =>
    a.mode === b.mode && a.static === b.static && JSON.stringify(a.nodes) === JSON.stringify(b.nodes);

  test("finds a slot only for an equal content, with few contents or many (past its recent list)", () => {
    fc.assert(fc.property(fc.array(content, { minLength: 1, maxLength: 20 }), content, (added, probe) => {
      const c = new PolicyContents();
      added.forEach((p, i) => { if (c.find(p) < 0) c.add(p, i); });
      const k = c.find({ ...probe, nodes: Array.isArray(probe.nodes) ? [...probe.nodes] : probe.nodes });
      const first = added.findIndex((p) => same(p, probe));
      expect(k).toBe(first);
    }));
  });

  test("an added array is copied: changing it afterwards changes nothing found", () => {
    const c = new PolicyContents(), nodes = [0];
    c.add({ mode: "bind", nodes }, 0);
    nodes[0] = 1;
    expect(c.find({ mode: "bind", nodes: [1] })).toBe(-1);
    expect(c.find({ mode: "bind", nodes: [0] })).toBe(0);
  });
});
