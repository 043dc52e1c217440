import { NO_MASK, REQ_SIZE } from "../../../assembly/abi.ts";
import { type AddressRange, errnoName, hexAddress, NumaError } from "../errors.ts";
import { explainErrno } from "../kernel/mod.ts";
import { BATCH_NAMES, type EnginePlan, type PlannedOp, readOp, type RequestNames } from "../plan/mod.ts";
import type { Nodemask } from "../policy/mod.ts";
import { opAt, opFlags, opMask, opMode } from "../records/mod.ts";
import { RequestIndex } from "./request_index.ts";

/** One failed op of a batch. */
export interface BatchFailure {
  /**
   * The request that decides the page where the op failed: for EFAULT the first page of the
   * hole, for ENOMEM the first mapping mbind did not reach, otherwise the op's first page.
   */
  index: number;
  /** Every request with a page in the failing op (one op can cover many requests), ascending. */
  requests: number[];
  /** The op's position in the plan. */
  opIndex: number;
  op: PlannedOp;
  /** The op's range: what the failed mbind was called with. */
  range: AddressRange;
  /** Where in that range it failed (see index). */
  at: bigint;
  errno: number;
  code: string;
  message: string;
}

/** A failed op before it is described: its position in the plan, errno, and where it failed. */
export interface RawFailure { op: number; errno: number; at: number }

/**
 * "3, 5-9, 12" for short lists; the first runs and a count for long ones. Not Nodemask.toList():
 * request indices run past a Nodemask's 32768 bits.
 */
function listOf(xs: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < xs.length; i++) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j]! + 1) j++;
    parts.push(j > i ? `${xs[i]}-${xs[j]}` : `${xs[i]}`);
    i = j;
  }
  return parts.length <= 6 ? parts.join(", ") : `${parts.slice(0, 5).join(", ")}, ... (${xs.length} requests)`;
}

/**
 * Turns failed ops into BatchFailures: the request at the failing address and every request
 * the op covers (read from the plan's request records, which stay in the engine until it
 * plans again), the op, its range, errno, code and an explanation. One explanation per
 * (errno, mode, mask, flags): explaining reads /proc, and a batch run with continueOnError
 * can fail thousands of times for one reason.
 * @param suffix appended to every message (what a rollback did)
 * @param explain an explanation that knows more than the errno (or undefined to use the usual one)
 * @example
 * ```ts
 * const [f] = describeFailures(plan, [{ op: 3, errno: 14, at: hole }]);
 * expect(f.code).toBe("EFAULT");
 * ```
 */
export function describeFailures(p: EnginePlan, raw: readonly RawFailure[], suffix = "",
  explain: (errno: number) => string | undefined = () => undefined): BatchFailure[] {
  if (raw.length === 0) return [];
  const u32 = p.engine.u32();
  const reqAt = p.requestsAt >>> 2, n = p.stats.requests;
  const index = new RequestIndex(u32.subarray(reqAt, reqAt + n * (REQ_SIZE >>> 2)), n, p.pageSize);
  const explained = new Map<string, string>(), masks = new Map<number, Nodemask>();
  return raw.map((f) => {
    const op = readOp(p, f.op, masks);
    const o = opAt(f.op, p.opsAt >>> 2);
    const mode = opMode(u32, o), flags = opFlags(u32, o), mi = opMask(u32, o);
    const key = `${f.errno}/${mode}/${mi}/${flags}`;
    let why = explained.get(key);
    if (why === undefined) {
      why = explain(f.errno) ?? explainErrno({ syscall: "mbind", errno: f.errno, action: "bind", mode, flags, mask: mi === NO_MASK ? null : op.policy.nodes });
      explained.set(key, why);
    }
    const lo = Number(op.addr), hi = lo + Number(op.length);
    const a = index.attribute(lo, hi, f.at);
    const at = a.index < 0 ? op.request : a.index;
    const code = errnoName(f.errno);
    const where = f.at !== lo ? ` at ${hexAddress(f.at)}` : "";
    const covers = a.requests.length > 1 ? ` (op ${f.op} covers requests ${listOf(a.requests)})` : "";
    return {
      index: at, requests: a.requests.length ? a.requests : [op.request], opIndex: f.op, op,
      range: { addr: op.addr, length: op.length }, at: BigInt(f.at), errno: f.errno, code,
      message: `Cannot ${p.names.act(at)}: mbind ${hexAddress(op.addr)}+${op.length} failed with ${code}${where}${covers}: ${why}${suffix}`,
    };
  });
}

/**
 * The NumaError for a failure of a batch.
 * @param names how the batch names its requests (bind() of one target: SINGLE_NAMES)
 * @example
 * ```ts
 * if (!r.ok) throw failureError(r.failed[0]);
 * ```
 */
export function failureError(f: BatchFailure, names: RequestNames = BATCH_NAMES): NumaError {
  return new NumaError(f.message, {
    code: f.code, errno: f.errno, syscall: "mbind", index: f.index, arg: names.field(f.index, "target"),
    range: { addr: f.op.addr, length: f.op.length },
  });
}
