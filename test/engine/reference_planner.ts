// The reference planner: plain TypeScript, page by page, written to be obviously correct
// rather than fast (README "Plan options" is its specification). Each page gets the last
// request covering it; its effective policy follows from that request and, for interleave
// blocks, from the page's address; ops are the maximal runs of equal effective policy, cut at
// chunk multiples. It assumes valid policies (the kernel-rule validator has its own tests).
import * as abi from "../../assembly/abi.ts";
import type { RawOp, RawRequest, RawResult, RawSetup, RawStats } from "./helpers/raw_plan.ts";

interface Eff { mode: number; flags: number; nodes: number[] | null }

const same = (a: Eff, b: Eff): boolean => a.mode === b.mode && a.flags === b.flags
  && JSON.stringify(a.nodes) === JSON.stringify(b.nodes);

const roundUp = (v: number, to: number): number => Math.ceil(v / to) * to;

/** The page range [s, e) a request covers, or null when a buffer owns no whole page. */
export function pagesOf(r: RawRequest, page: number): [number, number] | null {
  if (!r.buffer) return [r.addr, r.addr + r.len];
  const s = roundUp(r.addr, page), e = Math.floor((r.addr + r.len) / page) * page;
  return e > s ? [s, e] : null;
}

/** The request's own policy, with an empty mask meaning NULL (as the kernel reads it). */
function policyOf(r: RawRequest): Eff {
  const nodes = r.nodes && r.nodes.length ? [...new Set(r.nodes)].sort((a, b) => a - b) : null;
  return { mode: r.mode, flags: r.flags, nodes };
}

/** The effective policy of the page at `addr` under request r. */
function effective(r: RawRequest, addr: number, s: RawSetup): Eff {
  const p = policyOf(r);
  const base = r.mode & ~abi.MPOL_MODE_FLAGS;
  const isInterleave = base === abi.MPOL_INTERLEAVE || base === abi.MPOL_WEIGHTED_INTERLEAVE;
  if (!s.block || !isInterleave || p.nodes === null) return p;
  const gran = s.huge || s.pageSize;
  const block = roundUp(s.block, gran);
  const relative = (r.mode & abi.MPOL_F_RELATIVE_NODES) !== 0;
  const nodes = relative ? p.nodes : p.nodes.filter((n) => s.usable.includes(n));
  const weighted = ((s.weightModes ?? 1 << abi.MPOL_WEIGHTED_INTERLEAVE) & (1 << base)) !== 0;
  const seq: number[] = [];
  for (const n of nodes) for (let k = 0; k < (weighted ? s.weights?.[n] ?? 1 : 1); k++) seq.push(n);
  const node = seq[Math.floor(addr / block) % seq.length]!;
  const keep = r.mode & (abi.MPOL_F_STATIC_NODES | abi.MPOL_F_RELATIVE_NODES);
  return { mode: (s.blockMode ?? abi.MPOL_PREFERRED) | keep, flags: r.flags, nodes: [node] };
}

/** Plans like the engine, page by page. */
export function referencePlan(reqs: readonly RawRequest[], s: RawSetup): RawResult {
  const page = s.pageSize;
  const fail = (code: number, index: number): RawResult => ({
    code, index, other: 0, rule: 0, ops: [],
    stats: { ops: 0, coalesced: 0, splits: 0, estimatedVmas: 0, overridden: 0 },
  });
  const ranges: [number, number][] = [];
  for (let i = 0; i < reqs.length; i++) {
    const g = pagesOf(reqs[i]!, page);
    if (!g) return fail(abi.E_NO_FULL_PAGE, i);
    ranges.push(g);
  }
  if (s.overlapError) {
    for (let i = 0; i < ranges.length; i++) {
      for (let j = 0; j < i; j++) {
        if (ranges[i]![0] < ranges[j]![1] && ranges[j]![0] < ranges[i]![1]) return fail(abi.E_OVERLAP, -1);
      }
    }
  }
  // Paint: later requests overwrite earlier ones.
  const owner = new Map<number, number>();
  ranges.forEach(([a, b], i) => { for (let p = a; p < b; p += page) owner.set(p, i); });
  const pages = [...owner.keys()].sort((a, b) => a - b);
  const ops: RawOp[] = [];
  const chunk = s.chunk ? roundUp(s.chunk, s.huge || page) : 0;
  let pieces = 0, policyRuns = 0, runs = 0, groups = 0;
  let prev: { addr: number; req: number; pol: Eff; eff: Eff } | undefined;
  for (const addr of pages) {
    const req = owner.get(addr)!;
    const pol = policyOf(reqs[req]!), eff = effective(reqs[req]!, addr, s);
    const adjacent = prev !== undefined && prev.addr + page === addr;
    if (!adjacent || prev!.req !== req) pieces++;
    if (!adjacent || !same(prev!.pol, pol)) policyRuns++;
    const continues = adjacent && same(prev!.eff, eff);
    if (!continues) { runs++; if (!adjacent) groups++; }
    if (continues && !(chunk && addr % chunk === 0)) ops.at(-1)!.len += page;
    else ops.push({ addr, len: page, ...eff, request: req });
    prev = { addr, req, pol, eff };
  }
  const visible = new Set(owner.values());
  const stats: RawStats = {
    ops: ops.length, coalesced: pieces - policyRuns, splits: Math.max(0, ops.length - policyRuns),
    estimatedVmas: runs + groups, overridden: reqs.length - visible.size,
  };
  if (s.maxMapCount && (s.mapCount ?? 0) + stats.estimatedVmas > s.maxMapCount) {
    return { ...fail(abi.E_VMA_BUDGET, 0), stats };
  }
  return { code: abi.OK, index: 0, other: 0, rule: 0, ops, stats };
}
