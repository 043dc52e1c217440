// Errors name the thing at fault in the caller's own terms and say what its value is: no
// message from deep inside (a BigInt serializer, a private field, a null dereference), and
// bind(target, policy, flags) speaks of target, policy and flags, not of requests[0].
import { describe, expect, test } from "vitest";
import { hexAddress } from "../../host/core/errors.ts";
import {
  alloc, bind, bindBatch, free, getPolicy, Nodemask, NumaError, numaMaps, plan, setThreadPolicy, topology,
} from "../../host/mod.ts";

const page = topology().pageSize;
const raw = { addr: 1n << 30n, length: BigInt(page) };

function thrown(f: () => unknown): Error {
  try { f(); } catch (e) { return e as Error; }
  throw new Error("expected an error");
}

describe("an error names what is wrong with a value, whatever its type", () => {
  test("a BigInt node id", () => {
    const e = thrown(() => plan([{ target: raw, policy: { mode: "bind", nodes: [1n] as never } }], { unsafeRawAddress: true }));
    expect(e).toBeInstanceOf(RangeError);
    expect(e.message).toBe("Cannot use requests[0].policy.nodes[0]: nodes must be integers in 0..32767, current value is 1n (a bigint)");
  });

  test("a BigInt policy index in the column form", () => {
    const e = thrown(() => plan({ target: new ArrayBuffer(2 * page), offsets: [0], lengths: [page], policies: [{ mode: "local" }], policyIndex: [0n] as never }));
    expect(e).toMatchObject({ name: "NumaError", arg: "requests.policyIndex[0]" });
    expect(e.message).toMatch(/0n \(a bigint\) is not an index into requests\.policies/);
  });

  test("a null node context, and something that only looks like a Nodemask", () => {
    expect(thrown(() => Nodemask.parse("0", null as never)).message).toMatch(/^Cannot parse nodes: the node context must be an object/);
    expect(thrown(() => Nodemask.of(0).union({} as Nodemask)).message).toBe("Cannot compute Nodemask.union(): its argument must be a Nodemask, current value is object");
    const fake = Object.create(Nodemask.prototype) as Nodemask;
    expect(Nodemask.isNodemask(fake)).toBe(false);
    const e = thrown(() => plan([{ target: raw, policy: { mode: "bind", nodes: fake } }], { unsafeRawAddress: true }));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toMatch(/nodes must be a nodestring, a number\[\] or a Nodemask, current value is an object/);
  });

  test("a string where a number belongs says it is a string", () => {
    expect(thrown(() => alloc("4096" as never, { mode: "local" })).message).toBe('Cannot alloc: bytes must be a safe integer or a bigint, current value is "4096" (a string)');
  });

  test("a negative address prints as -0x1000, never 0x-1000", () => {
    expect(hexAddress(-4096n)).toBe("-0x1000");
    expect(hexAddress(0x7f00n)).toBe("0x7f00");
  });

  test("numaMaps() of a bad pid is a RangeError, of a pid with no process an ESRCH NumaError", () => {
    expect(thrown(() => numaMaps(-1))).toBeInstanceOf(RangeError);
    expect(thrown(() => numaMaps(1.5))).toBeInstanceOf(RangeError);
    const e = thrown(() => numaMaps(0x7ffffffe));
    expect(e).toBeInstanceOf(NumaError);
    expect(e).toMatchObject({ code: "ESRCH", arg: "pid" });
    expect(e.message).toMatch(/no such process/);
  });
});

describe("bind(), alloc() and setThreadPolicy() name their own arguments", () => {
  test("bind(): policy, flags and target, and the rule", () => {
    const ab = new ArrayBuffer(4 * page);
    const rule = thrown(() => bind(ab, { mode: "default", nodes: [0] }));
    expect(rule).toMatchObject({ code: "EINVAL", arg: "policy.nodes" });
    expect(rule.message).toBe("Cannot bind: mode default takes no nodes, current value is 0");
    expect(thrown(() => bind(ab, { mode: "local" }, { strict: 1 } as never)).message).toMatch(/^Cannot use flags\.strict: it must be a boolean/);
    expect(thrown(() => bind(new ArrayBuffer(page / 2), { mode: "local" }))).toMatchObject({ arg: "target" });
    const buf = alloc(2 * page, { mode: "default" });
    free(buf);
    for (const opts of [undefined, { pageSize: page }]) {
      const freed = thrown(() => bind(buf, { mode: "local" }, undefined, opts));
      expect(freed).toMatchObject({ code: "EINVAL", arg: "target" });
      expect(freed.message).toMatch(/^Cannot bind target: the buffer was released by free\(\)/);
    }
  });

  test("bindBatch() keeps naming requests by their place", () => {
    const e = thrown(() => bindBatch([{ target: new ArrayBuffer(2 * page), policy: { mode: "local" } }, { target: new ArrayBuffer(2 * page), policy: { mode: "default", nodes: [0] } }]));
    expect(e).toMatchObject({ arg: "requests[1].policy.nodes", index: 1 });
    expect(e.message).toMatch(/^Cannot bind requests\[1\]: mode default takes no nodes/);
  });

  test("alloc() and setThreadPolicy(): their policy argument", () => {
    for (const call of [() => alloc(page, { mode: "default", nodes: [0] }), () => setThreadPolicy({ mode: "default", nodes: [0] })]) {
      const e = thrown(call);
      expect(e).toMatchObject({ code: "EINVAL", arg: "policy.nodes" });
      expect(e.message).toBe("Cannot use policy: mode default takes no nodes, current value is 0");
    }
  });
});

describe("a buffer past what one typed array can view (4 GiB)", () => {
  test("plan() covers it whole; a call that needs a view of it names its size, not detached", () => {
    const big = new ArrayBuffer(2 ** 32 + 2 * page); // never touched: not resident
    const p = plan([{ target: big, policy: { mode: "bind", nodes: [0] } }]);
    expect(p.stats.ops).toBe(1);
    expect(p.ops[0]!.length).toBeGreaterThan(2n ** 32n - BigInt(page));
    const e = thrown(() => getPolicy(big));
    expect(e.message).toMatch(/^Cannot use target: it is 4294975488 bytes, more than one typed array can view/);
  });
});
