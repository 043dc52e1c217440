/** Every request plan() would refuse, not only the first: the heart of `numabind plan`. */
import type { BindRequest, Numabind, Plan, PlanOptions } from "../mod.ts";
import { oneLine } from "./io.ts";

/** One refused request: its index in the input and plan()'s reason, in one line. */
export interface Refusal {
  index: number;
  reason: string;
}

/** The plan of the requests that pass, and those that do not. */
export interface DryRun {
  /** Indexes (in the input) of the requests the plan holds, ascending. */
  accepted: number[];
  refused: Refusal[];
  /** The plan of the accepted requests; null when they are refused together (batchRefused). */
  plan: Plan | null;
  /** Why the accepted requests together are refused (the VMA budget, too many ops), or null. */
  batchRefused: string | null;
}

/**
 * plan()'s message with each `requests[k]` of a sub-batch renamed to its index in the input,
 * so that a reason names the request the user wrote.
 */
function rename(message: string, indexes: readonly number[]): string {
  return message.replace(/requests\[(\d+)\]/g, (all, k: string) => {
    const i = indexes[Number(k)];
    return i === undefined ? all : `requests[${i}]`;
  });
}

/**
 * Plans the batch, and when plan() refuses it (it stops at the first bad request), plans each
 * request alone to collect every refusal with its reason, then the accepted ones together,
 * dropping each request the batch as a whole refuses (overlap: "error" names one) until it
 * plans or is refused without naming one. plan() issues no syscall, so this is safe on any
 * input; it costs about 6 µs a request planned alone.
 * @param onChecked told after each request planned alone (for a progress bar)
 * @example Basic usage
 * ```ts
 * const t = (page: number) => ({ addr: BigInt(page) * 4096n, length: 4096n });
 * const r = dryRun(numabind, [
 *   { target: t(1), policy: { mode: "bind", nodes: "0" } },
 *   { target: t(2), policy: { mode: "nosuch" as "bind" } },
 * ], { unsafeRawAddress: true });
 * expect(r.accepted).toEqual([0]);
 * expect(r.refused[0]).toMatchObject({ index: 1, reason: expect.stringMatching(/requests\[1\]\.policy\.mode/) });
 * ```
 */
export function dryRun(nb: Numabind, requests: readonly BindRequest[], opts: PlanOptions,
  onChecked?: (done: number, total: number) => void): DryRun {
  try {
    return { accepted: requests.map((_, i) => i), refused: [], plan: nb.plan(requests, opts), batchRefused: null };
  } catch {
    // Some request, or the batch, is refused: find out which below.
  }
  const refused: Refusal[] = [];
  let accepted: number[] = [];
  requests.forEach((r, i) => {
    try {
      nb.plan([r], opts);
      accepted.push(i);
    } catch (e) {
      refused.push({ index: i, reason: rename(oneLine(e), [i]) });
    }
    onChecked?.(i + 1, requests.length);
  });
  for (;;) {
    try {
      const plan = nb.plan(accepted.map((i) => requests[i]!), opts);
      return { accepted, refused: refused.sort((a, b) => a.index - b.index), plan, batchRefused: null };
    } catch (e) {
      const k = (e as { index?: unknown }).index;
      if (typeof k !== "number" || accepted[k] === undefined) {
        return { accepted, refused: refused.sort((a, b) => a.index - b.index), plan: null, batchRefused: rename(oneLine(e), accepted) };
      }
      refused.push({ index: accepted[k]!, reason: rename(oneLine(e), accepted) });
      accepted = accepted.filter((_, j) => j !== k);
    }
  }
}
