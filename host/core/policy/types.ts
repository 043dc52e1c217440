// The shapes a caller writes a policy in. Types only: policy.ts and oci_policy.ts both read
// them, and neither needs the other's code for it.
import type { Mode, NumactlMode } from "./modes.ts";
import type { Nodemask } from "./nodemask.ts";

export type { Mode, NumactlMode } from "./modes.ts";

/** A memory policy: a mode, its nodes, and the kernel's MPOL_F_* mode flags. */
export interface Policy {
  mode: Mode | NumactlMode;
  /** A nodestring ("0-3,!2", read against this process's nodes), number[] or Nodemask. */
  nodes?: string | number[] | Nodemask;
  static?: boolean;
  relative?: boolean;
  balancing?: boolean;
}

/**
 * The OCI runtime-spec `linux.memoryPolicy` form: kernel names for the mode and flags, and
 * nodes in the kernel's list format ("0-3,7"), as runc, crun and youki take it.
 */
export interface OciMemoryPolicy {
  mode: `MPOL_${string}`;
  nodes?: string;
  flags?: string[];
}

/** What a policy argument accepts: a Policy, or the OCI runtime-spec memoryPolicy form. */
export type PolicyInput = Policy | OciMemoryPolicy;

/** mbind flags (MPOL_MF_*). */
export interface BindFlags { strict?: boolean; move?: boolean; moveAll?: boolean }

/** A policy as the kernel takes it: mode number with flags OR-ed in, and a mask or NULL. */
export interface KernelPolicy { mode: number; mask: Nodemask | null }
