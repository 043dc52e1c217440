import { OP_SIZE } from "../../../assembly/abi.ts";
import type { Context } from "../context.ts";
import { ERRNO, errnoName, NumaError } from "../errors.ts";
import { describeFailures, firstHole, firstUnchanged, locateFailures } from "../failures/mod.ts";
import {
  DEFAULT_PROGRESS_INTERVAL_MS, opReportedForm, type PolicySnapshot, progressReporter,
  snapshotPolicies,
} from "../kernel/mod.ts";
import type { EnginePlan } from "../plan/mod.ts";
import { Nodemask } from "../policy/mod.ts";
import { OP_WORDS } from "../records/mod.ts";
import { mapCount, maxMapCount } from "../system/mod.ts";
import { applyOps, type OpBatch } from "./apply_ops.ts";
import { requireMbind } from "./apply_plan.ts";
import type { BatchOptions, BatchResult } from "./batch_result.ts";
import { attachExpectations, attachKeptOps, keepOps } from "./expectations.ts";
import { opRange, type OpRecords, type OpSnapshot, snapshotOps } from "./op_snapshot.ts";
import { prepareRestore, rollback, type RollbackOutcome } from "./rollback.ts";
import { unchangedOps } from "./skip_unchanged.ts";

/**
 * Whether options ask for more than the plain one-crossing path.
 * @example
 * ```ts
 * expect(needsCarefulPath({ continueOnError: true })).toBe(false);
 * expect(needsCarefulPath({ atomic: true })).toBe(true);
 * ```
 */
export function needsCarefulPath(o: BatchOptions): boolean {
  return !!(o.atomic || o.skipUnchanged || o.onProgress);
}

/** Slices aim at half the progress interval, within 1..50 ms: calls then land about on time. */
const sliceMs = (interval: number): number => Math.min(50, Math.max(1, interval / 2));

/** Text for a rollback's outcome, appended to the failure's message. */
function rollbackText(out: RollbackOutcome): string {
  if (out.ok) return "; the batch was rolled back: every range it touched has its prior policy again (read back with get_mempolicy)";
  const shown = out.failed.slice(0, 4).map((f) => `0x${f.range.addr.toString(16)}+${f.range.length} (was ${f.expected}, now ${f.actual}${f.code ? `, mbind failed with ${f.code}` : ""})`);
  return `; ROLLBACK INCOMPLETE: ${out.failed.length} range(s) could not be restored to their prior policy: ${shown.join("; ")}${out.failed.length > 4 ? "; ..." : ""} (result.restoreFailed lists all)`;
}

/**
 * Applies a plan with the options that need more than one crossing: a snapshot of the
 * mappings it touches (atomic, skipUnchanged), ops already in force left out (skipUnchanged),
 * slices with progress (onProgress), and on failure a checked rollback (atomic).
 * @example
 * ```ts
 * const r = bindCarefully(ctx, planInEngine(ctx.engine, requests, {}, ctx.facts()), { atomic: true });
 * if (!r.ok && !r.rolledBack) console.error(r.restoreFailed);
 * ```
 */
export function bindCarefully(ctx: Context, p: EnginePlan, o: BatchOptions): BatchResult {
  const n = p.count, backend = ctx.backend, words = ctx.maskWords();
  const result: BatchResult = {
    ok: true, applied: 0, syscalls: 0, ops: n, skipped: 0, failed: [], rolledBack: false,
    restoreFailed: [], restoreSyscalls: 0, stats: p.stats,
  };
  const progress = o.onProgress
    ? progressReporter(o.onProgress, n, o.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS) : undefined;
  if (n === 0) { progress?.finish(0); return result; }
  requireMbind(ctx);
  const kept = keepOps(p); // before any view of the engine's memory: it may grow it
  const mem = () => p.engine.u32();
  const ops: OpRecords = { u32: mem().subarray(p.opsAt >>> 2, (p.opsAt >>> 2) + n * OP_WORDS), count: n };
  const maskBytes = Math.max(1, p.engine.x.plan_mask_count()) * p.maskWords * 8;
  const masks32 = mem().subarray(p.masksAt >>> 2, (p.masksAt + maskBytes) >>> 2);

  let snap: OpSnapshot | undefined;
  if (o.atomic || o.skipUnchanged) {
    snap = snapshotOps(backend, ops, words);
    const bad = snap.policies.errnos.findIndex((e) => e !== 0);
    if (o.atomic && bad >= 0) {
      const e = snap.policies.errnos[bad]!;
      throw new NumaError(`Cannot bind atomically: the policy at 0x${snap.start[bad]!.toString(16)} cannot be read (get_mempolicy failed with ${errnoName(e)}), so it could not be restored; nothing was bound`,
        { code: errnoName(e), errno: e, syscall: "get_mempolicy", arg: "requests", range: { addr: BigInt(snap.start[bad]!), length: BigInt(snap.end[bad]! - snap.start[bad]!) } });
    }
  }
  const usable = snap ? ctx.usableNow() : Nodemask.EMPTY;
  const skip = o.skipUnchanged && snap ? unchangedOps(ops, masks32, p.maskWords, snap, usable) : undefined;

  // The ops to issue: the plan's own records, or a compact copy without the skipped ones.
  const issue: number[] = [];
  for (let k = 0; k < n; k++) if (!skip || !skip[k]) issue.push(k);
  result.skipped = n - issue.length;
  const u8 = p.engine.u8();
  const batch: OpBatch = {
    ops: u8.subarray(p.opsAt, p.opsAt + n * OP_SIZE), count: n,
    masks: u8.subarray(p.masksAt, p.masksAt + maskBytes), maskWords: p.maskWords,
    errnos: u8.subarray(p.errnosAt, p.errnosAt + n * 4),
  };
  if (issue.length < n) {
    batch.ops = new Uint8Array(issue.length * OP_SIZE);
    issue.forEach((k, j) => batch.ops.set(u8.subarray(p.opsAt + k * OP_SIZE, p.opsAt + (k + 1) * OP_SIZE), j * OP_SIZE));
    batch.count = issue.length;
    batch.errnos = new Uint8Array(Math.max(1, issue.length) * 4);
  }
  // Built before anything is applied: undoing then allocates nothing until the restore ran.
  const restore = o.atomic && snap ? prepareRestore(snap) : undefined;
  const state = { attempted: 0 };
  // Ops handled once `a` issued ops ran: everything before the next op to issue.
  const doneOf = (a: number): number => (a >= issue.length ? n : issue[a]!);
  const reporter = progress && { step: (a: number, items: number, ms: number) => progress.step(doneOf(a), items, ms), finish: progress.finish };
  p.engine.busy = true;
  try {
    applyOps(backend, batch, { continueOnError: !!o.continueOnError, sliceMs: sliceMs(o.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS), ...(reporter ? { progress: reporter } : {}) }, state);
  } catch (e) {
    // onProgress threw: an atomic batch undoes what it applied, then the error goes on.
    if (!restore || !snap || state.attempted === 0) throw e;
    const out = rollback(backend, snap, restore, snap.firstPiece[issue[state.attempted - 1]! + 1]!);
    if (out.ok) throw e;
    throw new NumaError(`Cannot bind: onProgress threw (${String((e as Error)?.message ?? e)})${rollbackText(out)}`, { code: "EIO", errno: ERRNO.EIO, syscall: "mbind", cause: e });
  } finally {
    p.engine.busy = false;
    ctx.facts().kernel?.noteMappings(p.stats.estimatedVmas);
  }
  const e32 = new Int32Array(batch.errnos.buffer, batch.errnos.byteOffset, batch.count);
  // Atomic (which stops at its first failure, the last op attempted): undo at once. At
  // vm.max_map_count the runtime itself may be unable to map memory, so nothing is allocated
  // or called back before the restore has merged the mappings back.
  let undo: { k: number; errno: number; out: RollbackOutcome; probe?: PolicySnapshot } | undefined;
  if (restore && snap && state.attempted > 0 && e32[state.attempted - 1] !== 0) {
    const k = issue[state.attempted - 1]!, errno = e32[state.attempted - 1]!;
    const from = snap.firstPiece[k]!, to = snap.firstPiece[k + 1]!;
    // Where the failing op stopped, read before the restore erases it.
    const probe = errno === ERRNO.ENOMEM ? snapshotPolicies(backend, snap.addrs.subarray(from, to), words) : undefined;
    undo = { k, errno, out: rollback(backend, snap, restore, to), ...(probe ? { probe } : {}) };
  }
  const bad: { op: number; errno: number }[] = [];
  for (let j = 0; j < state.attempted; j++) if (e32[j] !== 0) bad.push({ op: issue[j]!, errno: e32[j]! });
  result.syscalls = state.attempted;
  result.applied = state.attempted - bad.length;
  progress?.finish(bad.length && !o.continueOnError ? bad[0]!.op + 1 : doneOf(state.attempted));
  if (!undo) {
    const status = new Int8Array(n); // 1: in force (applied or skipped)
    for (let j = 0; j < state.attempted; j++) if (e32[j] === 0) status[issue[j]!] = 1;
    if (skip) for (let k = 0; k < n; k++) if (skip[k]) status[k] = 1;
    attachKeptOps(result, kept, (k) => status[k] === 1);
    if (bad.length) {
      result.ok = false;
      result.failed = describeFailures(p, locateFailures(ctx, p, bad));
    }
    return result;
  }

  const { k, errno, out, probe } = undo, [lo, hi] = opRange(ops, k), s0 = snap!;
  const from = s0.firstPiece[k]!, to = s0.firstPiece[k + 1]!;
  const pieces = { starts: s0.start.subarray(from, to), ends: s0.end.subarray(from, to) };
  result.ok = false;
  result.restoreSyscalls = out.syscalls;
  result.rolledBack = out.ok;
  result.restoreFailed = out.failed;
  const at = errno === ERRNO.EFAULT ? firstHole(pieces, lo, hi)
    : probe ? firstUnchanged(pieces, probe, 0, opReportedForm(ops.u32, k, masks32, p.maskWords, usable)) : lo;
  // The map count has dropped again by now, so say what held when the split failed.
  const enomem = (e: number): string | undefined => (e !== ERRNO.ENOMEM ? undefined
    : `mbind had to split a mapping with the process at vm.max_map_count = ${maxMapCount() ?? "?"}: the plan adds up to ${p.stats.estimatedVmas} mappings and the kernel refused after ${result.applied} of ${n} ops (the process has ${mapCount() ?? "?"} mappings again after the rollback); coalesce neighbouring ranges that share a policy, bind fewer and larger ranges, keep the VMA budget on (it refuses such a plan before any syscall), or raise vm.max_map_count (a system setting)`);
  result.failed = describeFailures(p, [{ op: k, errno, at }], rollbackText(out), enomem);
  // What verify() should find now: the prior policy of everything up to the failing op.
  attachExpectations(result, () => {
    const prior = [], w = s0.policies.words * 2;
    for (let q = 0, op = 0; q < to; q++) {
      while (s0.firstPiece[op + 1]! <= q) op++;
      prior.push({
        addr: s0.start[q]!, end: s0.end[q]!, mode: s0.policies.modes[q]!, op,
        nodes: Nodemask.fromWords(s0.policies.masks.slice(q * w, (q + 1) * w)),
      });
    }
    return prior;
  });
  return result;
}
