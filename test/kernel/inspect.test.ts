import { describe, expect, test } from "vitest";
import { available, bindBatch, getPolicy, numabind, topology } from "../../host/mod.ts";
import { MPOL_F_ADDR, MPOL_F_NODE, snapshotEntry, snapshotPolicies } from "../../host/core/get_policy.ts";
import type { Policy } from "../../host/mod.ts";
import { addressOf, unmappedRange } from "../helpers/maps.ts";

const page = topology().pageSize;
const path = process.env.NUMABIND_NO_SHIM === "1" ? "syscall" : "shim";

describe("available()", () => {
  test(`reports ok, the ${path} path, each probed syscall and the usable node count`, () => {
    const a = available();
    expect(a).toMatchObject({ ok: true, path, backend: path === "shim" ? "ffi-rs+shim" : "ffi-rs" });
    expect(a.syscalls).toEqual({ get_mempolicy: "ok", mbind: "ok", move_pages: "ok" });
    expect(a.nodes).toBe(topology().memsAllowed.intersect(topology().withMemory).size);
    expect(a.reason).toBeUndefined();
  });
});

describe("snapshotPolicies() (get_mempolicy over a list of addresses in one call)", () => {
  test("agrees with getPolicy() page by page, and gives EFAULT for an unmapped address", () => {
    const policies: Policy[] = [{ mode: "bind", nodes: [0] }, { mode: "interleave", nodes: [0], static: true }, { mode: "local" }, { mode: "default" }];
    const ab = new ArrayBuffer(41 * page);
    const base = addressOf(new Uint8Array(ab));
    const first = (base + BigInt(page) - 1n) / BigInt(page) * BigInt(page);
    const skew = Number(first - base);
    expect(bindBatch(Array.from({ length: 40 }, (_, i) => ({ target: new Uint8Array(ab, skew + i * page, page), policy: policies[i % 4]! }))).ok).toBe(true);
    const hole = unmappedRange(1).addr;
    const addrs = BigUint64Array.from([...Array.from({ length: 40 }, (_, i) => first + BigInt(i * page)), hole]);
    const s = snapshotPolicies(numabind.backend, addrs, 1);
    for (let i = 0; i < 40; i++) {
      expect(s.errnos[i]).toBe(0);
      expect(snapshotEntry(s, i)).toEqual(getPolicy(addrs[i]!));
    }
    expect(s.errnos[40]).toBe(14);
    expect(snapshotEntry(s, 40)).toBeUndefined();
  });

  test("with MPOL_F_NODE it reports the node of each page (faulting it in)", () => {
    const ab = new ArrayBuffer(8 * page);
    const base = addressOf(new Uint8Array(ab));
    const first = (base + BigInt(page) - 1n) / BigInt(page) * BigInt(page);
    const s = snapshotPolicies(numabind.backend, BigUint64Array.from([first, first + BigInt(page)]), 1, MPOL_F_ADDR | MPOL_F_NODE);
    expect(Array.from(s.errnos)).toEqual([0, 0]);
    expect(Array.from(s.modes)).toEqual([0, 0]);
  });
});
