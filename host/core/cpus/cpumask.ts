import { invalid } from "../errors.ts";
import { Nodemask } from "../policy/mod.ts";
import { describeValue } from "../shapes.ts";

/** The widest CPU set numabind handles: the kernel's NR_CPUS limit on x86_64 (8192). */
export const MAX_CPUS = 8192;

function checkCpus(m: Nodemask, arg: string): Nodemask {
  const top = m.toArray().at(-1);
  if (top !== undefined && top >= MAX_CPUS) {
    throw new RangeError(`Cannot use ${arg}: a CPU must be an integer in 0..${MAX_CPUS - 1}, current value is ${top}`);
  }
  return m;
}

/** The CPU sets a cpustring is read against (numactl's parse_cpustring). */
export interface CpuContext {
  /** CPUs that exist (/sys/devices/system/cpu/possible). */
  possible: Cpumask;
  /** CPUs this task may run on (its cpuset). */
  allowed: Cpumask;
}

/**
 * An immutable set of CPU ids, up to 8192, in the kernel's cpumask layout (bit n of u64 word
 * n >> 6). The same formats as Nodemask: list ("0-3,8"), hex ("0xf"), the kernel's cpumap
 * ("00000000,0000000f"), and numactl's cpustrings (`all`, `!`, `+`).
 * @example Basic usage
 * ```ts
 * const c = Cpumask.fromList("0-3,8");
 * expect(c.toArray()).toEqual([0, 1, 2, 3, 8]);
 * expect(c.toHex()).toBe("0x10f");
 * expect(Cpumask.fromHex(c.toCpumap()).equals(c)).toBe(true);
 * ```
 */
export class Cpumask {
  readonly #m: Nodemask;

  private constructor(m: Nodemask) { this.#m = m; }

  /** The empty set. */
  static get EMPTY(): Cpumask { return new Cpumask(Nodemask.EMPTY); }

  /**
   * Whether `x` is a real Cpumask (made by this class).
   * @example
   * ```ts
   * expect(Cpumask.isCpumask(Cpumask.of(0))).toBe(true);
   * expect(Cpumask.isCpumask(Nodemask.of(0))).toBe(false);
   * ```
   */
  static isCpumask(x: unknown): x is Cpumask { return typeof x === "object" && x !== null && #m in x; }

  /**
   * A set holding exactly the given CPUs.
   * @example
   * ```ts
   * expect(Cpumask.of(1, 0).toList()).toBe("0-1");
   * ```
   */
  static of(...cpus: number[]): Cpumask {
    for (const c of cpus) {
      if (!Number.isInteger(c) || c < 0 || c >= MAX_CPUS) throw new RangeError(`Cannot use Cpumask.of: a CPU must be an integer in 0..${MAX_CPUS - 1}, current value is ${describeValue(c)}`);
    }
    return new Cpumask(Nodemask.of(...cpus));
  }

  /**
   * Parses the kernel's list format ("0-3,8", as sysfs cpulist and Cpus_allowed_list print it).
   * @example
   * ```ts
   * expect(Cpumask.fromList("0-1\n").size).toBe(2);
   * ```
   */
  static fromList(s: string, arg = "cpus"): Cpumask { return new Cpumask(checkCpus(Nodemask.fromList(s, arg), arg)); }

  /**
   * Parses a hex mask ("0x3") or the kernel's cpumap format ("00000001,00000000" is CPU 32).
   * @example
   * ```ts
   * expect(Cpumask.fromHex("00000001,00000000").toArray()).toEqual([32]);
   * ```
   */
  static fromHex(s: string, arg = "cpus"): Cpumask { return new Cpumask(checkCpus(Nodemask.fromHex(s, arg), arg)); }

  /**
   * Parses a numactl cpustring (`[!][+]item(,item)*`, item = `all`, `N` or `A-B`) against
   * the possible CPUs and the cpuset's; `+` counts positions in the allowed set.
   * @example
   * ```ts
   * const ctx = { possible: Cpumask.fromList("0-7"), allowed: Cpumask.fromList("2-5") };
   * expect(Cpumask.parse("!3", ctx).toList()).toBe("2,4-5");
   * expect(Cpumask.parse("+0-1", ctx).toList()).toBe("2-3");
   * ```
   */
  static parse(s: string, ctx: CpuContext, arg = "cpus"): Cpumask {
    try {
      return new Cpumask(checkCpus(Nodemask.parse(s, { configured: ctx.possible.#m, allowed: ctx.allowed.#m }, arg), arg));
    } catch (e) {
      // The grammar is the nodestring's; its errors speak of nodes. Say CPUs.
      if (e instanceof Error) {
        e.message = e.message.replace(/nodestring/g, "cpustring").replace(/\bnode(s?)\b/g, "CPU$1")
          .replace("configured on this machine (configured CPUs", "possible here (possible CPUs")
          .replace(/allowed CPUs/g, "cpuset CPUs");
      }
      throw e;
    }
  }

  /**
   * A CPU set from the forms a caller may pass: a Cpumask, a cpustring or a number[].
   * @example
   * ```ts
   * expect(Cpumask.from([0, 1], "cpus", ctx).toList()).toBe("0-1");
   * ```
   */
  static from(x: unknown, arg: string, ctx: CpuContext): Cpumask {
    if (Cpumask.isCpumask(x)) return x;
    if (typeof x === "string") return Cpumask.parse(x, ctx, arg);
    if (Array.isArray(x)) {
      x.forEach((c, i) => {
        if (typeof c !== "number" || !Number.isInteger(c) || c < 0 || c >= MAX_CPUS) {
          throw new RangeError(`Cannot use ${arg}[${i}]: a CPU must be an integer in 0..${MAX_CPUS - 1}, current value is ${describeValue(c)}`);
        }
      });
      return Cpumask.of(...(x as number[]));
    }
    throw new TypeError(`Cannot use ${arg}: CPUs must be a Cpumask, a cpustring like "0-3" or a number[], current value is ${describeValue(x)}`);
  }

  /**
   * The set as the kernel's cpumask bytes, `bytes` long (a multiple of 8, wide enough).
   * @example
   * ```ts
   * expect([...Cpumask.of(0, 9).toBytes(8)]).toEqual([1, 2, 0, 0, 0, 0, 0, 0]);
   * ```
   */
  toBytes(bytes: number): Uint8Array {
    const w = this.#m.toWords(Math.max(1, bytes >>> 3));
    if (w.byteLength > bytes) throw invalid("cpus", `Cannot use CPU ${this.#m.toArray().at(-1)}: the kernel's cpumask here holds ${bytes * 8} CPUs`);
    return new Uint8Array(w.buffer, w.byteOffset, bytes);
  }

  /**
   * The set the kernel wrote into cpumask bytes.
   * @example
   * ```ts
   * expect(Cpumask.fromBytes(new Uint8Array([3, 0, 0, 0, 0, 0, 0, 0])).toList()).toBe("0-1");
   * ```
   */
  static fromBytes(u8: Uint8Array): Cpumask {
    const w = new Uint32Array(Math.max(2, Math.ceil(u8.byteLength / 8) * 2));
    new Uint8Array(w.buffer).set(u8);
    return new Cpumask(checkCpus(Nodemask.fromWords(w), "cpumask"));
  }

  has(cpu: number): boolean { return this.#m.has(cpu); }
  get size(): number { return this.#m.size; }
  get isEmpty(): boolean { return this.#m.isEmpty; }
  toArray(): number[] { return this.#m.toArray(); }
  toList(): string { return this.#m.toList(); }
  toHex(): string { return this.#m.toHex(); }
  /** The kernel's cpumap format (comma-separated 32-bit hex groups), `bits` wide if given. */
  toCpumap(bits?: number): string { return this.#m.toCpumap(bits); }
  toString(): string { return this.toList(); }
  toJSON(): string { return this.toList(); }
  union(o: Cpumask): Cpumask { return new Cpumask(this.#m.union(inner(o, "union"))); }
  intersect(o: Cpumask): Cpumask { return new Cpumask(this.#m.intersect(inner(o, "intersect"))); }
  difference(o: Cpumask): Cpumask { return new Cpumask(this.#m.difference(inner(o, "difference"))); }
  equals(o: Cpumask): boolean { return Cpumask.isCpumask(o) && this.#m.equals(o.#m); }
  isSubsetOf(o: Cpumask): boolean { return this.#m.isSubsetOf(inner(o, "isSubsetOf")); }

  /** @internal the set's bits as a Nodemask (same layout), for the set operations above. */
  static bits(c: Cpumask): Nodemask { return c.#m; }
}

function inner(o: Cpumask, method: string): Nodemask {
  if (!Cpumask.isCpumask(o)) throw new TypeError(`Cannot compute Cpumask.${method}(): its argument must be a Cpumask, current value is ${describeValue(o)}`);
  return Cpumask.bits(o);
}
