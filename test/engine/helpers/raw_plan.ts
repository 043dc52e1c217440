// Drives the engine at the record level (abi.ts), without the public API: tests and the
// property suite write requests, facts and options straight into engine memory.
import * as abi from "../../../assembly/abi.ts";
import { type Engine, writeControl } from "../../../host/core/engine/mod.ts";

export interface RawRequest {
  addr: number;
  len: number;
  mode: number;
  flags: number;
  /** Node ids, or null for a NULL mask. */
  nodes: number[] | null;
  buffer: boolean;
}

export interface RawSetup {
  pageSize: number;
  kernelPage?: number;
  usable: number[];
  overlapError?: boolean;
  block?: number;
  chunk?: number;
  huge?: number;
  blockMode?: number;
  weights?: number[];
  weightModes?: number;
  maxMapCount?: number;
  mapCount?: number;
  maxNumNodes?: number;
  capSysNice?: boolean;
}

export interface RawOp { addr: number; len: number; mode: number; flags: number; nodes: number[] | null; request: number }

export interface RawStats { ops: number; coalesced: number; splits: number; estimatedVmas: number; overridden: number }

export interface RawResult { code: number; index: number; other: number; rule: number; ops: RawOp[]; stats: RawStats }

/** Writes `mask` (node ids) as `words` u64 at byte offset `at`. */
export function putNodes(u32: Uint32Array, at: number, words: number, nodes: number[]): void {
  u32.fill(0, at >>> 2, (at >>> 2) + words * 2);
  for (const n of nodes) u32[(at >>> 2) + (n >>> 5)]! |= 1 << (n & 31);
}

/** Node ids of the `words`-wide mask at byte offset `at`. */
export function readNodes(u32: Uint32Array, at: number, words: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < words * 2; i++) {
    let v = u32[(at >>> 2) + i]!;
    while (v !== 0) { const b = 31 - Math.clz32(v & -v); out.push(i * 32 + b); v &= v - 1; }
  }
  return out;
}

/** Writes the control block and the usable slot for a raw plan. */
export function rawSetup(e: Engine, s: RawSetup): void {
  writeControl(e, {
    pageSize: s.pageSize, kernelPageSize: s.kernelPage ?? 4096, overlapError: s.overlapError,
    blockMode: s.blockMode ?? abi.MPOL_PREFERRED, chunk: BigInt(s.chunk ?? 0), block: BigInt(s.block ?? 0),
    huge: BigInt(s.huge ?? 0), maxMapCount: s.maxMapCount ?? 0, mapCount: s.mapCount ?? 0,
    maxNumNodes: s.maxNumNodes ?? 1024, capSysNice: s.capSysNice ?? true, mpolMax: 7, balancingModes: 0x24,
    weightModes: s.weightModes ?? 1 << abi.MPOL_WEIGHTED_INTERLEAVE,
  });
  putNodes(e.u32(), e.x.mask_slot(abi.SLOT_USABLE), abi.MASK_SLOT_BYTES / 8, s.usable);
}

/**
 * Plans raw requests in the engine and reads the result back.
 * @param shareMasks requests whose `nodes` are one array share one mask table entry, as the
 * host writes a batch (a mask per distinct policy); by default each request has its own
 */
export function rawPlan(e: Engine, reqs: readonly RawRequest[], s: RawSetup, shareMasks = false): RawResult {
  // Mask table index of each request's mask, and the masks in table order.
  const table: number[][] = [], byArray = new Map<number[], number>();
  const maskOf = reqs.map((r) => {
    if (r.nodes === null) return abi.NO_MASK;
    const known = shareMasks ? byArray.get(r.nodes) : undefined;
    if (known !== undefined) return known;
    byArray.set(r.nodes, table.length);
    return table.push(r.nodes) - 1;
  });
  const top = Math.max(0, ...s.usable, ...table.flat());
  const words = (top >>> 6) + 1;
  const weights = s.weights ?? [];
  const base = e.x.plan_input(reqs.length, table.length, words, weights.length);
  rawSetup(e, s);
  const dv = e.view(), u32 = e.u32();
  reqs.forEach((r, i) => {
    const at = base + i * abi.REQ_SIZE;
    dv.setBigUint64(at + abi.REQ_ADDR, BigInt(r.addr), true);
    dv.setBigUint64(at + abi.REQ_LEN, BigInt(r.len), true);
    dv.setInt32(at + abi.REQ_MODE, r.mode, true);
    dv.setUint32(at + abi.REQ_FLAGS, r.flags, true);
    dv.setUint32(at + abi.REQ_MASK, maskOf[i]!, true);
    dv.setUint32(at + abi.REQ_KIND, r.buffer ? abi.KIND_BUFFER : 0, true);
  });
  table.forEach((nodes, j) => putNodes(u32, e.x.plan_mask_table() + j * words * 8, words, nodes));
  u32.set(weights, e.x.plan_weight_table() >>> 2);
  const code = e.x.plan_run();
  return readResult(e, code, words);
}

/** Reads ops and stats after plan_run. */
export function readResult(e: Engine, code: number, words: number): RawResult {
  const x = e.x;
  const ops: RawOp[] = [];
  const dv = e.view(), u32 = e.u32();
  if (code === abi.OK) {
    const at = x.plan_ops(), masks = x.plan_masks();
    for (let i = 0; i < x.plan_op_count(); i++) {
      const o = at + i * abi.OP_SIZE;
      const mask = dv.getUint32(o + abi.OP_MASK, true);
      ops.push({
        addr: Number(dv.getBigUint64(o + abi.OP_ADDR, true)), len: Number(dv.getBigUint64(o + abi.OP_LEN, true)),
        mode: dv.getInt32(o + abi.OP_MODE, true), flags: dv.getUint32(o + abi.OP_FLAGS, true),
        nodes: mask === abi.NO_MASK ? null : readNodes(u32, masks + mask * words * 8, words),
        request: dv.getUint32(o + abi.OP_REQUEST, true),
      });
    }
  }
  return {
    code, index: x.plan_err_index(), other: Number(x.plan_err_other()), rule: x.plan_err_rule(), ops,
    stats: {
      ops: x.plan_op_count(), coalesced: x.plan_coalesced(), splits: x.plan_splits(),
      estimatedVmas: x.plan_estimated_vmas(), overridden: x.plan_overridden(),
    },
  };
}
