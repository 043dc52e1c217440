import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { alloc, bind, createNumabind, free, getPolicy, NumaError, openBackend, plan, type Policy, topology } from "../../host/mod.ts";
import { addressOf } from "../helpers/maps.ts";

// bind() takes a lean path (bind_one.ts): the engine plans a (policy, flags) pair once and the
// op is replayed on later buffers. It must bind exactly what the engine's plan says, and it
// must notice when a policy object changes.

const page = topology().pageSize;

/** The policy of every page of a buffer, from the kernel. */
const pagePolicies = (ab: ArrayBuffer): string[] => {
  const base = addressOf(new Uint8Array(ab));
  return Array.from({ length: ab.byteLength / page }, (_, i) => getPolicy(base + BigInt(i * page)).mode);
};

describe("bind()'s lean path", () => {
  test("binds exactly the pages the engine plans for any view (fast-check, 150 views)", () => {
    const P: Policy = { mode: "interleave", nodes: [0] };
    fc.assert(fc.property(fc.integer({ min: 0, max: 8 * page }), fc.integer({ min: 1, max: 8 * page }), (off, len) => {
      const ab = alloc(16 * page, { mode: "default" });
      const view = new Uint8Array(ab, off, len);
      const base = addressOf(new Uint8Array(ab));
      const owned = Math.floor((off + len) / page) - Math.ceil(off / page);
      if (owned <= 0) {
        expect(() => bind(view, P)).toThrow(NumaError);
        expect(pagePolicies(ab).every((m) => m === "default")).toBe(true);
      } else {
        const [op] = plan([{ target: view, policy: P }]).ops;
        bind(view, P);
        const first = Number(op!.addr - base) / page, n = Number(op!.length) / page;
        expect(n).toBe(owned);
        expect(pagePolicies(ab)).toEqual(Array.from({ length: 16 }, (_, i) => (i >= first && i < first + n ? "interleave" : "default")));
      }
      free(ab);
    }), { numRuns: 150 });
  });

  test("a policy object changed between binds is planned again, never replayed stale", () => {
    const p: { mode: Policy["mode"]; nodes: number[] } = { mode: "bind", nodes: [0] };
    const a = new ArrayBuffer(4 * page), b = new ArrayBuffer(4 * page), c = new ArrayBuffer(4 * page);
    bind(a, p);
    p.mode = "interleave";
    bind(b, p);
    expect([getPolicy(a).mode, getPolicy(b).mode]).toEqual(["bind", "interleave"]);
    p.nodes[0] = topology().possible.toArray().at(-1)! + 1; // now unusable: must be refused
    expect(() => bind(c, p)).toThrow(expect.objectContaining({ code: "EINVAL", syscall: "validate" }));
    expect(getPolicy(c).mode).toBe("default");
    (p as Policy).static = true;
    p.nodes[0] = 0;
    bind(c, p);
    expect(getPolicy(c)).toMatchObject({ mode: "interleave", static: true });
  });

  test("a policy with a key policies lack is refused; options and flags still bind correctly (the batch path)", () => {
    const a = new ArrayBuffer(4 * page);
    expect(() => bind(a, { mode: "preferred", nodes: [0], extra: { nested: true } } as Policy)).toThrow(/policy\.extra: policies have no extra/);
    expect(getPolicy(a).mode).toBe("default");
    bind(a, { mode: "bind", nodes: [0] }, { move: true }, { pageSize: page });
    expect(getPolicy(a).mode).toBe("bind");
  });

  test("binds the owned interior of ArrayBuffer, SharedArrayBuffer, Buffer, DataView, typed arrays and Wasm memory", () => {
    const targets: [string, ArrayBufferView | ArrayBufferLike][] = [
      ["ArrayBuffer", new ArrayBuffer(6 * page)],
      ["SharedArrayBuffer", new SharedArrayBuffer(6 * page)],
      ["Buffer", Buffer.alloc(6 * page)],
      ["DataView", new DataView(new ArrayBuffer(8 * page), 100, 6 * page)],
      ["Float64Array", new Float64Array(new ArrayBuffer(8 * page), 8, 6 * page / 8)],
      ["WebAssembly.Memory", new WebAssembly.Memory({ initial: 2 }).buffer],
    ];
    for (const [name, t] of targets) {
      const u8 = ArrayBuffer.isView(t) ? new Uint8Array(t.buffer, t.byteOffset, t.byteLength) : new Uint8Array(t);
      const start = addressOf(u8), end = start + BigInt(u8.byteLength);
      const first = (start + BigInt(page) - 1n) / BigInt(page) * BigInt(page), last = end / BigInt(page) * BigInt(page);
      bind(t, { mode: "interleave", nodes: [0] });
      expect([name, getPolicy(first).mode, getPolicy(last - BigInt(page)).mode]).toEqual([name, "interleave", "interleave"]);
    }
  });

  test("binds in one loop over two buffers land on each buffer's own pages; a buffer freed mid-loop is refused", () => {
    const a = alloc(4 * page, { mode: "default" }), b = alloc(4 * page, { mode: "default" });
    const modes = ["bind", "preferred", "interleave", "preferred-many"] as const;
    for (let i = 0; i < 8; i++) bind(new Uint8Array(i & 1 ? b : a, (i >> 1) * page, page), { mode: modes[(i >> 1) % 4]!, nodes: "0" } as Policy);
    expect(pagePolicies(a)).toEqual([...modes]);
    expect(pagePolicies(b)).toEqual([...modes]);
    bind(new Uint8Array(a, 0, page), { mode: "bind", nodes: "0" });
    free(a); // in the same task as the bind before: the last buffer bound must not be trusted
    expect(() => bind(new Uint8Array(a, page, page), { mode: "bind", nodes: "0" })).toThrow(/released by free\(\)/);
    free(b);
  });

  test("the same view bound again binds its current extent: a resizable buffer grown and shrunk, then detached", () => {
    // bind() remembers the last view's buffer and offset, which never change, and reads its
    // length on every call: a length-tracking view changes length with its buffer.
    const Resizable = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer & { resize(n: number): void };
    const rab = new Resizable(2 * page, { maxByteLength: 8 * page });
    const view = new Uint8Array(rab), at = (i: number) => addressOf(view) + BigInt(i * page);
    bind(view, { mode: "bind", nodes: [0] });
    expect([getPolicy(at(0)).mode, getPolicy(at(1)).mode]).toEqual(["bind", "bind"]);
    rab.resize(6 * page);
    bind(view, { mode: "preferred", nodes: [0] });
    expect([0, 1, 5].map((i) => getPolicy(at(i)).mode)).toEqual(["preferred", "preferred", "preferred"]);
    rab.resize(3 * page);
    bind(view, { mode: "interleave", nodes: [0] });
    expect([0, 2].map((i) => getPolicy(at(i)).mode)).toEqual(["interleave", "interleave"]);
    const first = at(0);
    structuredClone(rab, { transfer: [rab] }); // detaches rab: the view now spans nothing
    expect(view.byteLength).toBe(0);
    expect(() => bind(view, { mode: "bind", nodes: [0] })).toThrow(NumaError);
    expect(getPolicy(first).mode).not.toBe("bind");
  });

  test("a target that is none is refused naming target, whether or not a view was bound before", async () => {
    const nb = createNumabind(openBackend()); // holds no last view yet
    const refusal = /Cannot use target: a target must be/;
    expect(() => nb.bind(undefined as never, { mode: "bind", nodes: [0] })).toThrow(refusal);
    nb.bind(new Uint8Array(new ArrayBuffer(4 * page)), { mode: "bind", nodes: [0] });
    expect(() => nb.bind(null as never, { mode: "bind", nodes: [0] })).toThrow(refusal);
    await null; // the last view is let go after the task
    expect(() => nb.bind(undefined as never, { mode: "bind", nodes: [0] })).toThrow(refusal);
  });

  test("a policy value that changes type or string content between binds is seen (each type is compared on its own)", () => {
    const ab = alloc(3 * page, { mode: "default" });
    const v = new Uint8Array(ab, 0, page), w = new Uint8Array(ab, page, page), x = new Uint8Array(ab, 2 * page, page);
    const p: { mode: Policy["mode"]; nodes: string | number[] } = { mode: "bind", nodes: "0" };
    bind(v, p);
    p.nodes = [0]; // same nodes, another type: planned again, and still binds
    bind(w, p);
    p.nodes = `${topology().possible.toArray().at(-1)! + 1}`; // a string naming no usable node
    expect(() => bind(x, p)).toThrow(expect.objectContaining({ code: "EINVAL", syscall: "validate" }));
    p.mode = "interleave"; p.nodes = "0";
    bind(x, p);
    expect(pagePolicies(ab)).toEqual(["bind", "bind", "interleave"]);
    free(ab);
  });

  test("bind() refuses a buffer released by free(), naming it, also through a view it bound just before", () => {
    const ab = alloc(2 * page, { mode: "default" });
    free(ab);
    expect(() => bind(ab, { mode: "bind", nodes: [0] })).toThrow(/released by free\(\)/);
    const cd = alloc(2 * page, { mode: "default" }), view = new Uint8Array(cd);
    bind(view, { mode: "bind", nodes: [0] });
    bind(view, { mode: "preferred", nodes: [0] }); // the same view again: its pages remembered
    free(cd);
    expect(() => bind(view, { mode: "bind", nodes: [0] })).toThrow(/released by free\(\)/);
  });
});

describe("bind() with a fresh policy literal per call", () => {
  test("each call binds its own literal's content: mode, flags and nodes, read back from the kernel", () => {
    const ab = alloc(4 * page, { mode: "default" });
    const v = new Uint8Array(ab, page, page), at = addressOf(v);
    const seen: string[] = [];
    for (let i = 0; i < 24; i++) {
      // Ten contents in turn: more than the few the lean path remembers by content.
      const k = i % 10;
      const p = k < 5 ? { mode: k & 1 ? "bind" : "preferred", nodes: k < 3 ? "0" : [0] } : k < 8 ? { mode: "interleave", nodes: [0], static: k === 6 }
        : { nodes: "0", mode: k === 8 ? "preferred-many" : "bind" };
      bind(v, p as Policy);
      const got = getPolicy(at);
      seen.push(`${got.mode}${got.static ? "+static" : ""}`);
      expect(got.mode).toBe(p.mode);
      expect(!!got.static).toBe(!!(p as { static?: boolean }).static);
    }
    expect(seen).toContain("interleave+static");
    expect(() => bind(v, { mode: "bind", nodes: [0], statc: true } as never)).toThrow(/statc.*static/);
    expect(getPolicy(at).mode).toBe(seen.at(-1)!.replace("+static", "")); // the refusal changed nothing
    free(ab);
  });
});
