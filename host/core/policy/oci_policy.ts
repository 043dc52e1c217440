import type { Mode, Policy } from "./policy.ts";

/**
 * The OCI runtime-spec `linux.memoryPolicy` form: kernel names for the mode and flags, and
 * nodes in the kernel's list format ("0-3,7"), as runc, crun and youki take it.
 */
export interface OciMemoryPolicy {
  mode: `MPOL_${string}`;
  nodes?: string;
  flags?: string[];
}

const OCI_MODES: Readonly<Record<string, Mode>> = Object.freeze({
  MPOL_DEFAULT: "default", MPOL_PREFERRED: "preferred", MPOL_BIND: "bind",
  MPOL_INTERLEAVE: "interleave", MPOL_LOCAL: "local", MPOL_PREFERRED_MANY: "preferred-many",
  MPOL_WEIGHTED_INTERLEAVE: "weighted-interleave",
});

const OCI_FLAGS: Readonly<Record<string, "static" | "relative" | "balancing">> = Object.freeze({
  MPOL_F_STATIC_NODES: "static", MPOL_F_RELATIVE_NODES: "relative", MPOL_F_NUMA_BALANCING: "balancing",
});

/**
 * Whether a policy object is in the OCI form (its mode is an MPOL_* name).
 * @example
 * ```ts
 * expect(isOciPolicy({ mode: "MPOL_BIND", nodes: "0" })).toBe(true);
 * expect(isOciPolicy({ mode: "bind", nodes: "0" })).toBe(false);
 * ```
 */
export function isOciPolicy(p: unknown): p is OciMemoryPolicy {
  return typeof p === "object" && p !== null && typeof (p as { mode?: unknown }).mode === "string"
    && (p as { mode: string }).mode.startsWith("MPOL_");
}

/**
 * Turns an OCI `memoryPolicy` into a Policy. Its nodes are the kernel's list format, so they are
 * not checked against this machine here: the kernel rules (at plan time) decide, as for runc.
 * @param arg the argument name to blame in errors
 * @example
 * ```ts
 * expect(fromOciPolicy({ mode: "MPOL_INTERLEAVE", nodes: "0-3,7", flags: ["MPOL_F_STATIC_NODES"] }, "policy"))
 *   .toMatchObject({ mode: "interleave", static: true });
 * ```
 */
export function fromOciPolicy(p: OciMemoryPolicy, arg: string, parseList: (s: string, arg: string) => Policy["nodes"]): Policy {
  const mode = OCI_MODES[p.mode];
  if (mode === undefined || !Object.hasOwn(OCI_MODES, p.mode)) {
    throw new TypeError(`Cannot use ${arg}.mode: an OCI memoryPolicy mode is one of ${Object.keys(OCI_MODES).join(", ")}, current value is ${JSON.stringify(p.mode)}`);
  }
  const out: Policy = { mode };
  if (p.nodes !== undefined) {
    if (typeof p.nodes !== "string") throw new TypeError(`Cannot use ${arg}.nodes: OCI nodes are a string such as "0-3,7", current value is ${typeof p.nodes}`);
    out.nodes = parseList(p.nodes, `${arg}.nodes`);
  }
  if (p.flags !== undefined) {
    if (!Array.isArray(p.flags)) throw new TypeError(`Cannot use ${arg}.flags: OCI flags are an array of MPOL_F_* names, current value is ${typeof p.flags}`);
    p.flags.forEach((f, i) => {
      const name = typeof f === "string" && Object.hasOwn(OCI_FLAGS, f) ? OCI_FLAGS[f] : undefined;
      if (name === undefined) {
        throw new TypeError(`Cannot use ${arg}.flags[${i}]: it must be one of ${Object.keys(OCI_FLAGS).join(", ")}, current value is ${JSON.stringify(f)}`);
      }
      out[name] = true;
    });
  }
  return out;
}
