import { expect, test } from "vitest";
import {
  alloc, bind, bindBatch, free, getPolicy, numabind, NumaError, plan, type Policy, topology,
} from "../../host/mod.ts";
import { entriesIn, firstPageOffset } from "../helpers/maps.ts";
import { runTraced } from "../helpers/strace.ts";

// Guards found in review: nothing may plan over a batch still being applied, a freed buffer is
// refused by every path, alloc() checks its policy before mapping, addresses are range-checked.

const page = topology().pageSize;

function refusal(f: () => unknown): NumaError {
  try { f(); } catch (e) { if (e instanceof NumaError) return e; throw e; }
  throw new Error("expected a NumaError");
}

test("onProgress cannot plan on the instance whose batch it reports (EBUSY), and the batch still applies exactly", () => {
  const ab = new ArrayBuffer(4002 * page);
  const skew = firstPageOffset(ab, page);
  const a: Policy = { mode: "bind", nodes: [0] }, b: Policy = { mode: "interleave", nodes: [0] };
  const requests = Array.from({ length: 4000 }, (_, i) => ({ target: new Uint8Array(ab, skew + i * page, page), policy: i & 1 ? a : b }));
  const seen: unknown[] = [];
  const other = new ArrayBuffer(4 * page);
  const r = bindBatch(requests, {
    progressIntervalMs: 0,
    onProgress: (done, total) => {
      if (done === total) return;
      try { plan([{ target: other, policy: { mode: "preferred", nodes: [0] } }]); seen.push("planned"); } catch (e) { seen.push(e); }
    },
  });
  expect(seen.length).toBeGreaterThan(0);
  for (const e of seen) expect(e).toMatchObject({ code: "EBUSY", syscall: "validate", arg: "onProgress" });
  expect(r).toMatchObject({ ok: true, ops: 4000, syscalls: 4000 });
  const first = numabind.backend.addressOf(requests[0]!.target as Uint8Array);
  const maps = entriesIn(numabind.numaMaps(), first, first + 4000n * BigInt(page));
  expect(maps.map((m) => m.policy)).toEqual(Array.from({ length: 4000 }, (_, i) => (i & 1 ? "bind:0" : "interleave:0")));
  // After the batch the instance plans again.
  expect(plan([{ target: other, policy: { mode: "preferred", nodes: [0] } }]).ops.length).toBeLessThanOrEqual(1);
});

test("onProgress cannot bind() (even a policy bind() learned before), free(), allocate or move pages: EBUSY, and the batch applies exactly", () => {
  const region = alloc(4000 * page, { mode: "default" });
  const a: Policy = { mode: "bind", nodes: [0] }, b: Policy = { mode: "interleave", nodes: [0] }, c: Policy = { mode: "preferred", nodes: [0] };
  bind(alloc(page, { mode: "default" }), c); // bind() now replays c without planning
  const requests = Array.from({ length: 4000 }, (_, i) => ({ target: new Uint8Array(region, i * page, page), policy: i & 1 ? a : b }));
  const seen: Record<string, unknown[]> = { bind: [], free: [], alloc: [], movePages: [] };
  const attempt = (k: string, f: () => unknown): void => { try { f(); seen[k]!.push("done"); } catch (e) { seen[k]!.push(e); } };
  const r = bindBatch(requests, {
    atomic: true, progressIntervalMs: 0,
    onProgress: (done, total) => {
      if (done === total) return;
      attempt("bind", () => bind(requests[0]!.target, c));
      attempt("free", () => free(region));
      attempt("alloc", () => alloc(page, c));
      attempt("movePages", () => numabind.movePages(requests[1]!.target, 0));
    },
  });
  for (const [k, errors] of Object.entries(seen)) {
    expect(errors.length, k).toBeGreaterThan(0);
    for (const e of errors) expect(e, k).toMatchObject({ code: "EBUSY", syscall: "validate", arg: "onProgress" });
  }
  expect(r).toMatchObject({ ok: true, ops: 4000, syscalls: 4000 });
  expect(numabind.isFreed(region)).toBe(false);
  const first = numabind.backend.addressOf(new Uint8Array(region));
  const maps = entriesIn(numabind.numaMaps(), first, first + 4000n * BigInt(page));
  expect(maps.map((m) => m.policy)).toEqual(Array.from({ length: 4000 }, (_, i) => (i & 1 ? "bind:0" : "interleave:0")));
  free(region);
});

test("a freed buffer is refused by bindBatch() and by bind() with options, naming the request", () => {
  const buf = alloc(8 * page, { mode: "default" });
  free(buf);
  const e = refusal(() => bindBatch([{ target: new ArrayBuffer(page * 2), policy: { mode: "local" } }, { target: buf, policy: { mode: "local" } }]));
  expect(e).toMatchObject({ code: "EINVAL", syscall: "validate", arg: "requests[1].target", index: 1 });
  expect(e.message).toMatch(/released by free\(\)/);
  expect(refusal(() => bind(buf, { mode: "local" }, undefined, { pageSize: page })).message).toMatch(/released by free\(\)/);
});

test("strace: alloc() with a refused policy or flags makes no mmap at all", () => {
  const bad = topology().possible.toArray().at(-1)! + 1;
  const child = runTraced(`
    process.kill(process.pid, 0);
    const errors = [];
    for (const [policy, flags] of [[{ mode: "bind", nodes: [${bad}] }], [{ mode: "local", nodes: [0] }], [{ mode: "bind", nodes: [0] }, { strict: "yes" }]]) {
      try { nb.alloc(1 << 20, policy, flags); errors.push(null); } catch (e) { errors.push({ name: e.name, code: e.code, arg: e.arg }); }
    }
    process.kill(process.pid, 0);
    report(errors);
  `, ["mmap", "kill"]);
  expect(child.stderr).toBe("");
  const errors = child.result as ({ name: string; code?: string; arg?: string } | null)[];
  expect(errors[0]).toMatchObject({ code: "EINVAL", arg: "policy.nodes" });
  expect(errors[1]).toMatchObject({ code: "EINVAL", arg: "policy.nodes" });
  expect(errors[2]).toMatchObject({ name: "TypeError" });
  const between: string[] = [];
  let inside = false;
  for (const c of child.calls) {
    if (c.name === "kill" && c.args[1] === 0n) inside = !inside;
    else if (inside && c.args[1] === 1n << 20n) between.push(c.name); // mmaps of the requested size
  }
  expect(between).toEqual([]);
});

test("getPolicy() refuses an address outside 0..2^64-1 before any syscall", () => {
  expect(refusal(() => getPolicy(-1n))).toMatchObject({ code: "EINVAL", syscall: "validate", arg: "target" });
  expect(refusal(() => getPolicy(1n << 64n))).toMatchObject({ code: "EINVAL", syscall: "validate" });
  // Above 2^53 the shim paths pass the address exactly (nothing is mapped there); the per-op
  // fallback passes addresses as doubles and says so instead.
  if (numabind.backend.path === "shim") expect(refusal(() => getPolicy((1n << 60n) + 4096n))).toMatchObject({ code: "EFAULT", syscall: "get_mempolicy" });
  else expect(() => getPolicy((1n << 60n) + 4096n)).toThrow(/above 2\^53/);
});
