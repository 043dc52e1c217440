import type { NumaMapsEntry, PlannedOp } from "../../mod.ts";

/** How one planned op looks in /proc/PID/numa_maps. */
export interface NumaMapsCheck {
  op: PlannedOp;
  /** Policy text the kernel should print for the op's mappings. */
  expected: string;
  /** Policy texts the mappings overlapping the op carry, deduplicated. */
  found: string[];
  /** Resident pages per node over the mappings overlapping the op. */
  pagesPerNode: Record<number, number>;
  /** Mappings overlapping the op cover all of it. */
  covered: boolean;
  ok: boolean;
}

/**
 * Checks ops against parsed numa_maps: every mapping overlapping an op must carry the policy
 * text the op implies, and together they must cover the op. Mappings may reach past an op
 * when a neighbour has an equal policy (the kernel merges them). A mapping bound to "default"
 * has no policy of its own and numa_maps prints the task's, so `expectedText` gets the task's
 * policy into account (numaMapsText(policy, getThreadPolicy())).
 * @param expectedText the text numa_maps should print for an op's policy
 * @example
 * ```ts
 * const rows = compareWithNumaMaps(plan.ops, numaMaps(), (p) => numaMapsText(p, getThreadPolicy()));
 * expect(rows.every((r) => r.ok)).toBe(true);
 * ```
 */
export function compareWithNumaMaps(ops: readonly PlannedOp[], entries: readonly NumaMapsEntry[],
  expectedText: (policy: PlannedOp["policy"]) => string): NumaMapsCheck[] {
  const sorted = entries.filter((e) => e.end !== undefined).sort((a, b) => (a.start < b.start ? -1 : 1));
  return ops.map((op) => {
    const expected = expectedText(op.policy);
    const end = op.addr + op.length;
    const hits = sorted.filter((e) => e.start < end && e.end! > op.addr);
    let cursor = op.addr;
    for (const e of hits) if (e.start <= cursor && e.end! > cursor) cursor = e.end!;
    const pagesPerNode: Record<number, number> = {};
    for (const e of hits) {
      for (const [n, c] of Object.entries(e.pagesPerNode)) pagesPerNode[Number(n)] = (pagesPerNode[Number(n)] ?? 0) + c;
    }
    const found = [...new Set(hits.map((e) => e.policy))];
    const covered = cursor >= end;
    return { op, expected, found, pagesPerNode, covered, ok: covered && found.length === 1 && found[0] === expected };
  });
}
