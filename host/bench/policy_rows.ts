// numademo's rows (numactl's test/numademo.c): one allocation per memory policy, first touched
// by a thread pinned to one node, measured (read and triad), and checked against where that
// policy must put its pages: pages per node from numa_maps, and the kernel's numa_hit /
// numa_miss counters over the touch. "Wrong" rows prefer a node other than the thread's.
import { getThreadPolicy, plan as planRequests, topology, type Policy } from "../mod.ts";
import { allocArrays, cStream, freeArrays, jsStream, runRepeats, touchArrays } from "./_arrays.ts";
import { onNode } from "./_pinned.ts";
import type { Steps } from "./_progress.ts";
import type { CKernels } from "./kernels.ts";
import type { BenchPlan } from "./options.ts";
import { readInterleaveWeights } from "./interleave_weights.ts";
import { ALL_SHARE, checkPlacement, MOST_SHARE, type PlacementExpectation } from "./placement_check.ts";
import { residentPages } from "./placement_read.ts";
import { numastatDelta, readNumastat } from "./numastat.ts";
import type { BenchPolicies, PolicyRow } from "./report_schema.ts";
import { emptyStat, summarize } from "./statistics.ts";

/**
 * One row to run: its policy (null: a plain alloc with mode "default"), expectation and rule.
 * @example Basic usage
 * ```ts
 * const spec: RowSpec = policyRowSpecs(0, 0, [0], 4096)[0]!;
 * assert(spec.name === "no policy" && spec.policy === null);
 * ```
 */
export interface RowSpec {
  name: string;
  policy: (Policy & { nodes?: number[] }) | null;
  expect: PlacementExpectation;
  /** Share of pages that must be on the expected nodes (checkPlacement). */
  required: number;
  /** Weighted interleave: the kernel's weight per node, for the spread check. */
  weights?: Record<string, number>;
  /** Set when the row cannot run here, with the reason. */
  skipped?: string;
}

const NEEDS_SECOND_NODE = "needs a second node";

/**
 * The rows for a thread on `cpuNode` over the memory nodes `memNodes`, in numademo's order. A
 * mode the engine's rules refuse on this kernel (plan(), which issues no syscall, as the demo
 * command asks) is skipped with the engine's reason.
 * @param localNode the memory node the thread's local allocations go to (cpuNode, or the
 *   nearest node with memory when cpuNode has none)
 * @example Basic usage
 * ```ts
 * const rows = policyRowSpecs(0, 0, [0], 4096);
 * assert(rows.find((r) => r.name === "preferred wrong")!.skipped === "needs a second node");
 * ```
 */
export function policyRowSpecs(cpuNode: number, localNode: number, memNodes: readonly number[], pageSize: number): RowSpec[] {
  const others = memNodes.filter((n) => n !== localNode);
  const all = [...memNodes];
  const thread = getThreadPolicy();
  // Without a policy of its own, a mapping follows the thread's (e.g. under numactl --membind).
  const threadNodes = thread.nodes.toArray().filter((n) => memNodes.includes(n));
  const noPolicy: PlacementExpectation = thread.mode === "default" || thread.mode === "local" || threadNodes.length === 0
    ? { nodes: [localNode], spread: false }
    : { nodes: threadNodes, spread: thread.mode === "interleave" || thread.mode === "weighted-interleave" };
  const specs: RowSpec[] = [
    { name: "no policy", policy: null, expect: noPolicy, required: MOST_SHARE },
    { name: "local", policy: { mode: "local" }, expect: { nodes: [localNode], spread: false }, required: MOST_SHARE },
    ...memNodes.map((n): RowSpec => ({ name: `bind:${n}`, policy: { mode: "bind", nodes: [n] }, expect: { nodes: [n], spread: false }, required: ALL_SHARE })),
    { name: "interleave all", policy: { mode: "interleave", nodes: all }, expect: { nodes: all, spread: true }, required: MOST_SHARE },
    { name: "weighted-interleave all", policy: { mode: "weighted-interleave", nodes: all }, expect: { nodes: all, spread: true }, required: MOST_SHARE, weights: readInterleaveWeights(all) },
    { name: "preferred right", policy: { mode: "preferred", nodes: [localNode] }, expect: { nodes: [localNode], spread: false }, required: MOST_SHARE },
    others.length
      ? { name: "preferred wrong", policy: { mode: "preferred", nodes: [others[0]!] }, expect: { nodes: [others[0]!], spread: false }, required: MOST_SHARE }
      : { name: "preferred wrong", policy: { mode: "preferred" }, expect: { nodes: [localNode], spread: false }, required: MOST_SHARE, skipped: NEEDS_SECOND_NODE },
    { name: "preferred-many right", policy: { mode: "preferred-many", nodes: [localNode] }, expect: { nodes: [localNode], spread: false }, required: MOST_SHARE },
    others.length
      ? { name: "preferred-many wrong", policy: { mode: "preferred-many", nodes: others }, expect: { nodes: others, spread: false }, required: MOST_SHARE }
      : { name: "preferred-many wrong", policy: { mode: "preferred-many" }, expect: { nodes: [localNode], spread: false }, required: MOST_SHARE, skipped: NEEDS_SECOND_NODE },
  ];
  const target = { addr: BigInt(pageSize), length: BigInt(pageSize) };
  for (const r of specs) {
    if (r.skipped || !r.policy) continue;
    try {
      planRequests([{ target, policy: r.policy }], { unsafeRawAddress: true, maxMapCount: 0 });
    } catch (e) {
      r.skipped = (e as Error).message;
    }
  }
  return specs;
}

/**
 * Runs the rows with this thread on `cpuNode`, each row's arrays freed before the next.
 * @param kernels the C kernels; without them rows are measured by the JS kernels
 * @example Basic usage
 * ```ts
 * const p = await runPolicyRows(plan, 0, [0], kernels, steps(9));
 * assert(p.rows.find((r) => r.name === "bind:0")!.placement.ok);
 * ```
 */
export async function runPolicyRows(plan: BenchPlan, specs: readonly RowSpec[], cpuNode: number, kernels: CKernels | undefined,
  s: Steps): Promise<BenchPolicies> {
  const rows: PolicyRow[] = [];
  for (const spec of specs) rows.push(await s.run(`policy row "${spec.name}"`, () => onNode(cpuNode, async () => runRow(plan, spec, cpuNode, kernels))));
  return { arrayBytes: plan.rowBytes, rows };
}

function runRow(plan: BenchPlan, spec: RowSpec, cpuNode: number, k: CKernels | undefined): PolicyRow {
  const base = {
    name: spec.name,
    policy: spec.policy ? { mode: spec.policy.mode, ...(spec.policy.nodes ? { nodes: [...spec.policy.nodes] } : {}) } : null,
    cpuNode, expect: spec.expect,
  };
  if (spec.skipped) {
    return {
      ...base, read: emptyStat("MB/s"), triad: emptyStat("MB/s"), skipped: spec.skipped,
      // Nothing ran, so nothing went wrong: ok, with the reason why there are no counts.
      placement: { ok: true, pagesPerNode: {}, numaHit: {}, numaMiss: {}, reason: `not run: ${spec.skipped}` },
    };
  }
  const nodes = topology().nodes.map((n) => n.id);
  const before = readNumastat(nodes);
  const a = allocArrays(plan.rowBytes, spec.policy ?? { mode: "default" });
  try {
    touchArrays(a, k);
    const after = readNumastat(nodes);
    const samples = runRepeats(a, k ? cStream(k) : jsStream, ["read", "triad"], plan.repeats);
    const found = residentPages(a.buffers);
    const check = checkPlacement(found.pagesPerNode, spec.expect, spec.required, spec.weights);
    return {
      ...base, read: summarize(samples.read, "MB/s"), triad: summarize(samples.triad, "MB/s"),
      placement: { ok: check.ok, pagesPerNode: found.pagesPerNode, ...numastatDelta(before, after), ...(check.reason ? { reason: check.reason } : {}) },
    };
  } finally {
    freeArrays(a);
  }
}
