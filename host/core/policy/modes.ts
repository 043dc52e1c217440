// The one table of memory-policy modes and mode flags: every name a mode goes by and what the
// kernel says of it. Every other list in the host derives from these two tables; the engine
// keeps its own constants in assembly/ (abi.ts, wasi/names.ts, wasi/input.ts), and
// test/core/policy/modes.test.ts fails when the two disagree.
import {
  MPOL_BIND, MPOL_DEFAULT, MPOL_F_NUMA_BALANCING, MPOL_F_RELATIVE_NODES, MPOL_F_STATIC_NODES,
  MPOL_INTERLEAVE, MPOL_LOCAL, MPOL_MODE_FLAGS, MPOL_PREFERRED, MPOL_PREFERRED_MANY,
  MPOL_WEIGHTED_INTERLEAVE,
} from "../../../assembly/abi.ts";

/** A Linux release as [major, minor]. */
export type Release = readonly [number, number];

/** One row of the mode table. */
interface ModeRow {
  /** numabind's name: numactl's word for the policy. */
  readonly name: string;
  /** The MPOL_* number (include/uapi/linux/mempolicy.h). */
  readonly kernel: number;
  /** numactl option names that mean this mode and differ from `name` (--membind, --localalloc). */
  readonly numactl: readonly string[];
  /** The OCI runtime-spec linux.memoryPolicy name. */
  readonly oci: string;
  /** The first Linux release that knows it; absent for the four as old as NUMA support. */
  readonly since?: Release;
  /** How /proc/PID/numa_maps spells it (mm/mempolicy.c policy_modes[]). */
  readonly numaMaps: string;
  /** Whether its pages must lie on its nodes (default, preferred and local allow any node). */
  readonly confines: boolean;
}

const MODE_ROWS = [
  { name: "default", kernel: MPOL_DEFAULT, numactl: [], oci: "MPOL_DEFAULT", numaMaps: "default", confines: false },
  { name: "preferred", kernel: MPOL_PREFERRED, numactl: [], oci: "MPOL_PREFERRED", numaMaps: "prefer", confines: false },
  { name: "bind", kernel: MPOL_BIND, numactl: ["membind"], oci: "MPOL_BIND", numaMaps: "bind", confines: true },
  { name: "interleave", kernel: MPOL_INTERLEAVE, numactl: [], oci: "MPOL_INTERLEAVE", numaMaps: "interleave", confines: true },
  { name: "local", kernel: MPOL_LOCAL, numactl: ["localalloc"], oci: "MPOL_LOCAL", since: [3, 8], numaMaps: "local", confines: false },
  { name: "preferred-many", kernel: MPOL_PREFERRED_MANY, numactl: [], oci: "MPOL_PREFERRED_MANY", since: [5, 15], numaMaps: "prefer (many)", confines: true },
  { name: "weighted-interleave", kernel: MPOL_WEIGHTED_INTERLEAVE, numactl: [], oci: "MPOL_WEIGHTED_INTERLEAVE", since: [6, 9], numaMaps: "weighted interleave", confines: true },
] as const satisfies readonly ModeRow[];

/** Memory policy modes, named as numactl names them. */
export type Mode = (typeof MODE_ROWS)[number]["name"];

/** numactl's option names that differ from the mode names: --membind and --localalloc. */
export type NumactlMode = (typeof MODE_ROWS)[number]["numactl"][number];

/** A mode and every name it goes by. */
export interface ModeInfo extends ModeRow { readonly name: Mode }

/**
 * Every mode, in kernel-number order (MODES[n].kernel === n).
 * @example Basic usage
 * ```ts
 * expect(MODES.find((m) => m.name === "preferred-many")).toMatchObject({ kernel: 5, since: [5, 15], numaMaps: "prefer (many)" });
 * ```
 */
export const MODES: readonly ModeInfo[] = Object.freeze(MODE_ROWS.map((m) => Object.freeze({ ...m })));

/** One row of the mode-flag table. */
export interface ModeFlagInfo {
  /** The Policy field that sets it. */
  readonly name: "static" | "relative" | "balancing";
  /** The MPOL_F_* bit OR-ed into the mode. */
  readonly kernel: number;
  readonly oci: string;
  /** How numa_maps prints it after "=" (mpol_to_str). */
  readonly numaMaps: string;
}

/**
 * Every mode flag, in the order the kernel prints them in numa_maps.
 * @example Basic usage
 * ```ts
 * expect(MODE_FLAGS.map((f) => f.name)).toEqual(["static", "relative", "balancing"]);
 * ```
 */
export const MODE_FLAGS: readonly ModeFlagInfo[] = Object.freeze([
  { name: "static", kernel: MPOL_F_STATIC_NODES, oci: "MPOL_F_STATIC_NODES", numaMaps: "static" },
  { name: "relative", kernel: MPOL_F_RELATIVE_NODES, oci: "MPOL_F_RELATIVE_NODES", numaMaps: "relative" },
  { name: "balancing", kernel: MPOL_F_NUMA_BALANCING, oci: "MPOL_F_NUMA_BALANCING", numaMaps: "balancing" },
] as const);

/**
 * The first Linux release that knows each mode newer than the original four, by kernel
 * number (kernel-mempolicy.md §1). Older kernels answer EINVAL.
 * @example Basic usage
 * ```ts
 * expect(MODE_SINCE[MPOL_PREFERRED_MANY]).toEqual([5, 15]);
 * ```
 */
export const MODE_SINCE: Readonly<Record<number, Release>> = Object.freeze(Object.fromEntries(
  MODES.flatMap((m) => (m.since ? [[m.kernel, m.since]] : []))));

/**
 * The first releases that take MPOL_F_NUMA_BALANCING: with bind, from mbind and from
 * set_mempolicy (the man pages); with preferred-many as well (commit 133d04b1eee9).
 * @example Basic usage
 * ```ts
 * expect(releaseText(BALANCING_SINCE.preferredMany)).toBe("6.10");
 * ```
 */
export const BALANCING_SINCE: Readonly<{ mbind: Release; set_mempolicy: Release; preferredMany: Release }> = Object.freeze({
  mbind: [5, 15], set_mempolicy: [5, 12], preferredMany: [6, 10],
});

/**
 * A release as the kernel names it: "5.15".
 * @example Basic usage
 * ```ts
 * expect(releaseText([6, 9])).toBe("6.9");
 * ```
 */
export function releaseText(r: Release): string {
  return `${r[0]}.${r[1]}`;
}

/**
 * The mode a name stands for: numabind's name, numactl's option name, or the OCI name.
 * @returns the mode, or undefined for any other name
 * @example Basic usage
 * ```ts
 * expect(modeNamed("membind")?.name).toBe("bind");
 * expect(modeNamed("MPOL_LOCAL")?.name).toBe("local");
 * ```
 */
export function modeNamed(name: unknown): ModeInfo | undefined {
  return typeof name === "string" ? BY_NAME.get(name) : undefined;
}

/** Every name of every mode: policies resolve one lookup each (a fresh literal per request). */
const BY_NAME: ReadonlyMap<string, ModeInfo> = new Map(MODES.flatMap((m) =>
  [m.name, m.oci, ...m.numactl].map((n): [string, ModeInfo] => [n, m])));

/**
 * The mode of a kernel mode word, mode flags ignored.
 * @returns the mode, or undefined for a number newer than this table
 * @example Basic usage
 * ```ts
 * expect(modeOfKernel(0x8002)?.name).toBe("bind");
 * ```
 */
export function modeOfKernel(mode: number): ModeInfo | undefined {
  return MODES[mode & ~MPOL_MODE_FLAGS];
}
