import type { Backend } from "./backend.ts";
import { errnoName, NumaError } from "./errors.ts";
import { readOp, type EnginePlan, type PlannedOp, type PlanStats } from "./plan.ts";
import { NO_MASK, OP_SIZE } from "../../assembly/abi.ts";
import { explainErrno } from "./kernel_error.ts";

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
  return explainErrno({ syscall: "mbind", errno, action: "bind" });
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
  // Views again: nothing above grows the engine's memory, but a backend may have run JS.
  const mem = p.engine.u8();
  const e32 = new Int32Array(mem.buffer, mem.byteOffset + p.errnosAt, p.count);
  const o32 = new Uint32Array(mem.buffer, mem.byteOffset + p.opsAt, p.count * (OP_SIZE >>> 2));
  // One explanation per (errno, mode, mask, flags): explaining reads /proc, and a batch run
  // with continueOnError can fail thousands of times for one reason.
  const explained = new Map<string, string>();
  let applied = 0;
  for (let i = 0; i < syscalls; i++) {
    const errno = e32[i]!;
    if (errno === 0) { applied++; continue; }
    const op = readOp(p, i);
    const o = i * (OP_SIZE >>> 2);
    const mode = o32[o + 4]! | 0, flags = o32[o + 5]!;
    const key = `${errno}/${mode}/${o32[o + 6]}/${flags}`;
    let why = explained.get(key);
    if (why === undefined) {
      why = explainErrno({ syscall: "mbind", errno, action: "bind", mode, flags, mask: o32[o + 6] === NO_MASK ? null : op.policy.nodes });
      explained.set(key, why);
    }
    failed.push({
      index: op.request, op, errno, code: errnoName(errno),
      message: `Cannot bind requests[${op.request}]: mbind 0x${op.addr.toString(16)}+${op.length} failed with ${errnoName(errno)}: ${why}`,
    });
  }
  return { ok: failed.length === 0, applied, syscalls, ops: p.count, failed, rolledBack: false, stats: p.stats };
}

/** The NumaError for a failure of a batch. */
export function failureError(f: BatchFailure): NumaError {
  return new NumaError(f.message, {
    code: f.code, errno: f.errno, syscall: "mbind", index: f.index, arg: `requests[${f.index}].target`,
    range: { addr: f.op.addr, length: f.op.length },
  });
}
