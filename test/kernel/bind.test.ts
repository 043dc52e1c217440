import { describe, expect, test } from "vitest";
import {
  bind, bindBatch, type BindRequest, getPolicy, NumaError, numaMaps, type Policy, topology,
} from "../../host/mod.ts";
import { addressOf, entriesIn, firstPageOffset } from "../helpers/maps.ts";

const page = topology().pageSize;

describe("bind() against the kernel", () => {
  test("bind() binds exactly the page-aligned interior of a buffer to node 0", () => {
    const ab = new ArrayBuffer(64 * page);
    // A view that starts and ends mid-page: only the pages it fully owns may change.
    const view = new Uint8Array(ab, 100, 20 * page);
    const start = addressOf(view);
    const first = (start + BigInt(page) - 1n) / BigInt(page) * BigInt(page);
    const last = (start + BigInt(view.byteLength)) / BigInt(page) * BigInt(page);

    bind(view, { mode: "bind", nodes: [0] });

    const inside = entriesIn(numaMaps(), first, last);
    expect(inside).toHaveLength(1);
    expect(inside[0]).toMatchObject({ start: first, end: last, policy: "bind:0" });
    // The partly-owned pages on either side keep their old policy.
    const before = numaMaps().find((e) => e.start < first && e.end! >= first);
    const after = numaMaps().find((e) => e.start <= last && e.end! > last);
    expect(before?.policy).not.toMatch(/^bind/);
    expect(after?.policy).not.toMatch(/^bind/);

    const p = getPolicy(view);
    expect(p.mode).toBe("bind");
    expect(p.nodes.toArray()).toEqual([0]);
    expect(getPolicy(first - BigInt(page)).mode).toBe("default");
  });

  test("bind() to node 1 on a one-node host throws NumaError EINVAL naming the node and the reason", () => {
    const ab = new ArrayBuffer(8 * page);
    let err: unknown;
    try { bind(ab, { mode: "bind", nodes: [1] }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(NumaError);
    const e = err as NumaError;
    expect(e.code).toBe("EINVAL");
    expect(e.errno).toBe(22);
    expect(e.arg).toBe("policy.nodes");
    expect(e.message).toMatch(/node 1 is not configured on this machine \(configured nodes: 0\)/);
    expect(getPolicy(ab).mode).toBe("default");
  });
});

describe("bindBatch() coalescing, read back from numa_maps", () => {
  const region = (): ArrayBuffer => new ArrayBuffer(1002 * page);
  const pages = (ab: ArrayBuffer, policy: (i: number) => Policy): BindRequest[] => {
    const skew = firstPageOffset(ab, page);
    return Array.from({ length: 1000 }, (_, i) => ({ target: new Uint8Array(ab, skew + i * page, page), policy: policy(i) }));
  };

  test("1,000 adjacent single-page requests with one policy plan to 1 op and 1 syscall", () => {
    const ab = region();
    const policy: Policy = { mode: "interleave", nodes: [0] };
    const reqs = pages(ab, () => policy);
    const r = bindBatch(reqs);
    expect(r).toMatchObject({ ok: true, ops: 1, syscalls: 1, applied: 1 });
    expect(r.stats).toMatchObject({ requests: 1000, ops: 1, coalesced: 999 });
    const first = addressOf(reqs[0]!.target as Uint8Array);
    const bound = entriesIn(numaMaps(), first, first + 1000n * BigInt(page));
    expect(bound.map((e) => e.policy)).toEqual(["interleave:0"]);
  });

  test("1,000 single-page requests with alternating policies give 1,000 ops, 1,000 syscalls, 1,000 mappings", () => {
    const ab = region();
    const a: Policy = { mode: "bind", nodes: [0] }, b: Policy = { mode: "preferred", nodes: [0] };
    const reqs = pages(ab, (i) => (i % 2 ? b : a));
    const r = bindBatch(reqs);
    expect(r).toMatchObject({ ok: true, ops: 1000, syscalls: 1000, applied: 1000 });
    const first = addressOf(reqs[0]!.target as Uint8Array);
    const bound = entriesIn(numaMaps(), first, first + 1000n * BigInt(page));
    expect(bound).toHaveLength(1000);
    expect(bound.map((e) => e.policy)).toEqual(Array.from({ length: 1000 }, (_, i) => (i % 2 ? "prefer:0" : "bind:0")));
  });
});
