import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { Cpumask, MAX_CPUS } from "../../../host/core/cpus/mod.ts";
import { Nodemask } from "../../../host/mod.ts";

const cpus = fc.uniqueArray(fc.integer({ min: 0, max: MAX_CPUS - 1 }), { maxLength: 40 });

describe("Cpumask", () => {
  test("list, hex, cpumap and kernel bytes round-trip to the same CPUs (fast-check)", () => {
    fc.assert(fc.property(cpus, (xs) => {
      const c = Cpumask.of(...xs), want = [...xs].sort((a, b) => a - b);
      expect(c.toArray()).toEqual(want);
      expect(Cpumask.fromList(c.toList()).equals(c)).toBe(true);
      expect(Cpumask.fromHex(c.toHex()).equals(c)).toBe(true);
      expect(Cpumask.fromHex(c.toCpumap()).equals(c)).toBe(true);
      const bytes = c.toBytes(MAX_CPUS / 8);
      for (const x of want) expect((bytes[x >> 3]! >> (x & 7)) & 1).toBe(1);
      expect(bytes.reduce((n, b) => n + [...b.toString(2)].filter((d) => d === "1").length, 0)).toBe(want.length);
      expect(Cpumask.fromBytes(bytes).equals(c)).toBe(true);
    }));
  });

  test("the kernel's cpumap format, as sysfs prints it", () => {
    expect(Cpumask.fromHex("00000001,00000000").toArray()).toEqual([32]);
    expect(Cpumask.of(0, 1, 2, 3).toCpumap(64)).toBe("00000000,0000000f");
    expect(Cpumask.fromList("0-3,8\n").toHex()).toBe("0x10f");
  });

  test("cpustrings against the possible CPUs and the cpuset, with CPU words in errors", () => {
    const ctx = { possible: Cpumask.fromList("0-7"), allowed: Cpumask.fromList("2-5") };
    expect(Cpumask.parse("all", ctx).toList()).toBe("2-5");
    expect(Cpumask.parse("!3", ctx).toList()).toBe("2,4-5");
    expect(Cpumask.parse("+0-1", ctx).toList()).toBe("2-3");
    expect(() => Cpumask.parse("9", ctx)).toThrow(/cpustring: CPU 9 at position 0 is not possible here \(possible CPUs: 0-7\)/);
  });

  test("refuses CPUs past 8191 and values that are not CPUs, naming them", () => {
    expect(() => Cpumask.of(MAX_CPUS)).toThrow(/0\.\.8191, current value is 8192/);
    expect(() => Cpumask.fromList("8192")).toThrow(/current value is 8192/);
    expect(() => Cpumask.from([0, -1], "cpus", { possible: Cpumask.of(0), allowed: Cpumask.of(0) })).toThrow(/cpus\[1\].*current value is -1/);
    expect(() => Cpumask.from({}, "cpus", { possible: Cpumask.of(0), allowed: Cpumask.of(0) })).toThrow(/a Cpumask, a cpustring/);
    expect(() => Cpumask.of(0).toBytes(8).length).not.toThrow();
    expect(() => Cpumask.of(64).toBytes(8)).toThrow(/holds 64 CPUs/);
  });

  test("is its own type: a Cpumask is not a Nodemask, and set operations take Cpumasks only", () => {
    const c = Cpumask.of(0, 1);
    expect(Nodemask.isNodemask(c)).toBe(false);
    expect(Cpumask.isCpumask(Nodemask.of(0))).toBe(false);
    expect(c.intersect(Cpumask.of(1, 2)).toList()).toBe("1");
    expect(() => c.union(Nodemask.of(0) as never)).toThrow(/must be a Cpumask/);
    expect(JSON.stringify({ c })).toBe('{"c":"0-1"}');
  });
});
