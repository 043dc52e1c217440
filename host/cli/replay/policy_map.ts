// A process's address ranges and their policies, kept by numabind's own planner. Each mbind
// is planned as a batch: the map's segments that touch the call, then the call itself, last so
// that it wins where it overlaps (the engine's last-wins painting); the engine's ops, which
// coalesce touching pieces of one policy, become the new segments.
//
// The engine is driven through its request records (numabind/engine) with facts of its own,
// not this machine's: a trace comes from another machine, whose nodes this one may not have.
// The real policies never enter the engine. Each batch uses three placeholder policies that
// any kernel accepts (bind, interleave and preferred on node 0): the call's policy is the
// first, and the other segments alternate between the second and the third, so touching
// pieces of different policies never coalesce (touching segments always differ, or they
// would be one). Every op names the request that decided its first page, which gives back
// the real policy. Default is the engine's own default: its ops are dropped from the map.
import { abi, Engine, writeControl } from "../../engine.ts";

/** One range of the map, [start, end), with a policy id of the replay's policy table. */
export interface Segment { start: bigint; end: bigint; policy: number }

/**
 * The policy id of MPOL_DEFAULT: applying it removes ranges from the map.
 * @example Basic usage
 * ```ts
 * const m = new PolicyMap(new ReplayEngine(4096));
 * m.apply(0x1000n, 0x3000n, 0);
 * m.apply(0x1000n, 0x2000n, DEFAULT_POLICY);
 * expect(m.segments).toEqual([{ start: 0x2000n, end: 0x3000n, policy: 0 }]);
 * ```
 */
export const DEFAULT_POLICY = -1;

/** What one call did to the map. */
export interface ApplyOutcome {
  /** Whether any range's policy changed. */
  changed: boolean;
  /** Segments of another policy that the call cut inside (not at their edges). */
  cut: Segment[];
  /** Mappings the call added around it: bound ranges plus the unbound gaps between them. */
  mappingsAdded: number;
}

const PLACEHOLDER_MODES = [abi.MPOL_BIND, abi.MPOL_INTERLEAVE, abi.MPOL_PREFERRED] as const;

/**
 * The planner set up for replay: a page size of the traced machine, no VMA budget, every
 * mode and flag allowed, and node 0 usable (the placeholders' node).
 * @example Basic usage
 * ```ts
 * const e = new ReplayEngine(4096);
 * const ops = e.plan([{ start: 0x1000n, end: 0x5000n, policy: 0 }, { start: 0x2000n, end: 0x3000n, policy: 1 }], 1);
 * expect(ops.map((o) => o.request)).toEqual([0, 1, 0]);
 * ```
 */
export class ReplayEngine {
  readonly #e: Engine;

  /** @param pageSize the traced machine's page size: a power of two, at least 4096 */
  constructor(pageSize: number) {
    this.#e = new Engine();
    writeControl(this.#e, {
      pageSize, kernelPageSize: pageSize, maxNumNodes: abi.MASK_MAX_BITS, capSysNice: true, mpolMax: abi.MPOL_MAX,
      balancingModes: (1 << abi.MPOL_BIND) | (1 << abi.MPOL_PREFERRED_MANY), maxMapCount: 0, mapCount: 0,
    });
    this.#e.putMask(abi.SLOT_USABLE, Uint32Array.of(1, 0), abi.MASK_SLOT_BYTES / 8);
  }

  /**
   * Plans ranges (page aligned, later ones winning) and returns the ops: their ranges and the
   * index of the range that decided each. `first` is the policy id that gets the first
   * placeholder; the others alternate between the second and the third in range order.
   * @returns the ops in address order, default ones included
   */
  plan(ranges: readonly Segment[], first: number): { start: bigint; end: bigint; request: number; isDefault: boolean }[] {
    const x = this.#e.x, n = ranges.length;
    const base = x.plan_input(n, 1, 1, 0);
    if (base === 0 && n > 0) throw new RangeError(`Cannot replay: ${n} ranges at once do not fit in the engine's memory`);
    let dv = this.#e.view(), other = 0;
    for (let i = 0; i < n; i++) {
      const r = ranges[i]!, at = base + i * abi.REQ_SIZE;
      const isDefault = r.policy === DEFAULT_POLICY;
      const slot = r.policy === first ? 0 : 1 + (other++ & 1);
      dv.setBigUint64(at + abi.REQ_ADDR, r.start, true);
      dv.setBigUint64(at + abi.REQ_LEN, r.end - r.start, true);
      dv.setInt32(at + abi.REQ_MODE, isDefault ? abi.MPOL_DEFAULT : PLACEHOLDER_MODES[slot]!, true);
      dv.setUint32(at + abi.REQ_FLAGS, 0, true);
      dv.setUint32(at + abi.REQ_MASK, isDefault ? abi.NO_MASK : 0, true);
      dv.setUint32(at + abi.REQ_KIND, 0, true); // raw ranges, already page aligned
    }
    dv.setBigUint64(x.plan_mask_table(), 1n, true); // the placeholders' mask: node 0
    const code = x.plan_run();
    if (code !== abi.OK) {
      throw new Error(`Cannot replay: the engine refused ranges it should accept (code ${code}, range ${x.plan_err_index()}, rule ${x.plan_err_rule()}); please report this with the log`);
    }
    dv = this.#e.view();
    const ops = [], at0 = x.plan_ops();
    for (let k = 0, count = x.plan_op_count(); k < count; k++) {
      const at = at0 + k * abi.OP_SIZE, start = dv.getBigUint64(at + abi.OP_ADDR, true);
      ops.push({
        start, end: start + dv.getBigUint64(at + abi.OP_LEN, true), request: dv.getUint32(at + abi.OP_REQUEST, true),
        isDefault: dv.getInt32(at + abi.OP_MODE, true) === abi.MPOL_DEFAULT,
      });
    }
    return ops;
  }

  /**
   * The engine's estimate of the mappings a map's segments make (PlanStats.estimatedVmas):
   * one per segment, plus one per contiguous group for the mapping around it.
   * @example Basic usage
   * ```ts
   * expect(new ReplayEngine(4096).estimate([{ start: 0x1000n, end: 0x2000n, policy: 0 }, { start: 0x2000n, end: 0x3000n, policy: 1 }])).toBe(3);
   * ```
   */
  estimate(segments: readonly Segment[]): number {
    if (segments.length === 0) return 0;
    this.plan(segments, DEFAULT_POLICY - 1); // no segment gets the first placeholder: they alternate
    return this.#e.x.plan_estimated_vmas();
  }
}

/**
 * The policy map of one process: sorted, disjoint, coalesced segments that are not default.
 * @example Basic usage
 * ```ts
 * const m = new PolicyMap(new ReplayEngine(4096));
 * m.apply(0x10000n, 0x20000n, 0);
 * const r = m.apply(0x14000n, 0x18000n, 1);
 * expect(r).toMatchObject({ changed: true, mappingsAdded: 2 });
 * expect(m.segments.map((s) => s.policy)).toEqual([0, 1, 0]);
 * ```
 */
export class PolicyMap {
  readonly segments: Segment[] = [];
  readonly #engine: ReplayEngine;

  constructor(engine: ReplayEngine) { this.#engine = engine; }

  /** Applies one successful mbind of [start, end) (page aligned, start < end). */
  apply(start: bigint, end: bigint, policy: number): ApplyOutcome {
    const segs = this.segments;
    // The window: segments that overlap or touch the call (touching ones may coalesce with it).
    let lo = 0, hi = segs.length;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (segs[mid]!.end < start) lo = mid + 1; else hi = mid; }
    let stop = lo;
    while (stop < segs.length && segs[stop]!.start <= end) stop++;
    const before = segs.slice(lo, stop);
    if (before.length === 0 && policy === DEFAULT_POLICY) return { changed: false, cut: [], mappingsAdded: 0 };
    const ranges = [...before, { start, end, policy }];
    const after: Segment[] = [];
    for (const op of this.#engine.plan(ranges, policy)) {
      if (!op.isDefault) after.push({ start: op.start, end: op.end, policy: ranges[op.request]!.policy });
    }
    const changed = after.length !== before.length
      || after.some((s, i) => s.start !== before[i]!.start || s.end !== before[i]!.end || s.policy !== before[i]!.policy);
    const inside = (a: bigint, s: Segment): boolean => s.start < a && a < s.end;
    const cut = before.filter((s) => s.policy !== policy && (inside(start, s) || inside(end, s)));
    segs.splice(lo, stop - lo, ...after);
    return { changed, cut, mappingsAdded: pieces(after) - pieces(before) };
  }
}

/** Mappings a run of segments occupies: each segment, and each gap between two of them. */
function pieces(s: readonly Segment[]): number {
  let n = s.length;
  for (let i = 1; i < s.length; i++) if (s[i - 1]!.end < s[i]!.start) n++;
  return n;
}
