import { MPOL_MF_MOVE, MPOL_MF_MOVE_ALL, MPOL_MF_STRICT, MPOL_MODE_FLAGS } from "../../../assembly/abi.ts";
import { MODE_FLAGS, MODES, Nodemask } from "../policy/mod.ts";

/** One argument, as Tracee writes it: its name, its Go type, its value. */
export interface TraceArg {
  name: string;
  type: "trace.Pointer" | "uint64" | "int32" | "uint32";
  /** Pointers and 64-bit values are bigints: they pass 2^53 (traceLine prints them exactly). */
  value: bigint | number;
}

/** What numabind knows and Tracee cannot capture: the decoded mode, flags and mask contents. */
export interface NumabindDetail {
  /** The mode, numactl's name for it; absent for calls without one (move_pages, getcpu). */
  mode?: string;
  /** Mode flags: "static", "relative", "balancing". */
  modeFlags?: string[];
  /** The nodemask's nodes as a list ("0-1,3"), where the call has one. */
  nodes?: string;
  /** For migrate_pages, the nodes moved to. */
  toNodes?: string;
  /** mbind flags: "strict", "move", "moveAll". */
  flags?: string[];
  /** For mbind from a batch: the index of the request that decided the op's first page. */
  request?: number;
}

/**
 * One syscall as a Tracee legacy event (`trace.Event`, the JSON of Tracee up to v0.24: the
 * keys Tracee writes that numabind knows, in Tracee's order), plus `numabind`.
 */
export interface TraceEvent {
  timestamp: bigint;
  processId: number;
  threadId: number;
  hostProcessId: number;
  hostThreadId: number;
  processName: string;
  /** Tracee's event id, a string: the syscall number on x86_64 and arm64 (Tracee's own ids for those). */
  eventId: string;
  eventName: string;
  argsNum: number;
  /** 0 or a count on success; -errno on failure, as Tracee records it. */
  returnValue: number;
  syscall: string;
  args: TraceArg[];
  numabind: NumabindDetail;
}

/** Receives each event after its syscall returns. */
export type TraceSink = (event: TraceEvent) => void;

/** Tracee's ids for the syscalls numabind issues: x86_64 and arm64 syscall numbers. */
export const TRACEE_IDS: Record<string, { x86_64: number; aarch64: number }> = {
  mbind: { x86_64: 237, aarch64: 235 },
  set_mempolicy: { x86_64: 238, aarch64: 237 },
  get_mempolicy: { x86_64: 239, aarch64: 236 },
  migrate_pages: { x86_64: 256, aarch64: 238 },
  move_pages: { x86_64: 279, aarch64: 239 },
  set_mempolicy_home_node: { x86_64: 450, aarch64: 450 },
  sched_setaffinity: { x86_64: 203, aarch64: 122 },
  sched_getaffinity: { x86_64: 204, aarch64: 123 },
  getcpu: { x86_64: 309, aarch64: 168 },
};

/**
 * A mode word (mode | mode flags) decoded, numactl's names.
 * @example Basic usage
 * ```ts
 * expect(decodeMode(2 | (1 << 15))).toEqual({ mode: "bind", modeFlags: ["static"] });
 * ```
 */
export function decodeMode(word: number): { mode: string; modeFlags: string[] } {
  const base = word & ~MPOL_MODE_FLAGS;
  return {
    mode: MODES.find((m) => m.kernel === base)?.name ?? `[${base}]`,
    modeFlags: MODE_FLAGS.filter((f) => (word & f.kernel) !== 0).map((f) => f.name),
  };
}

/**
 * mbind flags decoded, as BindFlags names them.
 * @example Basic usage
 * ```ts
 * expect(decodeBindFlags(3)).toEqual(["strict", "move"]);
 * ```
 */
export function decodeBindFlags(flags: number): string[] {
  return [[MPOL_MF_STRICT, "strict"], [MPOL_MF_MOVE, "move"], [MPOL_MF_MOVE_ALL, "moveAll"]]
    .filter(([bit]) => (flags & (bit as number)) !== 0).map(([, name]) => name as string);
}

/**
 * A nodemask in memory (u64 words) as a node list.
 * @example Basic usage
 * ```ts
 * expect(maskList(new Uint8Array([0b1011, 0, 0, 0, 0, 0, 0, 0]))).toBe("0-1,3");
 * ```
 */
export function maskList(mask: Uint8Array): string {
  const copy = new Uint32Array(Math.ceil(mask.byteLength / 4));
  new Uint8Array(copy.buffer).set(mask);
  return Nodemask.fromWords(copy).toList();
}

/**
 * An event as one JSON line, exactly: bigints (timestamps, pointers, 64-bit values) print as
 * JSON integers, as Tracee prints them, not as strings.
 * @example Basic usage
 * ```ts
 * const line = traceLine(event);
 * expect(JSON.parse(line).eventName).toBe("mbind");
 * ```
 */
export function traceLine(event: TraceEvent): string {
  const big: string[] = [];
  const text = JSON.stringify(event, (_k, v: unknown) => {
    if (typeof v !== "bigint") return v;
    big.push(v.toString());
    return `\u0000${big.length - 1}\u0000`;
  });
  // JSON.stringify escapes U+0000 as \u0000, so the markers cannot come from a string value.
  return text.replace(/"\\u0000(\d+)\\u0000"/g, (_m, i: string) => big[Number(i)]!);
}
