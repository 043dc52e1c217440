import { describe, expect, test } from "vitest";
import {
  type BindRequest, NodestringError, NumaError, type Policy, type PolicyInput,
} from "../../../host/mod.ts";
import { type FakeMachine, planOn } from "../../helpers/fake_facts.ts";

const P = 4096n;
const BASE = 0x10000000n;
const at = (page: bigint, pages: bigint, policy: PolicyInput, flags?: BindRequest["flags"]): BindRequest =>
  ({ target: { addr: BASE + page * P, length: pages * P }, policy, ...(flags ? { flags } : {}) });
const pages = (p: { ops: { addr: bigint; length: bigint }[] }): number[][] =>
  p.ops.map((o) => [Number((o.addr - BASE) / P), Number(o.length / P)]);

function refusal(f: () => unknown): NumaError {
  try { f(); } catch (e) { if (e instanceof NumaError) return e; throw e; }
  throw new Error("expected a NumaError");
}

const IL: Policy = { mode: "interleave", nodes: "0-3" };

describe("plan(): chunkBytes", () => {
  test("chunkBytes cuts ops at every multiple of the chunk, counted from address 0", () => {
    const p = planOn({}, [at(2n, 10n, { mode: "bind", nodes: [0] })], { chunkBytes: 4 * 4096 });
    expect(pages(p)).toEqual([[2, 2], [4, 4], [8, 4]]);
    expect(p.stats).toMatchObject({ ops: 3, splits: 2, estimatedVmas: 2 });
    expect(p.ops.every((o) => o.request === 0)).toBe(true);
  });

  test("a chunk size that is not a page multiple rounds up to one", () => {
    expect(pages(planOn({}, [at(0n, 4n, { mode: "local" })], { chunkBytes: 5000 }))).toEqual([[0, 2], [2, 2]]);
  });
});

describe("plan(): interleaveBlock and weights", () => {
  test("blocks go round-robin over the usable nodes in ascending order, by address / block", () => {
    const p = planOn({}, [at(0n, 8n, IL)], { interleaveBlock: 8192 });
    expect(p.ops.map((o) => [o.policy.mode, o.policy.nodes.toList(), Number(o.length / P)])).toEqual([
      ["preferred", "0", 2], ["preferred", "1", 2], ["preferred", "2", 2], ["preferred", "3", 2],
    ]);
    expect(p.stats).toMatchObject({ ops: 4, splits: 3, estimatedVmas: 5 });
  });

  test("a plain run broken by interleave blocks starts anew after them, not as part of the last block", () => {
    const p = planOn({}, [at(0n, 1n, { mode: "bind", nodes: [0] }), at(1n, 2n, IL), at(3n, 1n, { mode: "bind", nodes: [0] })], { interleaveBlock: 4096 });
    expect(p.ops.map((o) => [o.policy.mode, o.policy.nodes.toList(), Number(o.length / P)])).toEqual([
      ["bind", "0", 1], ["preferred", "1", 1], ["preferred", "2", 1], ["bind", "0", 1],
    ]);
  });

  test("block numbering is absolute: a range starting mid-cycle starts with that block's node", () => {
    const p = planOn({}, [at(6n, 4n, IL)], { interleaveBlock: 8192 });
    expect(p.ops.map((o) => o.policy.nodes.toList())).toEqual(["3", "0"]);
  });

  test("weights give each node that many consecutive blocks; blockPolicy bind makes them strict", () => {
    const p = planOn({}, [at(0n, 8n, { mode: "interleave", nodes: "0-1" })], { interleaveBlock: 4096, weights: [3, 1], blockPolicy: "bind" });
    expect(p.ops.map((o) => [o.policy.mode, o.policy.nodes.toList(), Number(o.length / P)])).toEqual([
      ["bind", "0", 3], ["bind", "1", 1], ["bind", "0", 3], ["bind", "1", 1],
    ]);
  });

  test("weighted-interleave blocks follow the kernel's sysfs weights unless weights are given", () => {
    const p = planOn({ weights: [1, 2] }, [at(0n, 6n, { mode: "weighted-interleave", nodes: "0-1" })], { interleaveBlock: 4096 });
    // Weights 1 and 2 make a 3-block cycle (0, 1, 1); BASE is block 65536, and 65536 % 3 = 1.
    expect(p.ops.map((o) => `${o.policy.nodes.toList()}x${o.length / P}`)).toEqual(["1x2", "0x1", "1x2", "0x1"]);
    const q = planOn({ weights: [1, 2] }, [at(0n, 2n, { mode: "interleave", nodes: "0-1" })], { interleaveBlock: 4096 });
    expect(q.ops.map((o) => o.policy.nodes.toList())).toEqual(["0", "1"]);
  });

  test("unusable nodes get no block (the kernel's interleave skips them too); relative keeps the flag", () => {
    const p = planOn({ allowed: [0, 2] }, [at(0n, 4n, { mode: "interleave", nodes: [0, 1, 2, 3] })], { interleaveBlock: 4096 });
    expect(p.ops.map((o) => o.policy.nodes.toList())).toEqual(["0", "2", "0", "2"]);
    const r = planOn({ allowed: [0, 2] }, [at(0n, 2n, { mode: "interleave", nodes: [0, 1], relative: true })], { interleaveBlock: 4096 });
    expect(r.ops.map((o) => [o.policy.relative, o.policy.nodes.toList()])).toEqual([[true, "0"], [true, "1"]]);
  });

  test("hugePageAlign rounds blocks and chunks up to 2 MiB", () => {
    const p = planOn({}, [at(0n, 1024n, { mode: "interleave", nodes: "0-1" })], { interleaveBlock: 4096, hugePageAlign: true });
    expect(pages(p)).toEqual([[0, 512], [512, 512]]);
    const c = planOn({}, [at(0n, 1024n, { mode: "bind", nodes: "0" })], { chunkBytes: 1 << 20, hugePageAlign: true });
    expect(pages(c)).toEqual([[0, 512], [512, 512]]);
  });

  test("a block bound to the same node as its neighbour coalesces with it", () => {
    const p = planOn({}, [at(0n, 2n, { mode: "preferred", nodes: [0] }), at(2n, 2n, IL)], { interleaveBlock: 8192 });
    expect(pages(p)).toEqual([[0, 2], [2, 2]]);
    expect(p.ops.map((o) => o.policy.nodes.toList())).toEqual(["0", "1"]);
  });
});

describe("plan(): the VMA budget", () => {
  const alternating = (n: number): BindRequest[] => Array.from({ length: n }, (_, i) =>
    at(BigInt(i), 1n, i % 2 ? { mode: "local" } : { mode: "bind", nodes: [0] }));

  test("stats.estimatedVmas bounds the mappings: one per op plus one per contiguous group", () => {
    expect(planOn({}, alternating(10)).stats.estimatedVmas).toBe(11);
    expect(planOn({}, [at(0n, 1n, IL), at(5n, 1n, IL)]).stats.estimatedVmas).toBe(4);
  });

  test("a plan that would pass max_map_count is refused with the count, the limit and what to change", () => {
    const e = refusal(() => planOn({ maxMapCount: 1000, mapCount: 200 }, alternating(1000)));
    expect(e).toMatchObject({ code: "ENOMEM", syscall: "validate", arg: "requests" });
    expect(e.message).toMatch(/up to 1001 mappings/);
    expect(e.message).toMatch(/200 this process has/);
    expect(e.message).toMatch(/vm\.max_map_count = 1000/);
    expect(e.message).toMatch(/equal policies/);
    expect(planOn({ maxMapCount: 1201, mapCount: 200 }, alternating(1000), { mapReserve: 0 }).ops).toHaveLength(1000);
  });

  test("the budget keeps mapReserve mappings (default 1024) free for the runtime, and says so", () => {
    // 64000 + 1001 fits under 65530, not under 65530 - 1024.
    const e = refusal(() => planOn({ maxMapCount: 65530, mapCount: 64000 }, alternating(1000)));
    expect(e).toMatchObject({ code: "ENOMEM", syscall: "validate" });
    expect(e.message).toMatch(/vm\.max_map_count = 65530 less the 1024 mappings kept free for the runtime \(mapReserve\): 64000 \+ 1001 > 64506/);
    expect(e.message).toMatch(/nothing was bound/);
    expect(planOn({ maxMapCount: 65530, mapCount: 64000 }, alternating(1000), { mapReserve: 0 }).ops).toHaveLength(1000);
    expect(planOn({ maxMapCount: 65530, mapCount: 63505 }, alternating(1000)).ops).toHaveLength(1000);
    // The estimate (1001) counts a split at the group's edge; these ranges split no mapping,
    // so 1000 fit exactly (the bound from real mappings, vma_budget.ts) and 1001 do not.
    expect(planOn({ maxMapCount: 65530, mapCount: 63506 }, alternating(1000)).ops).toHaveLength(1000);
    expect(() => planOn({ maxMapCount: 65530, mapCount: 63507 }, alternating(1000))).toThrow(/63507 \+ 1001 > 64506/);
    // Inside the reserve a plan that can add mappings is refused, however small (these ranges
    // are unmapped, so nothing merges); one that merges mappings goes through, which
    // test/kernel/batch_budget.test.ts shows on real mappings.
    expect(() => planOn({ maxMapCount: 65530, mapCount: 65000 }, alternating(10))).toThrow(/65000 \+ 11 > 64506/);
    expect(() => planOn({ maxMapCount: 65530, mapCount: 65000 }, alternating(100))).toThrow(/65000 \+ 101 > 64506/);
    // A healthy process may not walk into the reserve, however small the steps.
    expect(() => planOn({ maxMapCount: 65530, mapCount: 64500 }, alternating(10))).toThrow(/64500 \+ 11 > 64506/);
    // maxMapCount: 0 still turns the budget off, reserve or not.
    expect(planOn({ maxMapCount: 65530, mapCount: 65529 }, alternating(1000), { maxMapCount: 0 }).ops).toHaveLength(1000);
  });

  test("a plan adding many mappings is checked on a fresh map count, not a cached one", () => {
    expect(planOn({ maxMapCount: 65530, mapCounts: { cached: 65000, fresh: 100 } }, alternating(1000)).ops).toHaveLength(1000);
    const e = refusal(() => planOn({ maxMapCount: 65530, mapCounts: { cached: 100, fresh: 65000 } }, alternating(1000)));
    expect(e.message).toMatch(/to the 65000 this process has/);
    // A small plan may use the cached count (read at most a second ago).
    expect(planOn({ maxMapCount: 65530, mapCounts: { cached: 100, fresh: 65529 } }, alternating(10)).ops).toHaveLength(10);
  });

  test("when interleave blocks cause it, the error names interleaveBlock", () => {
    const e = refusal(() => planOn({ maxMapCount: 65530, mapCount: 100 }, [at(0n, 100_000n, IL)], { interleaveBlock: 4096 }));
    expect(e.arg).toBe("interleaveBlock");
    expect(e.message).toMatch(/raise interleaveBlock \(now 4096 bytes/);
    expect(planOn({ maxMapCount: 65530 }, [at(0n, 100_000n, IL)], { interleaveBlock: 4096, maxMapCount: 0 }).ops).toHaveLength(100_000);
  });
});

describe("plan(): option checks name the option", () => {
  test.each([
    [{ overlap: "first" }, TypeError, /overlap must be "last-wins" or "error"/],
    [{ chunkBytes: -1 }, RangeError, /chunkBytes must be a positive integer/],
    [{ interleaveBlock: 1.5 }, RangeError, /interleaveBlock must be a positive integer/],
    [{ weights: [1] }, TypeError, /weights apply to interleave blocks; give interleaveBlock/],
    [{ interleaveBlock: 4096, weights: [1, 0] }, RangeError, /weights\[1\] must be an integer in 1\.\.65535/],
    [{ blockPolicy: "strict" }, TypeError, /blockPolicy must be "preferred" or "bind"/],
    [{ pageSize: 5000 }, RangeError, /pageSize must be a power of two/],
    [{ maxMapCount: -1 }, RangeError, /maxMapCount must be an integer/],
    [{ mapReserve: 1.5 }, RangeError, /mapReserve must be an integer/],
  ])("%j is refused", (opts, type, message) => {
    expect(() => planOn({}, [at(0n, 1n, IL)], opts as never)).toThrow(type);
    expect(() => planOn({}, [at(0n, 1n, IL)], opts as never)).toThrow(message);
  });
});

describe("plan(): kernel rules, refused before any syscall with the argument and the rule", () => {
  test.each([
    [{ mode: "default", nodes: [0] }, "requests[0].policy.nodes", /mode default takes no nodes, current value is 0/],
    [{ mode: "local", nodes: [1] }, "requests[0].policy.nodes", /mode local takes no nodes/],
    [{ mode: "local", static: true }, "requests[0].policy.static", /local cannot be static or relative/],
    [{ mode: "preferred", relative: true }, "requests[0].policy.nodes", /means local allocation, which cannot be static or relative/],
    [{ mode: "bind", nodes: [] }, "requests[0].policy.nodes", /mode bind needs at least one node/],
    [{ mode: "preferred-many" }, "requests[0].policy.nodes", /mode preferred-many needs at least one node/],
    [{ mode: "bind", nodes: [0], static: true, relative: true }, "requests[0].policy.static", /static and relative cannot be combined/],
    [{ mode: "interleave", nodes: [0], balancing: true }, "requests[0].policy.balancing", /balancing .* goes only with bind or preferred-many/],
    // A relative mask names positions, so only the engine's width rule can refuse this one.
    [{ mode: "bind", nodes: [0, 1024], relative: true }, "requests[0].policy.nodes", /nodes 0\.\.1023 \(MAX_NUMNODES = 1024\)/],
    [{ mode: "bind", nodes: [9] }, "requests[0].policy.nodes", /none of its nodes \(9\) is usable here/, { configured: [0, 1, 2, 3, 9], allowed: [0, 1, 2, 3] }],
  ] as [Policy, string, RegExp, FakeMachine?][])("%j", (policy, arg, message, machine = {}) => {
    const e = refusal(() => planOn(machine, [at(0n, 1n, policy as Policy)]));
    expect(e).toMatchObject({ code: "EINVAL", errno: 22, syscall: "validate", arg, index: 0 });
    expect(e.message).toMatch(message);
  });

  test("balancing on a kernel older than the mode's release names the release it needs", () => {
    const bind = refusal(() => planOn({ balancingModes: 0, mpolMax: 6 }, [at(0n, 1n, { mode: "bind", nodes: [0], balancing: true })]));
    expect(bind).toMatchObject({ code: "EINVAL", arg: "requests[0].policy.balancing" });
    expect(bind.message).toMatch(/balancing \(MPOL_F_NUMA_BALANCING\) with bind needs Linux 5\.15 or later/);
    const many = refusal(() => planOn({ balancingModes: 1 << 2 }, [at(0n, 1n, { mode: "preferred-many", nodes: [0], balancing: true })]));
    expect(many.message).toMatch(/with preferred-many needs Linux 6\.10 or later/);
    expect(planOn({ balancingModes: 1 << 2 }, [at(0n, 1n, { mode: "bind", nodes: [0], balancing: true })]).ops).toHaveLength(1);
  });

  test("relative nodes fold onto the allowed set, so a relative mask of unusable nodes is accepted", () => {
    expect(planOn({ allowed: [0] }, [at(0n, 1n, { mode: "bind", nodes: [9], relative: true })]).ops).toHaveLength(1);
  });

  test("moveAll without CAP_SYS_NICE is EPERM, named as flags.moveAll", () => {
    const e = refusal(() => planOn({ capSysNice: false }, [at(0n, 1n, { mode: "bind", nodes: [0] }, { moveAll: true })]));
    expect(e).toMatchObject({ code: "EPERM", errno: 1, arg: "requests[0].flags.moveAll" });
    expect(planOn({ capSysNice: true }, [at(0n, 1n, { mode: "bind", nodes: [0] }, { moveAll: true })]).ops).toHaveLength(1);
  });

  test("a mode newer than the kernel says which Linux it needs", () => {
    const e = refusal(() => planOn({ mpolMax: 6 }, [at(0n, 1n, { mode: "weighted-interleave", nodes: [0] })]));
    expect(e).toMatchObject({ arg: "requests[0].policy.mode" });
    expect(e.message).toMatch(/needs Linux 6\.9 or later/);
  });

  test("an unaligned raw start is the kernel's rule; an unaligned raw length is numabind's", () => {
    expect(refusal(() => planOn({}, [{ target: { addr: BASE + 1n, length: P }, policy: IL }])).arg).toBe("requests[0].target");
    expect(refusal(() => planOn({}, [{ target: { addr: BASE, length: P + 1n }, policy: IL }])).message).toMatch(/start and end on a 4096-byte page boundary/);
  });
});

describe("plan(): policy forms", () => {
  test("nodes may be a nodestring, read against the machine's configured and allowed nodes", () => {
    const p = planOn({ configured: [0, 1, 2, 3], allowed: [0, 1, 3] }, [at(0n, 1n, { mode: "bind", nodes: "!1" })]);
    expect(p.ops[0]!.policy.nodes.toList()).toBe("0,3");
    const e = refusal(() => planOn({ allowed: [0, 1, 3] }, [at(0n, 1n, { mode: "bind", nodes: "0,2" })]));
    expect(e).toBeInstanceOf(NodestringError);
    expect(e).toMatchObject({ arg: "requests[0].policy.nodes", position: 2 });
    expect(e.message).toMatch(/node 2 at position 2 is not allowed/);
  });

  test("the OCI runtime-spec memoryPolicy form is a policy", () => {
    const p = planOn({}, [at(0n, 1n, { mode: "MPOL_INTERLEAVE", nodes: "0-1,3", flags: ["MPOL_F_STATIC_NODES"] })]);
    expect(p.ops[0]!.policy).toMatchObject({ mode: "interleave", static: true });
    expect(p.ops[0]!.policy.nodes.toList()).toBe("0-1,3");
    expect(() => planOn({}, [at(0n, 1n, { mode: "MPOL_BIND", nodes: "0-3,7" })])).toThrow(/requests\[0\]\.policy\.nodes: node 7 is not configured/);
    expect(() => planOn({}, [at(0n, 1n, { mode: "MPOL_BIND", nodes: "0", flags: ["MPOL_F_STRICT"] })])).toThrow(/requests\[0\]\.policy\.flags\[0\]: it must be one of MPOL_F_STATIC_NODES/);
    expect(() => planOn({}, [at(0n, 1n, { mode: "MPOL_BOUND" } as never)])).toThrow(/an OCI memoryPolicy mode is one of/);
  });

  test("numactl's option names membind and localalloc are modes", () => {
    const p = planOn({}, [at(0n, 1n, { mode: "membind", nodes: "1" }), at(1n, 1n, { mode: "localalloc" })]);
    expect(p.ops.map((o) => o.policy.mode)).toEqual(["bind", "local"]);
  });
});
