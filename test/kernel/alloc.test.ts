import { describe, expect, test } from "vitest";
import { mapCount } from "../../host/core/system/mod.ts";
import { alloc, free, getPolicy, isFreed, locate, NumaError, numaMaps, topology } from "../../host/mod.ts";
import { runChild } from "../helpers/child.ts";
import { addressOf, policiesOver } from "../helpers/maps.ts";

const page = topology().pageSize;

describe("alloc() / free()", () => {
  test("alloc() maps page-aligned memory with the policy set before the first touch", () => {
    const buf = alloc(10 * page + 123, { mode: "interleave", nodes: [0] });
    expect(buf.byteLength).toBe(10 * page + 123);
    const start = addressOf(new Uint8Array(buf));
    expect(start % BigInt(page)).toBe(0n);
    expect(Array.from(locate(buf))).toEqual(new Array(11).fill(-2)); // nothing touched yet
    expect(getPolicy(buf)).toMatchObject({ mode: "interleave" });
    new Uint8Array(buf).fill(7);
    expect(Array.from(locate(buf))).toEqual(new Array(11).fill(0));
    const e = numaMaps().find((m) => m.start === start);
    expect(e).toMatchObject({ policy: "interleave:0", end: start + BigInt(11 * page), pagesPerNode: { 0: 11 } });
    free(buf);
  });

  test("free() gives the pages back at once; stale views read zeros instead of crashing", () => {
    const buf = alloc(8 * page, { mode: "bind", nodes: [0] });
    const view = new Float64Array(buf);
    view.fill(1.5);
    const start = addressOf(new Uint8Array(buf));
    free(buf);
    expect(isFreed(buf)).toBe(true);
    const after = numaMaps().filter((m) => m.start <= start && m.end! > start);
    expect(after).toHaveLength(1);
    expect(after[0]!.anon ?? 0).toBe(0); // no resident page left
    expect(getPolicy(start).mode).toBe("default"); // the policy ended with the buffer's pages
    expect(view[0]).toBe(0);
    expect(view[view.length - 1]).toBe(0);
    view[3] = 2; // writes land in the empty mapping, harmlessly
    expect(view[3]).toBe(2);
    expect(() => free(buf)).toThrow(/already freed/);
    expect(() => free(new ArrayBuffer(8))).toThrow(/not returned by numabind alloc/);
  });

  test("alloc() with a refused policy throws before keeping anything mapped", () => {
    const before = mapCount()!;
    const bad = topology().possible.toArray().at(-1)! + 1;
    expect(() => alloc(4 * page, { mode: "bind", nodes: [bad] })).toThrow(expect.objectContaining({ code: "EINVAL" }));
    expect(mapCount()).toBe(before);
  });

  test("alloc() refuses bad sizes with errors, not crashes", () => {
    for (const bytes of [0, -1, 1.5, Number.NaN, Infinity, 2 ** 53]) expect(() => alloc(bytes, { mode: "default" })).toThrow();
    expect(() => alloc("4096" as never, { mode: "default" })).toThrow(TypeError);
    // More than one ArrayBuffer can alias: a RangeError (or ENOMEM from mmap), never an abort.
    expect(() => alloc(2n ** 52n, { mode: "default" })).toThrow(/Cannot alloc|ENOMEM/);
    expect(() => alloc(page, { mode: "bind" })).toThrow(expect.objectContaining({ code: "EINVAL" }));
  });

  test("alloc() applies bind flags (strict) and the policy shows in numa_maps", () => {
    const buf = alloc(4 * page, { mode: "bind", nodes: [0] }, { strict: true });
    const start = addressOf(new Uint8Array(buf));
    expect(policiesOver(numaMaps(), start, start + BigInt(4 * page))).toEqual(["bind:0"]);
    free(buf);
  });

  test("a collected buffer's address range is unmapped by the FinalizationRegistry (child, --expose-gc)", () => {
    const child = runChild(`
      const fs = await import("node:fs");
      // In a function, so no frame of this (async) module keeps the buffer alive.
      const start = (() => {
        const buf = nb.alloc(16 * nb.topology().pageSize, { mode: "bind", nodes: [0] });
        new Uint8Array(buf).fill(1);
        return nb.numabind.backend.addressOf(new Uint8Array(buf)).toString(16);
      })();
      const mapped = () => fs.readFileSync("/proc/self/maps", "utf8").split("\\n").some((l) => l.startsWith(start + "-"));
      const before = mapped();
      let after = true;
      for (let i = 0; i < 50 && after; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 10)); after = mapped(); }
      report({ before, after });
    `, { nodeArgs: ["--expose-gc"] });
    expect(child.stderr).toBe("");
    expect(child.result).toEqual({ before: true, after: false });
  });

  test("alloc() errors are NumaErrors with the syscall named", () => {
    let err: unknown;
    try { alloc(page, { mode: "local", nodes: [0] }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(NumaError);
    expect((err as NumaError).code).toBe("EINVAL");
  });
});
