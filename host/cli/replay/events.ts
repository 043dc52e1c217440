// What the parsers produce and the applier consumes: one record per memory-policy syscall,
// whatever the log's format. Kernel numbers stay numbers (mode words, flags); nodes are a
// sorted list when the log says which, or null when it only has the nodemask's address.

/** The log formats `numabind replay` reads. */
export type TraceFormat = "tracee" | "tracee-v1" | "strace";

/**
 * The five syscalls replayed; events of other syscalls are skipped.
 * @example Basic usage
 * ```ts
 * expect(REPLAYED_CALLS).toContain("mbind");
 * ```
 */
export const REPLAYED_CALLS = ["mbind", "set_mempolicy", "get_mempolicy", "move_pages", "migrate_pages"] as const;
export type ReplayedCall = (typeof REPLAYED_CALLS)[number];
export type MappingCall = (typeof MAPPING_CALLS)[number];

/**
 * A nodemask argument as the log gives it: the nodes the kernel read (bits below maxnode - 1),
 * or, when the log has only a pointer, null nodes and a key made of the pointer and maxnode,
 * so that two such masks count as equal only when both agree.
 */
export interface MaskArg {
  nodes: number[] | null;
  /** For unknown nodes: what identifies the mask ("ptr 0x7ffd...; maxnode 1025"). */
  key?: string;
}

/** Where an event comes from: its line, and the process and thread that made the call. */
export interface EventSource {
  line: number;
  /** The pid in the process's own pid namespace (Tracee's processId; strace's view). */
  pid: number;
  tid: number;
  /** Tracee's pid on the host, which tells apart processes of two containers with one pid. */
  hostPid?: number;
}

/** How the call ended: the return value, or the errno name of a failure. */
export interface CallResult {
  /** The return value on success (migrate_pages: pages not moved); -1 on failure. */
  result: bigint;
  /** The errno name when the call failed ("EINVAL"). */
  error?: string;
}

export interface MbindEvent extends EventSource, CallResult {
  call: "mbind";
  addr: bigint;
  len: bigint;
  /** The mode word: MPOL_* | MPOL_F_* mode flags. */
  mode: number;
  mask: MaskArg;
  /** MPOL_MF_* flags. */
  flags: number;
  /** numabind's own events: the index of the batch request that decided the op. */
  request?: number;
}

export interface SetMempolicyEvent extends EventSource, CallResult {
  call: "set_mempolicy";
  mode: number;
  mask: MaskArg;
}

export interface GetMempolicyEvent extends EventSource, CallResult { call: "get_mempolicy" }

export interface MovePagesEvent extends EventSource, CallResult {
  call: "move_pages";
  /** The pid argument: 0 is the caller itself. */
  target: number;
  count: bigint;
  /** The distinct target nodes; null when unknown; "query" when nodes is NULL (only status). */
  nodes: number[] | null | "query";
  /** The log shows only the first elements of the nodes array (strace's abbreviation). */
  truncated?: boolean;
  flags: number;
}

export interface MigratePagesEvent extends EventSource, CallResult {
  call: "migrate_pages";
  target: number;
  from: MaskArg;
  to: MaskArg;
}

/**
 * A successful munmap, or an mmap's new mapping (when the log has them): the range loses any
 * policy, as a fresh or removed mapping has none. Not counted among the calls.
 */
export interface MappingEvent extends EventSource, CallResult {
  call: "munmap" | "mmap";
  addr: bigint;
  len: bigint;
}

/**
 * The syscalls whose success resets a range's policy, when a log has them.
 * @example Basic usage
 * ```ts
 * expect(MAPPING_CALLS).toEqual(["munmap", "mmap"]);
 * ```
 */
export const MAPPING_CALLS = ["munmap", "mmap"] as const;

/** One replayed syscall. */
export type ReplayEvent = MbindEvent | SetMempolicyEvent | GetMempolicyEvent | MovePagesEvent | MigratePagesEvent | MappingEvent;

/** Something the replay noticed but could still go on with, tied to a line. */
export interface ReplayWarning { line: number; message: string }

/**
 * A log line no parser can read: replay stops with exit code 2 and this one line.
 * @example Basic usage
 * ```ts
 * const e = new TraceFormatError(3, "not a JSON object");
 * expect(e.message).toBe("line 3: not a JSON object");
 * ```
 */
export class TraceFormatError extends Error {
  override name = "TraceFormatError";
  constructor(readonly line: number, what: string) { super(`line ${line}: ${what}`); }
}
