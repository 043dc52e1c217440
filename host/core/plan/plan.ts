import * as abi from "../../../assembly/abi.ts";
import { type Engine, writeControl } from "../engine/mod.ts";
import { invalid } from "../errors.ts";
import { DEFAULT_KERNEL_FACTS } from "../facts/mod.ts";
import {
  type BindFlags, fromKernelPolicy, type KernelPolicy, type NodeContext, Nodemask,
} from "../policy/mod.ts";
import {
  getBigU64, MAX_MASK_WORDS, opAt, opBigAddr, opBigLen, opFlags, opMask, opMode, opRequest,
} from "../records/mod.ts";
import { engineOptions, type PlanOptions } from "./options.ts";
import { planError } from "./plan_errors.ts";
import { PolicySlots } from "./policy_slots.ts";
import { isRangeBatch, type RangeBatch, rangeCount, writeRangeRecords } from "./range_batch.ts";
import { writeRequestRecords } from "./request_records.ts";
import {
  BATCH_NAMES, type BindRequest, type EnginePlan, type Plan, type PlanFacts, type PlannedOp, type PlanStats,
  type BufferSink, type RecordSink, type RequestNames,
} from "./types.ts";
import { settleBudget, vmaBudget } from "./vma_budget.ts";

/**
 * Writes requests into the engine as packed records and plans them in one engine call.
 * Throws a NumaError (EINVAL or EPERM, syscall "validate") naming the request at fault.
 * @example
 * ```ts
 * const p = planInEngine(ctx.engine, requests, { interleaveBlock: 2 << 20 }, ctx.facts());
 * backend.mbindBatch(engine.u8().subarray(p.opsAt, p.opsAt + p.count * OP_SIZE), p.count, ...);
 * ```
 */
export function planInEngine(engine: Engine, requests: readonly BindRequest[] | RangeBatch, opts: PlanOptions,
  facts: PlanFacts, names: RequestNames = BATCH_NAMES, onBuffer?: BufferSink): EnginePlan {
  const columns = isRangeBatch(requests) ? requests : undefined;
  if (!columns && !Array.isArray(requests)) {
    throw new TypeError(`Cannot plan: requests must be an array of { target, policy, flags? } or a RangeBatch { target, offsets, lengths, policies, policyIndex }, current value is ${requests === null ? "null" : typeof requests}`);
  }
  engine.refuseWhileApplying("plan");
  const eo = engineOptions(opts, facts.pageSize);
  const ctx: NodeContext | undefined = facts.configured && facts.allowed
    ? { configured: facts.configured, allowed: facts.allowed } : undefined;
  const n = columns ? rangeCount(columns) : (requests as readonly BindRequest[]).length;
  const x = engine.x;
  // One pass writes the records; the mask and weight tables, whose sizes are known only
  // afterwards, go behind them (plan_tables).
  const base = x.plan_input(n, 0, 1, 0);
  if (base === 0 && n > 0) throw tooBig(n);
  const slots = new PolicySlots(ctx);
  const sink: RecordSink = { onBuffer, homes: 0 };
  const slotOfRequest = columns
    ? writeRangeRecords(engine.u32(), base >>> 2, columns, slots, facts, onBuffer)
    : writeRequestRecords(engine.u32(), base >>> 2, requests as readonly BindRequest[], slots, facts, !!opts.unsafeRawAddress, names, sink);
  const masks = slots.masks;
  let words = Math.max(1, facts.usable.words64);
  for (const m of masks) if (m.words64 > words) words = m.words64;
  if (words > MAX_MASK_WORDS) throw invalid("requests", `Cannot plan: masks wider than ${MAX_MASK_WORDS * 64} bits`);
  const k = facts.kernel;
  // Without explicit weights only weighted-interleave blocks follow a table (the kernel's, from
  // sysfs), so other batches do not read it.
  const weights = eo.block === 0n ? [] : eo.weights ?? (slots.weighted ? k?.interleaveWeights() : undefined) ?? [];
  if (x.plan_tables(masks.length, words, weights.length) === 0) throw tooBig(n);
  const u32 = engine.u32(); // plan_tables may have grown the memory
  const table = x.plan_mask_table() >>> 2;
  masks.forEach((m, j) => u32.set(m.toWords(words), table + j * words * 2));
  u32.set(weights, x.plan_weight_table() >>> 2);
  engine.putMaskOnce(abi.SLOT_USABLE, facts.usable, MAX_MASK_WORDS);
  const kf = k ?? DEFAULT_KERNEL_FACTS;
  const vb = vmaBudget(eo, k);
  writeControl(engine, {
    pageSize: eo.pageSize, kernelPageSize: facts.pageSize, overlapError: eo.overlapError,
    blockMode: eo.blockMode, chunk: eo.chunk, block: eo.block,
    huge: eo.hugePageAlign ? BigInt(kf.hugePageSize) : 0n,
    maxMapCount: vb.budget, mapCount: vb.mapCount,
    maxNumNodes: kf.maxNumNodes, capSysNice: kf.capSysNice, mpolMax: kf.mpolMax,
    balancingModes: kf.balancingModes, weightModes: eo.weightModes,
  });

  const code = settleBudget(engine, x.plan_run(), vb, k);
  const stats: PlanStats = {
    requests: n, ops: x.plan_op_count(), coalesced: x.plan_coalesced(), splits: x.plan_splits(),
    estimatedVmas: x.plan_estimated_vmas(), overridden: x.plan_overridden(),
  };
  if (code !== abi.OK) {
    throw planError(code, {
      index: x.plan_err_index(), other: x.plan_err_other(), rule: x.plan_err_rule(), requests: n,
      requestAt: (i: number) => (i < n ? requestRecord(engine, base, i, slots.kernel(slotOfRequest(i))) : undefined),
      usable: facts.usable, opts: eo, stats, kernel: kf, kernelPage: facts.pageSize,
      mapCount: vb.mapCount, maxMapCount: vb.maxMapCount, mapReserve: vb.reserve, names,
    });
  }
  return {
    engine, count: stats.ops, maskWords: words, stats,
    opsAt: x.plan_ops(), masksAt: x.plan_masks(), errnosAt: x.plan_errnos(),
    requestsAt: base, pageSize: eo.pageSize, names, homes: sink.homes,
  };
}

/**
 * The home node of each op of a plan (its request's, from the record's flags word), or -1.
 * Ops never mix home nodes: the engine keeps requests with different ones apart.
 * @example
 * ```ts
 * expect(opHomeNodes(planInEngine(engine, [{ target, policy, homeNode: 0 }], {}, facts))[0]).toBe(0);
 * ```
 */
export function opHomeNodes(p: EnginePlan): Int32Array {
  const u32 = p.engine.u32(), out = new Int32Array(p.count);
  for (let k = 0; k < p.count; k++) {
    const r = opRequest(u32, opAt(k, p.opsAt >>> 2));
    out[k] = (u32[((p.requestsAt + r * abi.REQ_SIZE + abi.REQ_FLAGS) >>> 2)]! >>> abi.REQ_HOME_SHIFT) - 1;
  }
  return out;
}

/** The error for a batch whose records or tables do not fit in the engine's memory. */
function tooBig(n: number): RangeError {
  return new RangeError(`Cannot plan ${n} requests at once: the engine's 4 GiB memory cannot hold them; split the batch`);
}

/** Request i's range and flags as its record holds them (for error messages only). */
function requestRecord(engine: Engine, base: number, i: number, kp: KernelPolicy) {
  const u32 = engine.u32(), at = (base + i * abi.REQ_SIZE) >>> 2;
  return { t: { addr: getBigU64(u32, at), length: getBigU64(u32, at + 2) }, kp, flags: u32[at + 5]! };
}

/**
 * Reads op `i` of an engine plan into a PlannedOp.
 * @param masks Nodemasks already read, by mask index: ops of a plan share a few masks, and
 * Nodemasks are immutable, so readers of many ops pass one Map to build each mask once
 * @example
 * ```ts
 * expect(readOp(planInEngine(engine, [req], opts, facts), 0).request).toBe(0);
 * ```
 */
export function readOp(p: EnginePlan, i: number, masks?: Map<number, Nodemask>): PlannedOp {
  const u32 = p.engine.u32();
  return readOpAt(u32, opAt(i, p.opsAt >>> 2), u32, p.masksAt >>> 2, p.maskWords, masks);
}

/** Reads the op record at u32 index `o` of `ops32`, its mask from a table at `masksAt32` of `masks32`. */
function readOpAt(ops32: Uint32Array, o: number, masks32: Uint32Array, masksAt32: number, maskWords: number,
  masks?: Map<number, Nodemask>): PlannedOp {
  const u32 = ops32;
  const mask = opMask(u32, o);
  let nodes = mask === abi.NO_MASK ? Nodemask.EMPTY : masks?.get(mask);
  if (nodes === undefined) {
    const at = masksAt32 + mask * maskWords * 2;
    nodes = Nodemask.fromWords(masks32.slice(at, at + maskWords * 2));
    masks?.set(mask, nodes);
  }
  const flags = opFlags(u32, o);
  const f: BindFlags = {};
  if (flags & abi.MPOL_MF_STRICT) f.strict = true;
  if (flags & abi.MPOL_MF_MOVE) f.move = true;
  if (flags & abi.MPOL_MF_MOVE_ALL) f.moveAll = true;
  return {
    addr: opBigAddr(u32, o),
    length: opBigLen(u32, o),
    policy: fromKernelPolicy(opMode(u32, o), nodes),
    flags: f,
    request: opRequest(u32, o),
  };
}

/**
 * Plans requests into the minimum list of mbind ops, without any syscall. The result is
 * compact until its ops are read: the op records and masks are copied out of the engine
 * (32 bytes an op), and `ops` becomes an array of PlannedOp objects on first access (then
 * kept). Building 10^5 PlannedOps with BigInt fields costs more than planning them.
 * @example
 * ```ts
 * const p = plan(requests);
 * console.log(p.stats.ops, "mbind calls for", p.stats.requests, "requests");
 * ```
 */
export function planRequests(engine: Engine, requests: readonly BindRequest[] | RangeBatch, opts: PlanOptions,
  facts: PlanFacts): Plan {
  const p = planInEngine(engine, requests, opts, facts);
  const u32 = p.engine.u32(), at = p.opsAt >>> 2, n = p.count, words = p.maskWords;
  const ops32 = u32.slice(at, at + n * abi.OP_SIZE / 4);
  const homes = p.homes > 0 ? opHomeNodes(p) : undefined;
  const masks32 = u32.slice(p.masksAt >>> 2, (p.masksAt >>> 2) + Math.max(1, p.engine.x.plan_mask_count()) * words * 2);
  const plan = {} as Plan;
  const settle = (ops: PlannedOp[]) => {
    Object.defineProperty(plan, "ops", { value: ops, enumerable: true, writable: true, configurable: true });
    return ops;
  };
  Object.defineProperty(plan, "ops", {
    enumerable: true, configurable: true,
    get() {
      const ops: PlannedOp[] = [], masks = new Map<number, Nodemask>();
      for (let i = 0; i < n; i++) {
        const op = readOpAt(ops32, opAt(i), masks32, 0, words, masks);
        if (homes && homes[i]! >= 0) op.homeNode = homes[i]!;
        ops.push(op);
      }
      return settle(ops);
    },
    set: settle,
  });
  plan.stats = p.stats;
  return plan;
}
