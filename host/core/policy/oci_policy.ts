import { MODE_FLAGS, MODES } from "./modes.ts";
import type { OciMemoryPolicy, Policy } from "./types.ts";

const OCI_MODE_NAMES = MODES.map((m) => m.oci);
const OCI_FLAG_NAMES = MODE_FLAGS.map((f) => f.oci);

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
 * @param parseList reads the kernel's list format (Nodemask.fromList)
 * @example
 * ```ts
 * expect(fromOciPolicy({ mode: "MPOL_INTERLEAVE", nodes: "0-3,7", flags: ["MPOL_F_STATIC_NODES"] }, "policy", Nodemask.fromList))
 *   .toMatchObject({ mode: "interleave", static: true });
 * ```
 */
export function fromOciPolicy(p: OciMemoryPolicy, arg: string, parseList: (s: string, arg: string) => Policy["nodes"]): Policy {
  const mode = MODES.find((m) => m.oci === p.mode);
  if (mode === undefined) {
    throw new TypeError(`Cannot use ${arg}.mode: an OCI memoryPolicy mode is one of ${OCI_MODE_NAMES.join(", ")}, current value is ${JSON.stringify(p.mode)}`);
  }
  const out: Policy = { mode: mode.name };
  if (p.nodes !== undefined) {
    if (typeof p.nodes !== "string") throw new TypeError(`Cannot use ${arg}.nodes: OCI nodes are a string such as "0-3,7", current value is ${typeof p.nodes}`);
    out.nodes = parseList(p.nodes, `${arg}.nodes`);
  }
  if (p.flags !== undefined) {
    if (!Array.isArray(p.flags)) throw new TypeError(`Cannot use ${arg}.flags: OCI flags are an array of MPOL_F_* names, current value is ${typeof p.flags}`);
    p.flags.forEach((f, i) => {
      const flag = typeof f === "string" ? MODE_FLAGS.find((x) => x.oci === f) : undefined;
      if (flag === undefined) {
        throw new TypeError(`Cannot use ${arg}.flags[${i}]: it must be one of ${OCI_FLAG_NAMES.join(", ")}, current value is ${JSON.stringify(f)}`);
      }
      out[flag.name] = true;
    });
  }
  return out;
}
