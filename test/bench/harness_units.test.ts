// The harness's parts one by one: statistics, sysfs parsing, option resolution, and the C and
// JS kernels computing what they claim to (on small alloc() arrays, through the real library).
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parseCacheSize, readCaches } from "../../host/bench/environment.ts";
import { readInterleaveWeights } from "../../host/bench/interleave_weights.ts";
import { jsRead, jsTriad, jsWrite, lastReadSum } from "../../host/bench/js_kernels.ts";
import { openKernels } from "../../host/bench/kernels.ts";
import { numastatDelta, parseNumastat, readNumastat } from "../../host/bench/numastat.ts";
import { resolveOptions } from "../../host/bench/options.ts";
import { policyRowSpecs } from "../../host/bench/policy_rows.ts";
import { emptyStat, mbPerSec, ratioOf, summarize } from "../../host/bench/statistics.ts";
import { alloc, free, getPolicy, numabind, topology } from "../../host/mod.ts";

const page = topology().pageSize;
const MiB = 2 ** 20, GiB = 2 ** 30;
const tmp = (): string => mkdtempSync(join(process.env.NUMABIND_TEST_TMP ?? "/tmp", "bench-"));

describe("summarize()", () => {
  test("summarize() takes the highest sample as best for MB/s and the lowest for times", () => {
    expect(summarize([10, 40, 20, 30], "MB/s")).toEqual({ unit: "MB/s", n: 4, best: 40, median: 25, min: 10, max: 40, p25: 17.5, p75: 32.5 });
    expect(summarize([10, 40, 20, 30], "ns").best).toBe(10);
    expect(summarize([2], "ratio")).toMatchObject({ n: 1, best: 2, median: 2, p25: 2, p75: 2 });
  });

  test("summarize() gives an empty Stat for no samples and refuses non-finite ones", () => {
    expect(summarize([], "us")).toEqual(emptyStat("us"));
    expect(() => summarize([1, NaN], "ns")).toThrow(/every sample must be a finite number, current value is NaN/);
  });

  test("mbPerSec() counts 10^6 bytes a megabyte; ratioOf() stays finite", () => {
    expect(mbPerSec(1e9, 1e9)).toBe(1000);
    expect(() => mbPerSec(1, 0)).toThrow(RangeError);
    expect(ratioOf(1, 4)).toBe(0.25);
    expect(ratioOf(1, 0)).toBe(0);
  });
});

describe("sysfs readers", () => {
  test("parseCacheSize() reads sysfs sizes", () => {
    expect(parseCacheSize("48K\n")).toBe(48 * 1024);
    expect(parseCacheSize("491520K")).toBe(480 * MiB);
    expect(parseCacheSize("32M")).toBe(32 * MiB);
    expect(parseCacheSize("")).toBe(0);
  });

  test("readCaches() takes the largest cache as the LLC, and nothing from a missing folder", () => {
    const dir = tmp();
    for (const [i, level, type, size] of [[0, 1, "Data", "32K"], [1, 2, "Unified", "1024K"], [2, 3, "Unified", "16384K"]] as const) {
      mkdirSync(join(dir, `index${i}`));
      writeFileSync(join(dir, `index${i}`, "level"), `${level}\n`);
      writeFileSync(join(dir, `index${i}`, "type"), `${type}\n`);
      writeFileSync(join(dir, `index${i}`, "size"), `${size}\n`);
    }
    expect(readCaches(dir)).toEqual({
      caches: [{ level: 1, type: "Data", sizeBytes: 32 * 1024 }, { level: 2, type: "Unified", sizeBytes: MiB }, { level: 3, type: "Unified", sizeBytes: 16 * MiB }],
      llcBytes: 16 * MiB,
    });
    expect(readCaches(join(dir, "missing"))).toEqual({ caches: [], llcBytes: 0 });
    expect(readCaches().llcBytes).toBeGreaterThan(0);
  });

  test("readNumastat() and numastatDelta() count numa_hit growing over a first touch", () => {
    expect(parseNumastat("numa_hit 7\nnuma_miss 2\nnuma_foreign 0\n")).toEqual({ hit: 7, miss: 2 });
    const before = readNumastat([0]);
    const buf = alloc(256 * page, { mode: "bind", nodes: [0] });
    new Uint8Array(buf).fill(1);
    const d = numastatDelta(before, readNumastat([0]));
    free(buf);
    expect(d.numaHit["0"]).toBeGreaterThanOrEqual(256);
    expect(d.numaMiss["0"]).toBeGreaterThanOrEqual(0);
  });
});

describe("readInterleaveWeights()", () => {
  test("readInterleaveWeights() reads the kernel's weights, 1 where there is none", () => {
    const dir = tmp();
    writeFileSync(join(dir, "node0"), "3\n");
    writeFileSync(join(dir, "node1"), "junk\n");
    expect(readInterleaveWeights([0, 1, 2], dir)).toEqual({ 0: 3, 1: 1, 2: 1 });
  });
});

describe("resolveOptions()", () => {
  const facts = { llcBytes: 480 * MiB, pageSize: 4096, memFreeBytes: 22 * GiB };

  test("resolveOptions() defaults to STREAM's 4x LLC arrays", () => {
    const p = resolveOptions({ quick: true }, facts);
    expect(p).toMatchObject({ quick: true, arrayBytes: 1920 * MiB, followsStreamRule: true, repeats: 3, rowBytes: 256 * MiB });
    expect(resolveOptions({}, facts)).toMatchObject({ quick: false, repeats: 10, rowBytes: 480 * MiB });
  });

  test("resolveOptions() takes arrayBytes and repeats, rounding arrays up to whole pages", () => {
    const p = resolveOptions({ arrayBytes: 16 * MiB + 1, repeats: 2 }, facts);
    expect(p).toMatchObject({ arrayBytes: 16 * MiB + 4096, followsStreamRule: false, repeats: 2, rowBytes: 16 * MiB + 4096, migrateBytes: 16 * MiB + 4096 });
  });

  test("resolveOptions() shrinks the default to what fits in a node, and says it no longer follows the rule", () => {
    const p = resolveOptions({ quick: true }, { ...facts, memFreeBytes: 512 * MiB });
    expect(p.arrayBytes * 3).toBeLessThanOrEqual(0.8 * 512 * MiB);
    expect(p.followsStreamRule).toBe(false);
  });

  test("resolveOptions() refuses what cannot run, saying what to pass", () => {
    expect(() => resolveOptions({ arrayBytes: 8 * GiB }, facts)).toThrow(/pass a smaller arrayBytes, current value is 8589934592/);
    expect(() => resolveOptions({ arrayBytes: 1.5 * MiB + 0.5 }, facts)).toThrow(RangeError);
    expect(() => resolveOptions({ repeats: 2.5 }, facts)).toThrow(/repeats must be an integer/);
    expect(() => resolveOptions({ quick: "yes" } as never, facts)).toThrow(TypeError);
    expect(() => resolveOptions({ onProgress: 1 } as never, facts)).toThrow(/onProgress must be a function/);
  });
});

describe("policyRowSpecs()", () => {
  test("policyRowSpecs() skips the wrong-node rows on one node, and asks the engine about each mode", () => {
    const specs = policyRowSpecs(0, 0, [0], page);
    expect(specs.map((s) => s.name)).toEqual(["no policy", "local", "bind:0", "interleave all", "weighted-interleave all",
      "preferred right", "preferred wrong", "preferred-many right", "preferred-many wrong"]);
    expect(specs.filter((s) => s.skipped === "needs a second node").map((s) => s.name)).toEqual(["preferred wrong", "preferred-many wrong"]);
    expect(specs.find((s) => s.name === "interleave all")).toMatchObject({ expect: { nodes: [0], spread: true } });
  });

  test("policyRowSpecs() sends the wrong rows to the other nodes when there are some", () => {
    const specs = policyRowSpecs(0, 0, [0, 1, 2], page);
    expect(specs.find((s) => s.name === "preferred wrong")).toMatchObject({ policy: { mode: "preferred", nodes: [1] }, expect: { nodes: [1] } });
    expect(specs.find((s) => s.name === "preferred-many wrong")).toMatchObject({ policy: { mode: "preferred-many", nodes: [1, 2] }, expect: { nodes: [1, 2] } });
  });
});

describe("the JS kernels", () => {
  test("jsRead(), jsWrite() and jsTriad() compute STREAM's kernels", () => {
    const a = new Float64Array(1001), b = new Float64Array(1001), c = new Float64Array(1001);
    jsWrite(b, 1); jsWrite(c, 2);
    expect(jsTriad(a, b, c, 3)).toBeGreaterThan(0);
    expect(a.every((x) => x === 7)).toBe(true);
    jsRead(a);
    expect(lastReadSum()).toBe(7007);
  });
});

describe("the C kernels", () => {
  const k = openKernels();
  const kernels = k.ok ? k.kernels : undefined;
  const addr = (b: ArrayBuffer): number => Number(numabind.backend.addressOf(new Uint8Array(b)));

  test("openKernels() opens build/libnumabind_bench.so (node native/build.mjs builds it)", () => {
    expect(k.ok, k.ok ? "" : k.reason).toBe(true);
    expect(kernels!.path).toMatch(/build\/libnumabind_bench\.so$/);
    expect(openKernels()).toBe(k); // once per process
  });

  test("the C write and triad kernels compute STREAM's triad and time it", () => {
    const n = 4 * page / 8;
    const bufs = [0, 1, 2].map(() => alloc(n * 8, { mode: "default" }));
    try {
      const [a, b, c] = bufs.map(addr) as [number, number, number];
      expect(kernels!.write(b, n, 1.5)).toBeGreaterThan(0);
      kernels!.write(c, n, 2);
      expect(kernels!.triad(a, b, c, n, 3)).toBeGreaterThan(0);
      expect(new Float64Array(bufs[0]!).every((x) => x === 7.5)).toBe(true);
      expect(kernels!.read(a, n)).toBeGreaterThan(0);
    } finally {
      for (const b of bufs) free(b);
    }
  });

  test("the C chase links every slot into one cycle, and walks it", () => {
    const slots = 1000;
    const buf = alloc(slots * 64, { mode: "default" });
    try {
      const base = addr(buf);
      kernels!.chaseBuild(base, slots, 42);
      const next = new BigUint64Array(buf);
      const seen = new Set<number>();
      let i = 0;
      for (let step = 0; step < slots; step++) {
        seen.add(i);
        i = (Number(next[i * 8]!) - base) / 64;
        expect(Number.isInteger(i) && i >= 0 && i < slots).toBe(true);
      }
      expect(i).toBe(0);          // back at the start after exactly `slots` loads
      expect(seen.size).toBe(slots); // having visited every slot once
      expect(kernels!.chaseWalk(base, 10_000)).toBeGreaterThan(0);
      expect(() => kernels!.chaseBuild(base, 1, 42)).toThrow(/nbb_chase_build: it failed with errno 22/);
    } finally {
      free(buf);
    }
  });

  test("the C mbind loops issue the same alternating policies as bindBatch()", () => {
    const pages = 6;
    const buf = alloc(pages * page, { mode: "default" });
    const mask = new BigUint64Array(new ArrayBuffer(8));
    mask[0] = 1n;
    try {
      const base = addr(buf);
      const maskAddr = Number(numabind.backend.addressOf(new Uint8Array(mask.buffer)));
      expect(kernels!.mbindAlternating(base, page, pages, 2, 1, maskAddr, 1)).toBeGreaterThan(0);
      const modes = Array.from({ length: pages }, (_, i) => getPolicy(BigInt(base + i * page)).mode);
      expect(modes).toEqual(["bind", "preferred", "bind", "preferred", "bind", "preferred"]);
      expect(kernels!.mbindSingle(base, page, 3, 2, 1, maskAddr, 1)).toBeGreaterThan(0);
      expect(getPolicy(BigInt(base)).mode).toBe("bind"); // calls 0 and 2 set bind
      // A mode the kernel refuses comes back as its errno.
      expect(() => kernels!.mbindAlternating(base, page, 1, 99, 99, maskAddr, 1)).toThrow(/errno 22/);
    } finally {
      free(buf);
    }
  });
});
