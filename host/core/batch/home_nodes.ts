import type { Context } from "../context.ts";
import { errnoName, hexAddress } from "../errors.ts";
import { explainErrno } from "../kernel/mod.ts";
import { type EnginePlan, opHomeNodes, readOp } from "../plan/mod.ts";
import { opAt, opBigAddr, opBigLen, opRequest } from "../records/mod.ts";
import type { BatchResult } from "./batch_result.ts";

/**
 * Sets the home node of every op whose request names one (BindRequest.homeNode), after the
 * batch's mbind calls: set_mempolicy_home_node acts on a range's existing policy. Runs only
 * for a batch that applied every op; a failure is reported in the result like an mbind's.
 * @returns the set_mempolicy_home_node calls issued
 * @example
 * ```ts
 * const r = applyPlan(ctx, p, false);
 * if (r.ok && p.homes) applyHomeNodes(ctx, p, r);
 * ```
 */
export function applyHomeNodes(ctx: Context, p: EnginePlan, result: BatchResult): number {
  const set = ctx.backend.setHomeNode;
  const homes = opHomeNodes(p);
  let calls = 0;
  for (let k = 0; k < p.count; k++) {
    const home = homes[k]!;
    if (home < 0) continue;
    const u32 = p.engine.u32(), o = opAt(k, p.opsAt >>> 2);
    const addr = opBigAddr(u32, o), length = opBigLen(u32, o);
    const r = set ? set(addr, length, home) : -38;
    calls++;
    if (r < 0) {
      const code = errnoName(-r), req = opRequest(u32, o);
      const why = explainErrno({ syscall: "set_mempolicy_home_node", errno: -r, action: "set a home node" });
      result.ok = false;
      result.failed.push({
        index: req, requests: [req], opIndex: k, op: readOp(p, k), range: { addr, length }, at: addr, errno: -r, code,
        message: `Cannot ${p.names.act(req)}: set_mempolicy_home_node ${hexAddress(addr)}+${length} (home node ${home}) failed with ${code}: ${why}`,
      });
      break;
    }
  }
  return calls;
}
