import { type BatchResult, type Expectation, expectationsOf } from "../batch/mod.ts";
import type { Context } from "../context.ts";
import type { AddressRange } from "../errors.ts";
import { parseNumaMaps } from "../facts/mod.ts";
import {
  formatPolicy, getMempolicy, pieceReports, reportedForm, runMovePages, snapshotPolicies,
} from "../kernel/mod.ts";
import type { Plan, PlannedOp } from "../plan/mod.ts";
import { effectiveNodes, modeOfKernel, Nodemask, numaMapsPolicyText, toKernelPolicy } from "../policy/mod.ts";
import { booleanField, checkOptions } from "../shapes.ts";
import { cutAtMappings, readMappings, readText } from "../system/mod.ts";

/** What verify() checks besides get_mempolicy. */
export interface VerifyOptions {
  /** Where touched pages are (move_pages query): each must lie on a node the policy allows (default true). */
  pages?: boolean;
  /** The policy text /proc/thread-self/numa_maps prints (default true). */
  numaMaps?: boolean;
}

/** One way the kernel disagrees with the plan. */
export interface Mismatch {
  /**
   * "unmapped": part of the range has no mapping; "policy": get_mempolicy reports another
   * policy; "numa_maps": numa_maps prints another policy text; "placement": touched pages
   * sit on a node the policy does not allow (bind, interleave, preferred-many,
   * weighted-interleave; preferred, local and default allow any node).
   */
  kind: "unmapped" | "policy" | "numa_maps" | "placement";
  /** The op of the plan (for a rolled-back result: the op whose range it is). */
  op: number;
  range: AddressRange;
  expected: string;
  actual: string;
  /** Pages concerned, for "placement". */
  pages?: number;
}

/** What verify() found. */
export interface VerifyReport {
  ok: boolean;
  /** Ops and mapping pieces checked, and pages located. */
  ops: number;
  ranges: number;
  pages: number;
  mismatches: Mismatch[];
}


/** Pages located per move_pages query block (16 MiB of status at most). */
const LOCATE_WINDOW = 1 << 22;

function expectationsFrom(x: unknown): Expectation[] {
  const fromOps = (ops: readonly PlannedOp[]): Expectation[] => ops.map((op, k) => {
    const kp = toKernelPolicy(op.policy, `plan.ops[${k}].policy`);
    const addr = Number(op.addr);
    return { addr, end: addr + Number(op.length), mode: kp.mode, nodes: kp.mask && !kp.mask.isEmpty ? kp.mask : null, op: k };
  });
  if (Array.isArray(x)) return fromOps(x as PlannedOp[]);
  if (x !== null && typeof x === "object") {
    const kept = expectationsOf(x);
    if (kept) return kept;
    if (Array.isArray((x as Plan).ops)) return fromOps((x as Plan).ops);
  }
  throw new TypeError(`Cannot verify: pass what plan() or bindBatch() returned (or plan().ops), current value is ${x === null ? "null" : typeof x}`);
}

const range = (a: number, b: number): AddressRange => ({ addr: BigInt(a), length: BigInt(b - a) });

/**
 * Compares what a plan (or a batch result) says with what the kernel reports now: the exact
 * policy of every mapping piece (get_mempolicy, one batch call), the numa_maps policy text of
 * every mapping, and the node of every touched page under a policy that confines pages.
 * A batch result is checked for the ops that took effect (applied or skipped); a rolled-back
 * one for the prior policies it restored.
 * @example
 * ```ts
 * const r = bindBatch(requests);
 * const v = verify(r);
 * expect(v.mismatches).toEqual([]);
 * ```
 */
export function verifyPlacement(ctx: Context, x: Plan | BatchResult | readonly PlannedOp[], o: VerifyOptions = {}): VerifyReport {
  checkOptions(o, ["pages", "numaMaps"], "verify() options");
  booleanField(o.pages, "opts.pages");
  booleanField(o.numaMaps, "opts.numaMaps");
  const exp = expectationsFrom(x).filter((e) => e.end > e.addr).sort((a, b) => a.addr - b.addr);
  const report: VerifyReport = { ok: true, ops: new Set(exp.map((e) => e.op)).size, ranges: 0, pages: 0, mismatches: [] };
  if (exp.length === 0) return report;
  const words = ctx.maskWords(), usable = ctx.usableNow(), page = ctx.facts().pageSize;
  const wants = exp.map((e) => reportedForm(e.mode, e.nodes, usable));
  const wantWords = wants.map((w) => w.nodes.toWords());
  const out = report.mismatches;

  // Pieces: each expectation cut at mapping boundaries; gaps are "unmapped".
  let hi = 0;
  for (const e of exp) hi = Math.max(hi, e.end);
  const m = readMappings(exp[0]!.addr, hi);
  const pieces: { e: number; a: number; b: number }[] = [];
  let j = 0;
  exp.forEach((e, i) => {
    const unmapped = (a: number, b: number): Mismatch => ({ kind: "unmapped", op: e.op, range: range(a, b), expected: formatPolicy(wants[i]!.mode, wants[i]!.nodes), actual: "no mapping" });
    let cursor = e.addr;
    j = cutAtMappings(m, e.addr, e.end, (a, b) => {
      if (a > cursor) out.push(unmapped(cursor, a));
      pieces.push({ e: i, a, b });
      cursor = b;
    }, j);
    if (cursor < e.end) out.push(unmapped(cursor, e.end));
  });
  report.ranges = pieces.length;

  // get_mempolicy at every piece, one crossing.
  const addrs = BigUint64Array.from(pieces, (p) => BigInt(p.a));
  const now = snapshotPolicies(ctx.backend, addrs, words);
  const w2 = words * 2;
  pieces.forEach((p, q) => {
    const want = wants[p.e]!;
    if (pieceReports(now, q, want.mode, wantWords[p.e]!)) return;
    const actual = now.errnos[q] ? `unreadable (errno ${now.errnos[q]})` : formatPolicy(now.modes[q]!, Nodemask.fromWords(now.masks.slice(q * w2, (q + 1) * w2)));
    const prev = out.at(-1);
    if (prev && prev.kind === "policy" && prev.op === exp[p.e]!.op && prev.actual === actual && prev.range.addr + prev.range.length === BigInt(p.a)) {
      prev.range = range(Number(prev.range.addr), p.b);
    } else {
      out.push({ kind: "policy", op: exp[p.e]!.op, range: range(p.a, p.b), expected: formatPolicy(want.mode, want.nodes), actual });
    }
  });

  if (o.numaMaps !== false) checkNumaMaps(ctx, exp, usable, words, out);
  if (o.pages !== false) report.pages = checkPlacement(ctx, exp, pieces, usable, page, out);
  report.ok = out.length === 0;
  return report;
}

/** numa_maps of this thread (its task policy is what a mapping without one prints). */
function checkNumaMaps(ctx: Context, exp: Expectation[], usable: Nodemask, words: number, out: Mismatch[]): void {
  const task = getMempolicy(ctx.backend, 0n, 0, words);
  const taskText = numaMapsPolicyText(task.mode, task.mask, usable);
  const entries = parseNumaMaps(threadFile("numa_maps"), threadFile("maps"))
    .filter((e) => e.end !== undefined).sort((a, b) => (a.start < b.start ? -1 : 1));
  let j = 0;
  for (const e of exp) {
    const text = numaMapsPolicyText(e.mode, e.nodes ?? Nodemask.EMPTY, usable, taskText);
    while (j < entries.length && Number(entries[j]!.end!) <= e.addr) j++;
    for (let q = j; q < entries.length && Number(entries[q]!.start) < e.end; q++) {
      const got = entries[q]!.policy;
      // The kernel prints the policy into 64 bytes: a long node list is cut short.
      if (got === text || (text.length > 50 && text.startsWith(got))) continue;
      const a = Math.max(e.addr, Number(entries[q]!.start)), b = Math.min(e.end, Number(entries[q]!.end!));
      out.push({ kind: "numa_maps", op: e.op, range: range(a, b), expected: text, actual: got });
    }
  }
}

/** A file of /proc/thread-self (this thread's view: its task policy prints in numa_maps). */
function threadFile(name: string): string {
  const text = readText("/", `proc/thread-self/${name}`);
  if (text === undefined) throw new Error(`Cannot verify: /proc/thread-self/${name} cannot be read`);
  return text;
}

/** Locates the touched pages of every piece under a confining policy; returns pages located. */
function checkPlacement(ctx: Context, exp: Expectation[], pieces: { e: number; a: number; b: number }[],
  usable: Nodemask, page: number, out: Mismatch[]): number {
  let located = 0;
  for (const p of pieces) {
    const e = exp[p.e]!;
    if (!modeOfKernel(e.mode)?.confines) continue;
    const allowed = effectiveNodes(e.mode, e.nodes ?? Nodemask.EMPTY, usable);
    const bad = new Map<number, { first: number; last: number; pages: number }>();
    for (let a = p.a; a < p.b; a += LOCATE_WINDOW * page) {
      const count = Math.min(LOCATE_WINDOW, (p.b - a) / page);
      const status = runMovePages(ctx.backend, { first: BigInt(a), count, pageSize: page }, null, {}, "verify page placement");
      located += count;
      for (let i = 0; i < count; i++) {
        const node = status[i]!;
        if (node < 0 || allowed.has(node)) continue;
        const at = a + i * page, b = bad.get(node);
        if (b) { b.last = at; b.pages++; } else bad.set(node, { first: at, last: at, pages: 1 });
      }
    }
    for (const [node, b] of bad) {
      out.push({ kind: "placement", op: e.op, range: range(b.first, b.last + page), expected: `nodes ${allowed.toList()}`, actual: `node ${node}`, pages: b.pages });
    }
  }
  return located;
}
