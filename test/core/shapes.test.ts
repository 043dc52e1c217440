import { describe, expect, test } from "vitest";
import { booleanField, describeValue, nearestName, refuseUnknownKeys } from "../../host/core/shapes.ts";
import {
  alloc, bind, bindBatch, free, locate, movePages, plan, type Policy, topology, verify,
} from "../../host/mod.ts";

const page = topology().pageSize;
const raw = { addr: 1n << 30n, length: BigInt(page) };

describe("shapes.ts", () => {
  test("nearestName() finds a typo's intended name, and nothing for an unrelated word", () => {
    expect(nearestName("atomc", ["atomic", "continueOnError"])).toBe("atomic");
    expect(nearestName("unsafeRawAdress", ["unsafeRawAddress", "pageSize"])).toBe("unsafeRawAddress");
    expect(nearestName("Static", ["static", "relative"])).toBe("static");
    expect(nearestName("colour", ["mode", "nodes"])).toBeUndefined();
  });

  test("refuseUnknownKeys() names the key, what lacks it and the nearest valid one", () => {
    expect(() => refuseUnknownKeys({ mode: "bind", statc: true }, ["mode", "static"], "policy", "policies"))
      .toThrow("Cannot use policy.statc: policies have no statc; did you mean static?");
    expect(() => refuseUnknownKeys({ zzz: 1 }, ["mode", "nodes"], "policy", "policies"))
      .toThrow("Cannot use policy.zzz: policies have no zzz; the keys are mode, nodes");
    expect(() => refuseUnknownKeys({ mode: 1 }, ["mode"], "p", "x")).not.toThrow();
  });

  test("describeValue() says what a value is, so a string never reads as a number", () => {
    expect(describeValue("4096")).toBe('"4096" (a string)');
    expect(describeValue(1n)).toBe("1n (a bigint)");
    expect(describeValue(null)).toBe("null");
    expect(describeValue([1])).toBe("an array");
    expect(describeValue(Symbol("s"))).toBe("Symbol(s) (a symbol)");
  });

  test("booleanField() takes only booleans", () => {
    expect(booleanField(true, "x")).toBe(true);
    expect(booleanField(undefined, "x")).toBe(false);
    for (const v of ["x", 1, 0, null, {}]) expect(() => booleanField(v, "policy.static")).toThrow(/^Cannot use policy\.static: it must be a boolean/);
  });
});

describe("every public call refuses unknown keys with the nearest name, and booleans that are not booleans", () => {
  const opts = { unsafeRawAddress: true };
  test.each([
    ["a policy key", () => plan([{ target: raw, policy: { mode: "bind", nodes: [0], statc: true } as Policy }], opts), /policy\.statc: policies have no statc; did you mean static\?/],
    ["an OCI policy key", () => plan([{ target: raw, policy: { mode: "MPOL_BIND", nodes: "0", flag: [] } as never }], opts), /policy\.flag: OCI memory policies have no flag; did you mean flags\?/],
    ["a bind flag", () => plan([{ target: raw, policy: { mode: "local" }, flags: { mov: true } as never }], opts), /flags\.mov: bind flags have no mov; did you mean move\?/],
    ["a plan() option", () => plan([{ target: raw, policy: { mode: "local" } }], { unsafeRawAdress: true } as never), /opts\.unsafeRawAdress: plan\(\) options have no unsafeRawAdress; did you mean unsafeRawAddress\?/],
    ["a bindBatch() option", () => bindBatch([{ target: new ArrayBuffer(2 * page), policy: { mode: "local" } }], { atomc: true } as never), /opts\.atomc: bindBatch\(\) options have no atomc; did you mean atomic\?/],
    ["a bind() option", () => bind(new ArrayBuffer(2 * page), { mode: "local" }, undefined, { pagesize: page } as never), /opts\.pagesize: bind\(\) options have no pagesize; did you mean pageSize\?/],
    ["a locate() option", () => locate(new ArrayBuffer(page), { unsafe: true } as never), /opts\.unsafe: locate\(\) options have no unsafe/],
    ["a movePages() option", () => movePages(new ArrayBuffer(2 * page), 0, { moveAl: true } as never), /opts\.moveAl: movePages\(\) options have no moveAl; did you mean moveAll\?/],
    ["a verify() option", () => verify([], { page: false } as never), /opts\.page: verify\(\) options have no page; did you mean pages\?/],
    ["static: \"x\"", () => plan([{ target: raw, policy: { mode: "bind", nodes: [0], static: "x" } as never }], opts), /policy\.static: it must be a boolean, current value is "x" \(a string\)/],
    ["relative: 1", () => plan([{ target: raw, policy: { mode: "bind", nodes: [0], relative: 1 } as never }], opts), /policy\.relative: it must be a boolean/],
    ["hugePageAlign: 1", () => plan([], { hugePageAlign: 1 } as never), /opts\.hugePageAlign: it must be a boolean/],
    ["unsafeRawAddress: \"yes\"", () => plan([{ target: raw, policy: { mode: "local" } }], { unsafeRawAddress: "yes" } as never), /opts\.unsafeRawAddress: it must be a boolean/],
    ["moveAll: 1", () => movePages(new ArrayBuffer(2 * page), 0, { moveAll: 1 } as never), /opts\.moveAll: it must be a boolean/],
  ] as [string, () => unknown, RegExp][])("%s", (_, call, message) => {
    expect(call).toThrow(TypeError);
    expect(call).toThrow(message);
  });

  test("an alloc() with a refused policy maps nothing and a refused bind() changes nothing", () => {
    const buf = alloc(2 * page, { mode: "default" });
    expect(() => bind(buf, { mode: "interleave", nodes: [0], statc: true } as Policy)).toThrow(/did you mean static/);
    expect(() => alloc(page, { mode: "bind", nodes: [0], balancing: "yes" } as never)).toThrow(/policy\.balancing: it must be a boolean/);
    free(buf);
  });
});
