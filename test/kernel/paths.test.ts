import { describe, expect, test } from "vitest";
import { openFfiRs } from "../../host/backends/ffi_rs/mod.ts";
import { createNumabind, type Numabind } from "../../host/core/mod.ts";
import type { BindRequest, Policy } from "../../host/mod.ts";

// Every path must leave the kernel in exactly the same state: the C shim with single calls
// through Node-API (the default where Node's headers exist), the shim with single calls through
// ffi-rs, and the per-op libc fallback. The same batch, singles and page moves, applied through
// each to its own third of one region, give identical /proc/self/numa_maps lines.

const open = (env: Record<string, string>): Numabind => {
  const { backend, reason } = openFfiRs(env);
  if (!backend) throw new Error(reason);
  return createNumabind(backend);
};
const shim = open({});
const shimFfi = open({ NUMABIND_NO_NODE_API: "1" });
const fallback = open({ NUMABIND_NO_SHIM: "1" });
const page = shim.topology().pageSize;
const HALF = 400;

const policies: Policy[] = [
  { mode: "bind", nodes: [0] }, { mode: "interleave", nodes: [0] }, { mode: "preferred", nodes: [0] },
  { mode: "local" }, { mode: "bind", nodes: [0], static: true }, { mode: "interleave", nodes: [0], relative: true },
  { mode: "preferred-many", nodes: [0] }, { mode: "default" },
];

/** The same work on a half: runs of equal policy, gaps, singles, touching and a page move. */
function apply(nb: Numabind, region: ArrayBuffer, at: number): void {
  const requests: BindRequest[] = [];
  for (let i = 0; i < HALF - 20; i++) {
    if (i % 37 === 36) continue; // gaps keep their old policy
    requests.push({ target: new Uint8Array(region, (at + i) * page, page), policy: policies[Math.floor(i / 23) % policies.length]! });
  }
  const r = nb.bindBatch(requests);
  expect(r.ok).toBe(true);
  for (let i = HALF - 20; i < HALF; i++) nb.bind(new Uint8Array(region, (at + i) * page, page), policies[i % 3]!);
  const u8 = new Uint8Array(region, at * page, HALF * page);
  for (let i = 0; i < HALF; i += 3) u8[i * page] = 1;
  nb.movePages(new Uint8Array(region, at * page, 10 * page), 0);
}

/** numa_maps of [start, start + HALF pages), with addresses made relative to start. */
function relative(start: bigint): unknown[] {
  const end = start + BigInt(HALF * page);
  return shim.numaMaps().filter((e) => e.end !== undefined && e.start < end && e.end > start)
    .map((e) => ({ ...e, start: e.start - start, end: e.end! - start }));
}

describe("the shim (single calls through Node-API or ffi-rs) and the fallback", () => {
  test("give identical /proc/self/numa_maps for the same batch, singles and moves", () => {
    expect(shim.available()).toMatchObject({ ok: true, path: "shim" });
    expect(shimFfi.available()).toMatchObject({ ok: true, path: "shim", singleCalls: "ffi-rs" });
    expect(fallback.available()).toMatchObject({ ok: true, path: "syscall" });
    // One region, three parts with a separator page each, so no part's edges merge away.
    const region = shim.alloc((3 * HALF + 2) * page, { mode: "default" });
    const paths = [shim, shimFfi, fallback];
    paths.forEach((nb, k) => apply(nb, region, k * (HALF + 1)));
    const base = shim.backend.addressOf(new Uint8Array(region));
    const [a, ...rest] = paths.map((_, k) => relative(base + BigInt(k * (HALF + 1) * page)));
    expect(a!.length).toBeGreaterThan(30);
    for (const b of rest) expect(b).toEqual(a);
    shim.free(region);
  });
});
