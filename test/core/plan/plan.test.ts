import { describe, expect, test } from "vitest";
import { type BindRequest, Nodemask, NumaError, plan, type Policy, type PolicyInput, topology } from "../../../host/mod.ts";
import { planOn } from "../../helpers/fake_facts.ts";
import { addressOf } from "../../helpers/maps.ts";

const P = 4096n;
const BIND0: Policy = { mode: "bind", nodes: [0] };
const LOCAL: Policy = { mode: "local" };
const raw = (page: bigint, pages: bigint, policy: PolicyInput = BIND0): BindRequest =>
  ({ target: { addr: 0x10000000n + page * P, length: pages * P }, policy });
const opts = { unsafeRawAddress: true, pageSize: 4096 };

function refusal(f: () => unknown): NumaError {
  try { f(); } catch (e) { if (e instanceof NumaError) return e; throw e; }
  throw new Error("expected a NumaError");
}

describe("plan(): page alignment", () => {
  test("plan() shrinks a buffer to the pages it fully owns", () => {
    const ab = new ArrayBuffer(16 * 4096);
    const view = new Uint8Array(ab, 1, 10 * 4096);
    const start = addressOf(view);
    const first = (start + P - 1n) / P * P, end = (start + 10n * P) / P * P;
    const p = plan([{ target: view, policy: BIND0 }], { pageSize: 4096 });
    expect(p.ops).toHaveLength(1);
    expect(p.ops[0]).toMatchObject({ addr: first, length: end - first, request: 0 });
    expect(p.ops[0]!.addr % P).toBe(0n);
    expect(p.ops[0]!.addr).toBeGreaterThanOrEqual(start);
    expect(p.ops[0]!.addr + p.ops[0]!.length).toBeLessThanOrEqual(start + 10n * P);
  });

  test("plan() refuses a buffer that owns no whole page", () => {
    const ab = new ArrayBuffer(3 * 4096);
    const e = refusal(() => plan([raw(0n, 1n), { target: new Uint8Array(ab, 1, 4096), policy: BIND0 }], opts));
    expect(e).toMatchObject({ code: "EINVAL", syscall: "validate", arg: "requests[1].target", index: 1 });
    expect(e.message).toMatch(/owns none/);
  });

  test("plan() refuses unaligned or empty raw ranges, and raw ranges without the opt-in", () => {
    expect(refusal(() => plan([{ target: { addr: 0x10000001n, length: P }, policy: BIND0 }], opts)).message).toMatch(/page boundary/);
    expect(refusal(() => plan([{ target: { addr: 0x10000000n, length: 100n }, policy: BIND0 }], opts)).message).toMatch(/page boundary/);
    expect(refusal(() => plan([{ target: { addr: 0x10000000n, length: 0n }, policy: BIND0 }], opts)).message).toMatch(/empty/);
    expect(refusal(() => plan([raw(0n, 1n)])).message).toMatch(/unsafeRawAddress/);
  });
});

describe("plan(): ordering and coalescing", () => {
  test("plan() sorts shuffled requests and coalesces adjacent equal policies into one op", () => {
    const reqs = [raw(3n, 1n), raw(0n, 1n), raw(2n, 1n), raw(1n, 1n)];
    const p = plan(reqs, opts);
    expect(p.ops).toHaveLength(1);
    expect(p.ops[0]).toMatchObject({ addr: 0x10000000n, length: 4n * P, request: 1 });
    expect(p.stats).toEqual({ requests: 4, ops: 1, coalesced: 3, splits: 0, estimatedVmas: 2, overridden: 0 });
  });

  test("plan() keeps gaps and policy changes as op boundaries, ops sorted by address", () => {
    const p = plan([raw(0n, 2n), raw(2n, 1n, LOCAL), raw(3n, 1n), raw(5n, 1n)], opts);
    expect(p.ops.map((o) => [o.addr - 0x10000000n, o.length, o.policy.mode])).toEqual([
      [0n, 2n * P, "bind"], [2n * P, P, "local"], [3n * P, P, "bind"], [5n * P, P, "bind"],
    ]);
  });

  test("plan() keeps raw ranges past 2^53 exact, up to the last pages below 2^64", () => {
    // Raw bigints go into the records through a u64 view: each field at its own index.
    const top = (1n << 64n) - 2n * P, odd = (1n << 53n) + 3n * P;
    const p = plan([{ target: { addr: top, length: P }, policy: BIND0 },
      { target: { addr: odd, length: 2n * P }, policy: LOCAL }], opts);
    expect(p.ops.map((o) => [o.addr, o.length, o.policy.mode])).toEqual([[odd, 2n * P, "local"], [top, P, "bind"]]);
  });

  test("plan() of sorted runs that return to an earlier policy matches the plan of the same requests shuffled", () => {
    // A piece that continues its policy's run only moves the run's end; a run that another
    // policy broke starts anew. Sorted input and the painted path must agree.
    const policies: PolicyInput[] = [BIND0, LOCAL, { mode: "interleave", nodes: [0] }];
    const sorted = Array.from({ length: 60 }, (_, i) => raw(BigInt(i + (i % 7 === 6 ? 1 : 0) + Math.floor(i / 7)), 1n, policies[Math.floor(i / 3) % 3]!));
    const shuffled = sorted.map((r, i) => [r, (i * 37) % 61] as const).sort((a, b) => a[1] - b[1]).map(([r]) => r);
    const a = plan(sorted, opts), b = plan(shuffled, opts);
    const key = (o: { addr: bigint; length: bigint; policy: { mode: string } }) => `${o.addr}:${o.length}:${o.policy.mode}`;
    expect(a.ops.map(key)).toEqual(b.ops.map(key));
    expect(a.ops.length).toBeGreaterThan(20);
    expect(a.stats.coalesced).toBe(b.stats.coalesced);
    expect(a.stats.estimatedVmas).toBe(b.stats.estimatedVmas);
  });

  test("plan() compares masks by content: equal nodes in different objects coalesce", () => {
    const p = plan([raw(0n, 1n, { mode: "bind", nodes: [0] }), raw(1n, 1n, { mode: "bind", nodes: Nodemask.of(0) })], opts);
    expect(p.ops).toHaveLength(1);
    expect(p.ops[0]!.policy.nodes.toArray()).toEqual([0]);
  });

  test("plan() keeps each request's policy with more distinct policy objects than its short lookup list", () => {
    // 20 distinct objects (past the linear lookup, into the Map), interleaved and repeated.
    const policies: Policy[] = Array.from({ length: 20 }, (_, j) => (j % 2 ? { mode: "preferred", nodes: [0] } : { mode: "bind", nodes: [0], static: j % 4 === 0 }));
    const reqs = Array.from({ length: 60 }, (_, i) => raw(BigInt(i), 1n, policies[(i * 7) % 20]!));
    const p = plan(reqs, opts);
    // Neighbours alternate between preferred and bind, so nothing coalesces.
    expect(p.ops).toHaveLength(60);
    p.ops.forEach((op, i) => {
      const want = policies[(i * 7) % 20]!;
      expect(op.request).toBe(i);
      expect(op.policy.mode).toBe(want.mode);
      expect(!!op.policy.static).toBe(!!want.static);
    });
  });

  test("plan() keeps different flags apart", () => {
    const p = plan([{ ...raw(0n, 1n), flags: { move: true } }, raw(1n, 1n)], opts);
    expect(p.ops.map((o) => o.flags)).toEqual([{ move: true }, {}]);
  });

  test("plan() with overlap: \"error\" refuses overlapping requests, naming both", () => {
    const e = refusal(() => plan([raw(0n, 2n), raw(1n, 2n, LOCAL)], { ...opts, overlap: "error" }));
    expect(e.message).toMatch(/requests\[1\].*overlaps requests\[0\]/);
    expect(e).toMatchObject({ code: "EINVAL", arg: "requests[1].target", index: 1 });
  });

  test("plan() lets a later request win where requests overlap (last-wins, the default)", () => {
    const p = plan([raw(0n, 4n), raw(1n, 2n, LOCAL), raw(6n, 1n), raw(6n, 1n, LOCAL)], opts);
    expect(p.ops.map((o) => [Number((o.addr - 0x10000000n) / P), Number(o.length / P), o.policy.mode, o.request])).toEqual([
      [0, 1, "bind", 0], [1, 2, "local", 1], [3, 1, "bind", 0], [6, 1, "local", 3],
    ]);
    expect(p.stats).toMatchObject({ requests: 4, ops: 4, overridden: 1 });
  });

  test("plan() of no requests is an empty plan", () => {
    expect(plan([], opts)).toEqual({ ops: [], stats: { requests: 0, ops: 0, coalesced: 0, splits: 0, estimatedVmas: 0, overridden: 0 } });
  });
});

describe("plan(): policy checks", () => {
  test("plan() refuses nodes with no usable node, and accepts a mask that has one", () => {
    const machine = { configured: [0, 7, 8, 9], withMemory: [0, 8] };
    const at = (nodes: number[]) => [{ target: { addr: 1n << 30n, length: 4096n }, policy: { mode: "interleave" as const, nodes } }];
    expect(refusal(() => planOn(machine, at([7, 9]))).message).toMatch(/none of its nodes \(7,9\) is usable here/);
    expect(planOn(machine, at([0, 9])).ops).toHaveLength(1);
  });

  test("plan() refuses nodes this machine does not have in every form, as numactl does; relative nodes are positions", () => {
    const bad = topology().possible.toArray().at(-1)! + 1;
    for (const nodes of [[0, bad], Nodemask.of(0, bad), `0,${bad}`]) {
      expect(() => plan([raw(0n, 1n, { mode: "bind", nodes })], opts)).toThrow(new RegExp(`requests\\[0\\]\\.policy\\.nodes.*node ${bad}.*not configured`));
    }
    expect(() => plan([raw(0n, 1n, { mode: "MPOL_BIND", nodes: `0,${bad}` })], opts)).toThrow(/not configured/);
    expect(plan([raw(0n, 1n, { mode: "bind", nodes: [0, bad], relative: true })], opts).ops).toHaveLength(1);
  });

  test("plan() refuses malformed policies with TypeError or RangeError naming the argument", () => {
    expect(() => plan([raw(0n, 1n, { mode: "bogus" as never })], opts)).toThrow(/requests\[0\]\.policy\.mode/);
    expect(() => plan([raw(0n, 1n, { mode: "bind", nodes: [-1] })], opts)).toThrow(/requests\[0\]\.policy\.nodes/);
    expect(() => plan([null as never], opts)).toThrow(TypeError);
  });
});
