// Targets that lie about their extent: subclasses with lying getters, own properties defined
// over the intrinsic ones, DataViews, Proxies and views from another realm (node:vm). Every
// path (bind()'s lean replay, bindBatch()'s records, the column form, movePages) must act on
// the bytes the target really covers, read back with get_mempolicy on the neighbouring pages
// of one mapping the test owns; and plan() must never emit an op outside the real extent.
import fc from "fast-check";
import { runInNewContext } from "node:vm";
import { describe, expect, test } from "vitest";
import {
  alloc, bind, bindBatch, free, getPolicy, locate, plan, type Policy, topology, type Target,
} from "../../host/mod.ts";
import { addressOf } from "../helpers/maps.ts";

const page = topology().pageSize;
const PAGES = 12, FIRST = 4, COUNT = 4; // the target is pages [4, 8) of a 12-page mapping
const policy: Policy = { mode: "interleave", nodes: [0] };

/** Hostile views of pages [FIRST, FIRST + COUNT) of `ab`, each claiming more than it has. */
function liars(ab: ArrayBuffer): Record<string, () => unknown> {
  const off = FIRST * page, len = COUNT * page;
  return {
    "a subclass whose byteLength getter doubles": () => {
      class Longer extends Uint8Array { override get byteLength(): number { return 2 * len; } }
      return new Longer(ab, off, len);
    },
    "a subclass whose byteOffset getter starts 4 pages early": () => {
      class Earlier extends Uint8Array { override get byteOffset(): number { return off - 4 * page; } }
      return new Earlier(ab, off, len);
    },
    "a subclass whose buffer getter names another buffer": () => {
      const other = new ArrayBuffer(PAGES * page);
      class Elsewhere extends Uint8Array { override get buffer(): ArrayBuffer { return other; } }
      return new Elsewhere(ab, off, len);
    },
    "own byteOffset and byteLength properties on a typed array": () => {
      const v = new Uint16Array(ab, off, len / 2);
      Object.defineProperty(v, "byteOffset", { value: 0 });
      Object.defineProperty(v, "byteLength", { value: PAGES * page });
      return v;
    },
    "own properties on a DataView": () => {
      const v = new DataView(ab, off, len);
      Object.defineProperty(v, "byteOffset", { value: 0 });
      Object.defineProperty(v, "byteLength", { value: PAGES * page });
      return v;
    },
    "a typed array from another realm (node:vm) with lying own properties": () =>
      runInNewContext(`const v = new Uint8Array(ab, ${off}, ${len});
        Object.defineProperty(v, "byteOffset", { value: 0 });
        Object.defineProperty(v, "byteLength", { value: ${PAGES * page} }); v`, { ab }),
    "a subclass from another realm": () =>
      runInNewContext(`class L extends Float64Array { get byteLength() { return ${2 * len}; } }; new L(ab, ${off}, ${len / 8})`, { ab }),
  };
}

/** The policy mode of every page of the region, as get_mempolicy reports it. */
function modes(region: ArrayBuffer): string[] {
  const base = addressOf(new Uint8Array(region));
  return Array.from({ length: PAGES }, (_, i) => getPolicy(base + BigInt(i * page)).mode);
}
const expected = Array.from({ length: PAGES }, (_, i) => (i >= FIRST && i < FIRST + COUNT ? "interleave" : "default"));

describe("a target that lies about its extent binds only the bytes it really covers", () => {
  // A policy bound once before: bind() then replays it without the engine (the lean path).
  bind(alloc(page, { mode: "default" }), policy);

  for (const name of Object.keys(liars(new ArrayBuffer(8)))) {
    test(`bind(), lean path: ${name}`, () => {
      const region = alloc(PAGES * page, { mode: "default" });
      bind(liars(region)[name]!() as Target, policy);
      expect(modes(region)).toEqual(expected);
      free(region);
    });

    test(`bindBatch() and the column form: ${name}`, () => {
      const region = alloc(PAGES * page, { mode: "default" });
      const r = bindBatch([{ target: liars(region)[name]!() as Target, policy }]);
      expect(r).toMatchObject({ ok: true, syscalls: 1 });
      expect(modes(region)).toEqual(expected);
      const again = alloc(PAGES * page, { mode: "default" });
      const view = liars(again)[name]!() as ArrayBufferView;
      bindBatch({ target: view, offsets: [0], lengths: [COUNT * page], policies: [policy], policyIndex: [0] });
      expect(modes(again)).toEqual(expected);
      free(region); free(again);
    });
  }

  test("an ArrayBuffer with an own byteLength binds only its own mapping", () => {
    const ab = alloc(4 * page, { mode: "default" });
    Object.defineProperty(ab, "byteLength", { value: 64 * page });
    const [op, ...rest] = plan([{ target: ab, policy }]).ops;
    expect(rest).toEqual([]);
    expect(op).toMatchObject({ addr: addressOf(new Uint8Array(ab)), length: BigInt(4 * page) });
    bind(ab, policy);
    expect(getPolicy(ab).mode).toBe("interleave");
    free(ab);
  });

  test("a Proxy of a view, or an object that only inherits from Uint8Array.prototype, is not a target", () => {
    const region = alloc(PAGES * page, { mode: "default" });
    const view = new Uint8Array(region, FIRST * page, COUNT * page);
    for (const t of [new Proxy(view, {}), Object.create(Uint8Array.prototype), new Proxy(region, {})]) {
      expect(() => bind(t, policy)).toThrow(TypeError);
      expect(bindBatch.bind(null, [{ target: t, policy }])).toThrow(TypeError);
      expect(() => locate(t)).toThrow(TypeError);
    }
    expect(modes(region)).toEqual(Array(PAGES).fill("default"));
    free(region);
  });
});

test("plan() never emits an op outside the real extent, whatever a target's properties say (property)", () => {
  const region = new ArrayBuffer(64 * page);
  const base = addressOf(new Uint8Array(region));
  const hostile = fc.record({
    kind: fc.constantFrom("subclass", "own", "dataView", "realm", "realmDataView"),
    offset: fc.integer({ min: 0, max: 32 * page }), length: fc.integer({ min: 0, max: 32 * page }),
    claimOffset: fc.integer({ min: -64 * page, max: 64 * page }), claimLength: fc.integer({ min: 0, max: 256 * page }),
  });
  fc.assert(fc.property(hostile, ({ kind, offset, length, claimOffset, claimLength }) => {
    const lie = { byteOffset: { value: claimOffset }, byteLength: { value: claimLength }, buffer: { value: new ArrayBuffer(8) } };
    let t: unknown;
    if (kind === "subclass") {
      class L extends Uint8Array {
        override get byteOffset(): number { return claimOffset; }
        override get byteLength(): number { return claimLength; }
      }
      t = new L(region, offset, length);
    } else if (kind === "own") t = Object.defineProperties(new Uint8Array(region, offset, length), lie);
    else if (kind === "dataView") t = Object.defineProperties(new DataView(region, offset, length), lie);
    else {
      const ctor = kind === "realm" ? "Uint8Array" : "DataView";
      t = runInNewContext(`Object.defineProperties(new ${ctor}(ab, ${offset}, ${length}), lie)`, { ab: region, lie });
    }
    let ops;
    try { ops = plan([{ target: t as Target, policy }]).ops; } catch { return; } // owns no whole page
    const lo = base + BigInt(offset), hi = lo + BigInt(length);
    for (const op of ops) {
      expect(op.addr >= lo && op.addr + op.length <= hi).toBe(true);
    }
  }), { numRuns: 400, seed: 13 });
});
