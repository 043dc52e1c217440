import type { Backend } from "./backend.ts";
import { errnoName, NumaError } from "./errors.ts";
import { readOp, type EnginePlan, type PlannedOp, type PlanStats } from "./plan.ts";
import { OP_SIZE } from "../../assembly/abi.ts";

/** Options for bindBatch beyond planning. */
export interface BatchOptions {
  /** Apply the remaining ops after a failure instead of stopping. */
  continueOnError?: boolean;
}

/** One failed op of a batch. */
export interface BatchFailure {
  /** The request whose range the failing op starts in. */
  index: number;
  op: PlannedOp;
  errno: number;
  code: string;
  message: string;
}

/** What a batch did. */
export interface BatchResult {
  ok: boolean;
  /** Ops the kernel accepted. */
  applied: number;
  /** mbind syscalls issued. */
  syscalls: number;
  /** Ops in the plan. */
  ops: number;
  failed: BatchFailure[];
  rolledBack: boolean;
  /** The plan's statistics. */
  stats: PlanStats;
}

/**
 * Explains a kernel errno from mbind in words a user can act on.
 * @example
 * ```ts
 * expect(explainMbind(14)).toMatch(/not mapped/);
 * ```
 */
export function explainMbind(errno: number): string {
  switch (errno) {
    case 1: return "not permitted: moving pages of other processes needs CAP_SYS_NICE, and container seccomp profiles deny mbind without it";
    case 5: return "strict: some pages already sit on a node outside the policy and were not moved";
    case 12: return "out of memory for new mappings: the process may be at vm.max_map_count";
    case 14: return "part of the range is not mapped";
    case 22: return "the kernel refused the policy or range";
    case 38: return "mbind is not available in this kernel";
    default: return "the kernel refused the call";
  }
}

/** Sends a planned batch to the kernel through the backend's batch hook. */
export function applyPlan(backend: Backend, p: EnginePlan, continueOnError: boolean): BatchResult {
  const failed: BatchFailure[] = [];
  if (p.count === 0) return { ok: true, applied: 0, syscalls: 0, ops: 0, failed, rolledBack: false, stats: p.stats };
  if (!backend.mbindBatch) {
    throw new NumaError(`Cannot bind: the ${backend.name} backend has no mbind`, { code: "ENOSYS", syscall: "mbind" });
  }
  const u8 = p.engine.u8();
  const ops = u8.subarray(p.opsAt, p.opsAt + p.count * OP_SIZE);
  const masks = u8.subarray(p.masksAt, p.masksAt + Math.max(1, p.engine.x.plan_mask_count()) * p.maskWords * 8);
  const errnos = u8.subarray(p.errnosAt, p.errnosAt + p.count * 4);
  const syscalls = backend.mbindBatch(ops, p.count, masks, p.maskWords, errnos, continueOnError);
  const e32 = new Int32Array(errnos.buffer, errnos.byteOffset, p.count);
  let applied = 0;
  for (let i = 0; i < syscalls; i++) {
    const errno = e32[i]!;
    if (errno === 0) { applied++; continue; }
    const op = readOp(p, i);
    failed.push({
      index: op.request, op, errno, code: errnoName(errno),
      message: `mbind of 0x${op.addr.toString(16)}+${op.length} (requests[${op.request}]) failed with ${errnoName(errno)}: ${explainMbind(errno)}`,
    });
  }
  return { ok: failed.length === 0, applied, syscalls, ops: p.count, failed, rolledBack: false, stats: p.stats };
}

/** The NumaError for the first failure of a batch. */
export function failureError(f: BatchFailure): NumaError {
  return new NumaError(f.message, {
    code: f.code, errno: f.errno, syscall: "mbind", index: f.index,
    range: { addr: f.op.addr, length: f.op.length },
  });
}
