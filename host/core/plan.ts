import * as abi from "../../assembly/abi.ts";
import { MAX_MASK_WORDS, type Engine } from "./engine.ts";
import { invalid, type NumaError } from "./errors.ts";
import { Nodemask } from "./nodemask.ts";
import {
  fromKernelPolicy, toKernelFlags, toKernelPolicy, type BindFlags, type KernelPolicy, type Policy,
} from "./policy.ts";
import { resolveTarget, type ResolvedTarget, type Target } from "./target.ts";

/** One range and the policy it should get. */
export interface BindRequest { target: Target; policy: Policy; flags?: BindFlags }

/** How requests become ops. */
export interface PlanOptions {
  /** Page size to align to; default: the system's base page size. */
  pageSize?: number;
  /** Overlapping requests: "error" refuses them (the only mode in this version). */
  overlap?: "last-wins" | "error";
  /** Allow { addr, length } targets. */
  unsafeRawAddress?: boolean;
}

/** One mbind the plan will issue. */
export interface PlannedOp {
  addr: bigint;
  length: bigint;
  policy: Policy & { nodes: Nodemask };
  flags: BindFlags;
  /** Index of the request that decided the op's first page. */
  request: number;
}

export interface PlanStats {
  requests: number;
  ops: number;
  /** Requests merged into a neighbour's op (requests - ops before any split). */
  coalesced: number;
  splits: number;
  /** Upper bound on mappings (VMAs) the plan can add to the process. */
  estimatedVmas: number;
}

export interface Plan { ops: PlannedOp[]; stats: PlanStats }

/** Facts about this process the planner checks requests against. */
export interface PlanFacts {
  pageSize: number;
  /** Nodes the kernel would accept: mems_allowed ∩ nodes with memory. */
  usable: Nodemask;
  addressOf: (u8: Uint8Array) => bigint;
}

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
}

/**
 * Writes requests into the engine as packed records and plans them in one engine call.
 * Throws a NumaError (EINVAL, syscall "validate") naming the request at fault.
 */
export function planInEngine(engine: Engine, requests: readonly BindRequest[], opts: PlanOptions,
  facts: PlanFacts): EnginePlan {
  if (!Array.isArray(requests)) throw new TypeError(`Cannot plan: requests must be an array, current value is ${typeof requests}`);
  const pageSize = opts.pageSize ?? facts.pageSize;
  const policies = new Map<Policy, KernelPolicy & { maskIndex: number }>();
  const masks: Nodemask[] = [];
  const n = requests.length;
  // Per request only numbers: BigInt arithmetic, a view per request and the garbage they
  // leave cost ~0.7 µs per request, 6x the engine itself (bench/bind.mjs, "batch").
  const kinds = new Uint32Array(n), flagBits = new Uint32Array(n);
  const addrs = new Float64Array(n), lens = new Float64Array(n);
  const modes = new Uint32Array(n), maskIndexes = new Uint32Array(n);
  const raw: (ResolvedTarget | undefined)[] = []; // targets kept as bigints (raw ranges)
  const isRaw = new Uint8Array(n);
  const bases = new Map<ArrayBufferLike, number>();
  let lastBuf: ArrayBufferLike | undefined, lastBase = 0;
  for (let i = 0; i < n; i++) {
    const r = requests[i];
    if (r === null || typeof r !== "object") throw new TypeError(`Cannot use requests[${i}]: a request must be { target, policy, flags? }, current value is ${String(r)}`);
    let kp = policies.get(r.policy);
    if (!kp) {
      const k = toKernelPolicy(r.policy, `requests[${i}].policy`);
      kp = { ...k, maskIndex: k.mask ? masks.push(k.mask) - 1 : abi.NO_MASK };
      policies.set(r.policy, kp);
    }
    modes[i] = kp.mode >>> 0;
    maskIndexes[i] = kp.maskIndex >>> 0;
    const t = r.target;
    let buf: ArrayBufferLike | undefined, off = 0, len = 0;
    if (ArrayBuffer.isView(t)) { buf = t.buffer; off = t.byteOffset; len = t.byteLength; }
    else if (t instanceof ArrayBuffer || (typeof SharedArrayBuffer !== "undefined" && t instanceof SharedArrayBuffer)) { buf = t; len = t.byteLength; }
    // Batches are mostly views of one buffer: remember the last one.
    const base = buf === undefined || len === 0 ? undefined : buf === lastBuf ? lastBase : bufferBase(buf, bases, facts);
    if (base !== undefined) {
      lastBuf = buf; lastBase = base;
      addrs[i] = base + off;
      lens[i] = len;
      kinds[i] = abi.KIND_BUFFER;
    } else {
      const rt = raw[i] = resolveTarget(t, `requests[${i}].target`, facts.addressOf, !!opts.unsafeRawAddress);
      kinds[i] = rt.kind;
      isRaw[i] = 1;
    }
    flagBits[i] = r.flags === undefined ? 0 : toKernelFlags(r.flags, `requests[${i}].flags`);
  }
  const words = Math.max(1, facts.usable.words64, ...masks.map((m) => m.words64));
  if (words > MAX_MASK_WORDS) throw invalid("requests", `Cannot plan: masks wider than ${MAX_MASK_WORDS * 64} bits`);

  const x = engine.x;
  const base = x.plan_input(n, masks.length, words);
  const u32 = engine.u32();
  for (let i = 0; i < n; i++) {
    const r = (base + i * abi.REQ_SIZE) >>> 2;
    if (isRaw[i] === 0) {
      // >>> 0 is the low 32 bits; what remains divides by 2^32 exactly (a < 2^53).
      const a = addrs[i]!, l = lens[i]!, alo = a >>> 0, llo = l >>> 0;
      u32[r] = alo;
      u32[r + 1] = (a - alo) / TWO32;
      u32[r + 2] = llo;
      u32[r + 3] = (l - llo) / TWO32;
    } else {
      const t = raw[i]!;
      u32[r] = Number(t.addr & 0xffffffffn);
      u32[r + 1] = Number(t.addr >> 32n);
      u32[r + 2] = Number(t.length & 0xffffffffn);
      u32[r + 3] = Number(t.length >> 32n);
    }
    u32[r + 4] = modes[i]!;
    u32[r + 5] = flagBits[i]!;
    u32[r + 6] = maskIndexes[i]!;
    u32[r + 7] = kinds[i]!;
  }
  const table = x.plan_mask_table() >>> 2;
  masks.forEach((m, j) => u32.set(m.toWords(words), table + j * words * 2));
  engine.putMask(abi.SLOT_USABLE, facts.usable.toWords(words), words);

  const code = x.plan_run(pageSize);
  if (code !== abi.OK) {
    const resolvedAt = (i: number): Resolved | undefined => (i < n ? {
      t: isRaw[i] ? raw[i]! : { addr: BigInt(addrs[i]!), length: BigInt(lens[i]!), kind: kinds[i]! }, kp: policies.get(requests[i]!.policy)!,
    } : undefined);
    throw planError(code, x.plan_err_index(), x.plan_err_other(), requests, resolvedAt, facts, pageSize);
  }
  const count = x.plan_op_count();
  return {
    engine, count, maskWords: words,
    opsAt: x.plan_ops(), masksAt: x.plan_masks(), errnosAt: x.plan_errnos(),
    stats: {
      requests: n, ops: count, coalesced: x.plan_coalesced(), splits: x.plan_splits(),
      estimatedVmas: x.plan_estimated_vmas(),
    },
  };
}

const TWO32 = 4294967296;

/**
 * A buffer's base address as a number (one FFI call per buffer per batch), or undefined when
 * the buffer reaches past 2^53 and resolveTarget must handle it with BigInt.
 */
function bufferBase(buf: ArrayBufferLike, bases: Map<ArrayBufferLike, number>, facts: PlanFacts): number | undefined {
  let b = bases.get(buf);
  if (b === undefined) {
    const big = facts.addressOf(new Uint8Array(buf));
    if (big + BigInt(buf.byteLength) > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
    bases.set(buf, b = Number(big));
  }
  return b;
}

/** Reads op `i` of an engine plan into a PlannedOp. */
export function readOp(p: EnginePlan, i: number): PlannedOp {
  const u32 = p.engine.u32();
  const o = (p.opsAt + i * abi.OP_SIZE) >>> 2;
  const mask = u32[o + 6]!;
  const nodes = mask === abi.NO_MASK ? Nodemask.EMPTY
    : Nodemask.fromWords(u32.slice((p.masksAt >>> 2) + mask * p.maskWords * 2, (p.masksAt >>> 2) + (mask + 1) * p.maskWords * 2));
  const flags = u32[o + 5]!;
  const f: BindFlags = {};
  if (flags & abi.MPOL_MF_STRICT) f.strict = true;
  if (flags & abi.MPOL_MF_MOVE) f.move = true;
  if (flags & abi.MPOL_MF_MOVE_ALL) f.moveAll = true;
  return {
    addr: BigInt(u32[o]!) | (BigInt(u32[o + 1]!) << 32n),
    length: BigInt(u32[o + 2]!) | (BigInt(u32[o + 3]!) << 32n),
    policy: fromKernelPolicy(u32[o + 4]! | 0, nodes),
    flags: f,
    request: u32[o + 7]!,
  };
}

/**
 * Plans requests into the minimum list of mbind ops, without any syscall.
 * @example
 * ```ts
 * const p = plan(requests);
 * console.log(p.stats.ops, "mbind calls for", p.stats.requests, "requests");
 * ```
 */
export function planRequests(engine: Engine, requests: readonly BindRequest[], opts: PlanOptions,
  facts: PlanFacts): Plan {
  const p = planInEngine(engine, requests, opts, facts);
  const ops: PlannedOp[] = [];
  for (let i = 0; i < p.count; i++) ops.push(readOp(p, i));
  return { ops, stats: p.stats };
}

type Resolved = { t: { addr: bigint; length: bigint; kind: number }; kp: KernelPolicy };

function planError(code: number, i: number, other: number, requests: readonly BindRequest[],
  resolvedAt: (i: number) => Resolved | undefined, facts: PlanFacts, pageSize: number): NumaError {
  const arg = `requests[${i}]`;
  const r = resolvedAt(i);
  const range = r ? { addr: r.t.addr, length: r.t.length } : undefined;
  const at = r ? `0x${r.t.addr.toString(16)}+${r.t.length}` : "";
  const extra = { index: i, ...(range ? { range } : {}) };
  switch (code) {
    case abi.E_NO_FULL_PAGE:
      return invalid(`${arg}.target`, `Cannot bind ${arg}.target: a buffer is bound only on the ${pageSize}-byte pages it fully owns, and ${at} owns none`, extra);
    case abi.E_UNALIGNED:
      return invalid(`${arg}.target`, `Cannot bind ${arg}.target: a raw range must start and end on a ${pageSize}-byte page boundary, current value is ${at}`, extra);
    case abi.E_EMPTY_RANGE:
      return invalid(`${arg}.target`, `Cannot bind ${arg}.target: the raw range is empty`, extra);
    case abi.E_WRAP:
      return invalid(`${arg}.target`, `Cannot bind ${arg}.target: addr + length wraps past the end of the address space, current value is ${at}`, extra);
    case abi.E_OVERLAP:
      return invalid(`${arg}.target`, `Cannot plan ${arg}: it overlaps requests[${other}], and this version refuses overlapping requests`, extra);
    case abi.E_NODES_UNUSABLE: {
      const nodes = r?.kp.mask?.toList() ?? "";
      return invalid(`${arg}.policy.nodes`, `Cannot bind ${arg}: none of its nodes (${nodes}) is usable here; a policy needs at least one node that is online, has memory and is in this task's Mems_allowed (usable: ${facts.usable.toList() || "none"}), current value is ${nodes}`, extra);
    }
    case abi.E_PAGE_SIZE:
      return invalid("pageSize", `Cannot plan: pageSize must be a power of two of at least 4096, current value is ${pageSize}`);
    default:
      return invalid("requests", `Cannot plan: the engine refused the batch with code ${code}${requests.length ? "" : " (no requests)"}`);
  }
}
