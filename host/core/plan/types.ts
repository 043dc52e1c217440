// The shapes of planning: what a request is, what a plan holds, and what the planner is told
// about the process. Types only, so that the record writers and the planner share them
// without importing each other.
import type { Engine } from "../engine/mod.ts";
import type { KernelFacts } from "../facts/mod.ts";
import type { BindFlags, Mode, Nodemask, Policy, PolicyInput } from "../policy/mod.ts";
import type { Target } from "../targets/mod.ts";

/** One range and the policy it should get. */
export interface BindRequest {
  target: Target;
  policy: PolicyInput;
  flags?: BindFlags;
  /**
   * The node the range's pages come from first (set_mempolicy_home_node, Linux 5.17+), for a
   * policy of mode bind or preferred-many; set after the batch's mbind calls.
   */
  homeNode?: number;
}

/** One mbind the plan will issue. */
export interface PlannedOp {
  addr: bigint;
  length: bigint;
  policy: Policy & { mode: Mode; nodes: Nodemask };
  flags: BindFlags;
  /** Index of the request that decided the op's first page. */
  request: number;
  /** The home node its request names (BindRequest.homeNode), if any. */
  homeNode?: number;
}

export interface PlanStats {
  requests: number;
  ops: number;
  /** Visible request pieces merged into a neighbour's op (pieces - equal-policy runs). */
  coalesced: number;
  /** Extra ops made by interleaveBlock and chunkBytes (ops - equal-policy runs). */
  splits: number;
  /** Upper bound on the mappings (VMAs) the plan adds to the process. */
  estimatedVmas: number;
  /** Requests no page of which survives later overlapping requests (last-wins). */
  overridden: number;
}

export interface Plan { ops: PlannedOp[]; stats: PlanStats }

/** Facts about this process the planner checks requests against. */
export interface PlanFacts {
  /** The kernel's base page size. */
  pageSize: number;
  /** Nodes the kernel would accept: mems_allowed ∩ nodes with memory. */
  usable: Nodemask;
  addressOf: (u8: Uint8Array) => bigint;
  /** A buffer's base as a number, undefined past 2^53 (default: from addressOf, per plan). */
  bufferBase?: (buf: ArrayBufferLike) => number | undefined;
  /** Nodestrings are read against these (default: read from the process). */
  configured?: Nodemask;
  allowed?: Nodemask;
  /** Kernel facts for the rules and the VMA budget (default: this kernel's generation, no budget). */
  kernel?: KernelFacts;
  /** Whether free() has released this buffer (its range then holds no memory of the caller's). */
  isFreed?: (buf: ArrayBufferLike) => boolean;
  /** Nodes online now (a home node must be one; default: not checked here). */
  online?: Nodemask;
  /** Whether this buffer is a slab the runtime shares between small buffers (System.sharedPool). */
  isSharedPool?: (buf: ArrayBufferLike) => boolean;
}

/** Told each distinct buffer a batch binds pages of, with its base address (lifetime/). */
export type BufferSink = (buf: ArrayBufferLike, base: number) => void;

/** A plan living in the engine's memory, ready for the native batch call. */
export interface EnginePlan {
  engine: Engine;
  count: number;
  maskWords: number;
  stats: PlanStats;
  /** Byte offsets of the op records, the op mask table and the errno slots. */
  opsAt: number;
  masksAt: number;
  errnosAt: number;
  /** Byte offset of the request records (abi.ts REQ_*), valid until the engine plans again. */
  requestsAt: number;
  /** The alignment granule buffers were shrunk to (PlanOptions.pageSize). */
  pageSize: number;
  /** How errors about this plan's requests name them. */
  names: RequestNames;
  /** How many requests name a home node (their records carry it: abi.ts REQ_HOME_SHIFT). */
  homes: number;
}

/** What writing request records reports besides the records: buffers seen, home nodes named. */
export interface RecordSink { onBuffer?: BufferSink; homes: number }

/** What planning needs of a context: its engine and the facts requests are checked against. */
export interface PlanContext {
  readonly engine: Engine;
  facts(): PlanFacts;
}

/**
 * How errors name request i: "Cannot bind requests[3]: ..." and "requests[3].policy" for a
 * batch; "Cannot bind: ..." and "policy" for bind() of one target; the caller's own argument
 * for a policy checked alone (alloc(), setThreadPolicy()).
 */
export interface RequestNames {
  /** What failed, after "Cannot ": "bind requests[3]", "bind". */
  act(i: number): string;
  /** A field of request i: "requests[3].target", "target". */
  field(i: number, name: "target" | "policy" | "flags" | "homeNode"): string;
}

/** Requests named by their place in the batch. */
export const BATCH_NAMES: RequestNames = Object.freeze({
  act: (i: number) => `bind requests[${i}]`,
  field: (i: number, name: string) => `requests[${i}].${name}`,
});

/** The one request of bind(target, policy, flags), named by those arguments. */
export const SINGLE_NAMES: RequestNames = Object.freeze({
  act: () => "bind",
  field: (_: number, name: string) => name,
});

