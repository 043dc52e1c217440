import { describe, expect, test } from "vitest";
import { MPOL_F_ADDR, MPOL_F_NODE, snapshotEntry, snapshotPolicies } from "../../host/core/kernel/mod.ts";
import { available, bindBatch, getPolicy, numabind, type Policy, topology } from "../../host/mod.ts";
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

describe("masks wider than the shim's call block (16 words = 1024 nodes)", () => {
  test("mbindOne, getMempolicy and setMempolicy take 17-word masks through the argument-passing entry points", () => {
    const b = numabind.backend, words = 17;
    const mask = new Uint8Array(words * 8);
    mask[0] = 1; // node 0; bits up to 1087 are read, all below MAX_NUMNODES or zero
    const ab = new ArrayBuffer(4 * page);
    const base = addressOf(new Uint8Array(ab));
    const first = Number((base + BigInt(page) - 1n) / BigInt(page) * BigInt(page));
    expect(b.mbindOne!(first, page, 3, 0, mask, words)).toBe(0);
    const mode = new Uint8Array(4), out = new Uint8Array(words * 8);
    expect(b.getMempolicy!(mode, out, words * 64 + 1, BigInt(first), MPOL_F_ADDR)).toBe(0);
    expect(new Int32Array(mode.buffer)[0]).toBe(3);
    expect(out[0]).toBe(1);
    expect(b.setMempolicy!(2, mask, words)).toBe(0);
    expect(b.getMempolicy!(mode, out, words * 64 + 1, 0n, 0)).toBe(0);
    expect(new Int32Array(mode.buffer)[0]).toBe(2);
    expect(b.setMempolicy!(0, null, 0)).toBe(0);
  });
});

describe("getPolicy() of a raw { addr, length }", () => {
  test("reads the policy at addr, as getPolicy(addr) does, without unsafeRawAddress", () => {
    const ab = new ArrayBuffer(8 * page);
    bindBatch([{ target: ab, policy: { mode: "interleave", nodes: [0] } }]);
    const start = (addressOf(new Uint8Array(ab)) + BigInt(page) - 1n) / BigInt(page) * BigInt(page);
    expect(getPolicy({ addr: start, length: BigInt(page) })).toEqual(getPolicy(start));
    expect(getPolicy({ addr: start, length: BigInt(page) }).mode).toBe("interleave");
  });
});
