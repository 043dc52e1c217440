// The pieces of `numabind replay`: exact JSON integers, the engine-backed policy map against a
// page-by-page model, strace's argument forms, and format detection.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { parseBigJson } from "../../host/cli/replay/_bigint_json.ts";
import {
  DEFAULT_POLICY, detectFormat, nodeList, parseNodeList, PolicyMap, ReplayEngine, replayLog, StraceReader, type ReplayEvent,
} from "../../host/cli/replay/mod.ts";

describe("parseBigJson()", () => {
  test("parseBigJson() reads integers as exact bigints and other numbers as numbers", () => {
    const v = parseBigJson('{"a":[18446744073709551615,-9007199254740993,0],"b":1.5e3,"c":"x\\u00e9","d":[true,false,null]}');
    expect(v).toEqual({ a: [18446744073709551615n, -9007199254740993n, 0n], b: 1500, c: "xé", d: [true, false, null] });
  });

  test("parseBigJson() names the column where the text stops being JSON", () => {
    expect(() => parseBigJson('{"a":1,}')).toThrow(/at column 8/);
    expect(() => parseBigJson('{"a":01}')).toThrow(/column 7/);
    expect(() => parseBigJson('{"a":1} x')).toThrow(/text after the JSON value, found "x" at column 9/);
    expect(() => parseBigJson('{"a":"b')).toThrow(/unterminated/);
  });

  test("parseBigJson() keeps a __proto__ key as data", () => {
    const v = parseBigJson('{"__proto__":{"x":1}}') as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe("PolicyMap", () => {
  const PAGE = 4096n, BASE = 0x7f0000000000n, N = 48;
  type Op = { a: number; n: number; p: number };
  const ops = fc.array(fc.record({ a: fc.integer({ min: 0, max: N - 1 }), n: fc.integer({ min: 1, max: N }), p: fc.integer({ min: -1, max: 9 }) }), { maxLength: 60 });

  /** Runs of equal policy (not default) in a page array, as [startPage, endPage, policy]. */
  const runs = (pages: readonly number[]): [number, number, number][] => {
    const out: [number, number, number][] = [];
    pages.forEach((p, i) => {
      const last = out.at(-1);
      if (p === DEFAULT_POLICY) return;
      if (last && last[1] === i && last[2] === p) last[1] = i + 1;
      else out.push([i, i + 1, p]);
    });
    return out;
  };

  test("PolicyMap.apply() keeps what a page-by-page model keeps, for any calls over ten policies and default", () => {
    const engine = new ReplayEngine(4096);
    fc.assert(fc.property(ops, (list: Op[]) => {
      const map = new PolicyMap(engine), pages = new Array<number>(N).fill(DEFAULT_POLICY);
      for (const { a, n, p } of list) {
        const end = Math.min(N, a + n), before = pages.join();
        const out = map.apply(BASE + BigInt(a) * PAGE, BASE + BigInt(end) * PAGE, p);
        pages.fill(p, a, end);
        expect(out.changed).toBe(pages.join() !== before);
        const got = map.segments.map((s) => [Number((s.start - BASE) / PAGE), Number((s.end - BASE) / PAGE), s.policy]);
        expect(got).toEqual(runs(pages));
      }
    }), { numRuns: 300, seed: 20260105 });
  });

  test("PolicyMap.apply() reports what a call cuts inside and the mappings it adds", () => {
    const m = new PolicyMap(new ReplayEngine(4096));
    const at = (p: number): bigint => BASE + BigInt(p) * PAGE;
    expect(m.apply(at(0), at(16), 1)).toEqual({ changed: true, cut: [], mappingsAdded: 1 });
    expect(m.apply(at(4), at(8), 2)).toEqual({ changed: true, cut: [{ start: at(0), end: at(16), policy: 1 }], mappingsAdded: 2 });
    expect(m.apply(at(4), at(8), 2)).toEqual({ changed: false, cut: [], mappingsAdded: 0 });
    expect(m.apply(at(10), at(12), DEFAULT_POLICY)).toMatchObject({ changed: true, mappingsAdded: 2 });
    expect(m.apply(at(8), at(16), 2)).toMatchObject({ changed: true, mappingsAdded: -3 });
    expect(m.segments.map((s) => s.policy)).toEqual([1, 2]);
  });

  test("ReplayEngine.estimate() is the engine's VMA estimate: a mapping per range and one per contiguous group", () => {
    const e = new ReplayEngine(4096);
    const seg = (a: number, b: number, policy: number) => ({ start: BASE + BigInt(a) * PAGE, end: BASE + BigInt(b) * PAGE, policy });
    expect(e.estimate([])).toBe(0);
    expect(e.estimate([seg(0, 4, 1), seg(4, 8, 2), seg(8, 9, 1)])).toBe(4);
    expect(e.estimate([seg(0, 4, 1), seg(6, 8, 1)])).toBe(4);
  });
});

describe("strace's forms", () => {
  const one = (line: string, pid = 0): ReplayEvent => {
    const r = new StraceReader(pid);
    r.push(line, 1);
    const events = r.finish();
    expect(r.warnings).toEqual([]);
    expect(events).toHaveLength(1);
    return events[0]!;
  };

  test.each([
    ["[0x3]", 65, [0, 1]], ["[0 1]", 1025, [0, 1]], ["[]", 0, []], ["NULL", 0, []], ["[0x00000000000001, 0x8000000000000000]", 129, [0, 127]],
    ["[0000000000000000, 0x00000000000001]", 129, [64]], ["[0x25]", 4, [0, 2]], ["[3 5-6]", 65, [3, 5, 6]], ["0x7ffd0000", 1, []],
  ] as const)("StraceReader reads the nodemask %s (maxnode %i) as the nodes the kernel reads", (mask, maxnode, nodes) => {
    const e = one(`mbind(0x7f0000000000, 4096, MPOL_BIND, ${mask}, ${maxnode}, 0) = 0`);
    expect(e).toMatchObject({ call: "mbind", mask: { nodes } });
  });

  test("StraceReader keeps a mask it cannot read as unknown, keyed by its address and maxnode", () => {
    expect(one("mbind(0x7f0000000000, 4096, MPOL_BIND, 0x7ffd0000, 65, 0) = 0")).toMatchObject({ mask: { nodes: null, key: "ptr 0x7ffd0000; maxnode 65" } });
  });

  test.each([
    ["4247 mbind(", 4247], ["[pid  4247] mbind(", 4247], ["[pid 4247] 10:11:12.123456 mbind(", 4247], ["4247  1700000000.123456 mbind(", 4247],
    ["     0.000123 mbind(", 9], ["10:11:12 mbind(", 9], ["[00007f8cb1a3c8bd] mbind(", 9], ["4247 [00007f8cb1a3c8bd] mbind(", 4247],
  ])("StraceReader reads the prefix %j", (prefix, tid) => {
    expect(one(`${prefix}0x7f0000000000, 4096, MPOL_LOCAL, NULL, 0, 0) = 0 <0.000012>`, 9)).toMatchObject({ tid });
  });

  test("StraceReader reads mode words, flags and failures, numbers included", () => {
    expect(one("mbind(0x7f0000000000, 4096, MPOL_PREFERRED_MANY|MPOL_F_NUMA_BALANCING, [0x1], 65, MPOL_MF_STRICT|MPOL_MF_MOVE|MPOL_MF_MOVE_ALL) = 0"))
      .toMatchObject({ mode: 0x2005, flags: 7, result: 0n });
    expect(one("mbind(0x7f0000000000, 4096, 0x8003 /* MPOL_??? */, [0x1], 65, 0x8 /* MPOL_??? */) = -1 EINVAL (Invalid argument)"))
      .toMatchObject({ mode: 0x8003, flags: 8, result: -1n, error: "EINVAL" });
  });

  test("StraceReader joins a call across its unfinished and resumed lines, by thread", () => {
    const r = new StraceReader(0);
    r.push("[pid 12] move_pages(0, 2, [0x7f0000000000, 0x7f0000001000], [0, 1],  <unfinished ...>", 1);
    r.push("[pid 13] mbind(0x7f0000000000, 4096, MPOL_BIND, [0x1], 65, 0 <unfinished ...>", 2);
    r.push("[pid 12] <... move_pages resumed>[0, 1], MPOL_MF_MOVE) = 0", 3);
    r.push("[pid 13] <... mbind resumed>) = -1 EIO (Input/output error)", 4);
    expect(r.finish()).toMatchObject([
      { call: "move_pages", line: 1, tid: 12, nodes: [0, 1], flags: 2, result: 0n },
      { call: "mbind", line: 2, tid: 13, error: "EIO" },
    ]);
  });

  test("StraceReader refuses a memory-policy call it cannot read, naming the line", () => {
    const r = new StraceReader(0);
    expect(() => r.push("mbind(0x7f0000000000, 4096, MPOL_BIND, [0x1], 65) = 0", 7)).toThrow(/^line 7: mbind has 5 arguments, strace prints 6$/);
    expect(() => r.push("mbind(0x7f0000000000, 4096, MPOL_SOMETHING, [0x1], 65, 0) = 0", 8)).toThrow(/line 8: mbind argument 3 is "MPOL_SOMETHING"/);
  });
});

describe("munmap and mmap, when a log has them", () => {
  const ranges = (text: string) => replayLog(text).processes[0]!.map.map((m) => [m.start, m.end]);

  test("replayLog() drops what strace's munmap removes and what a new mmap covers, and counts neither", () => {
    const log = [
      "12 mbind(0x7f0000000000, 32768, MPOL_BIND, [0x1], 65, 0) = 0",
      "12 munmap(0x7f0000002000, 8192) = 0",
      "12 mmap(0x7f0000006000, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = 0x7f0000006000",
      "12 munmap(0x7f0000000001, 4096) = -1 EINVAL (Invalid argument)",
    ].join("\n");
    expect(ranges(log)).toEqual([["0x7f0000000000", "0x7f0000002000"], ["0x7f0000004000", "0x7f0000006000"], ["0x7f0000007000", "0x7f0000008000"]]);
    expect(replayLog(log)).toMatchObject({ events: 1, processes: [{ calls: { mbind: 1 }, failures: {}, noChange: [], splits: [] }] });
  });

  test("replayLog() drops what a Tracee munmap event removes", () => {
    const ev = (name: string, args: string, ret = 0) => `{"eventName":"${name}","processId":12,"threadId":12,"returnValue":${ret},"args":[${args}]}`;
    const log = [
      ev("mbind", '{"name":"addr","type":"void*","value":139637976727552},{"name":"len","type":"unsigned long","value":32768},{"name":"mode","type":"int","value":4},{"name":"nodemask","type":"const unsigned long*","value":0},{"name":"maxnode","type":"unsigned long","value":0},{"name":"flags","type":"unsigned int","value":0}'),
      ev("munmap", '{"name":"addr","type":"void*","value":139637976735744},{"name":"length","type":"size_t","value":8192}'),
    ].join("\n");
    expect(ranges(log)).toEqual([["0x7f0000000000", "0x7f0000002000"], ["0x7f0000004000", "0x7f0000008000"]]);
  });
});

describe("formats", () => {
  test("detectFormat() tells the three formats apart by their first line", () => {
    expect(detectFormat('{"eventName":"mbind","args":[]}', 1)).toBe("tracee");
    expect(detectFormat(' {"name":"mbind","data":[]}', 1)).toBe("tracee-v1");
    expect(detectFormat("--- SIGCHLD {si_signo=SIGCHLD} ---", 1)).toBe("strace");
    expect(() => detectFormat('{"event":"x"}', 4)).toThrow(/^line 4: a JSON object that is neither/);
    expect(() => detectFormat("{oops", 2)).toThrow(/^line 2: starts like JSON but is not/);
  });

  test("nodeList() and parseNodeList() are inverse on sorted lists", () => {
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 300 }), { maxLength: 40 }), (a) => {
      const sorted = [...a].sort((x, y) => x - y);
      expect(parseNodeList(nodeList(sorted))).toEqual(sorted);
    }), { seed: 7 });
    expect(parseNodeList("2-1")).toBeUndefined();
  });
});
