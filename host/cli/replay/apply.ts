// Replays parsed events per process, in log order: successful mbind calls go through the
// engine-backed policy map (policy_map.ts), set_mempolicy sets a thread's policy, and every
// call is counted; failures by errno name.
import { abi } from "../../engine.ts";
import { hex } from "../format.ts";
import {
  type MaskArg, type MbindEvent, type MigratePagesEvent, type MovePagesEvent, REPLAYED_CALLS, type ReplayedCall,
  type ReplayEvent, type ReplayWarning, type TraceFormat,
} from "./events.ts";
import { DEFAULT_POLICY, PolicyMap, ReplayEngine, type Segment } from "./policy_map.ts";
import { bindFlagNames, nodeList, type ReportPolicy, reportPolicy } from "./policy_words.ts";

/** One range of a process's final map. Addresses are hex strings; `end` is exclusive. */
export interface MapEntry extends ReportPolicy { start: string; end: string }

/** A thread's policy after its last successful set_mempolicy. */
export interface ThreadEntry { tid: number; policy: ReportPolicy; line: number }

/** An mbind call the report points at: where it is, what range (page aligned) and what policy. */
export interface CallEntry extends ReportPolicy {
  line: number;
  tid: number;
  start: string;
  end: string;
  /** numabind's own events: the batch request that decided the op. */
  request?: number;
}

/** An mbind that changed nothing: "same-policy" (the range had it already), "empty-range" (its length was 0). */
export interface NoChangeEntry extends CallEntry { reason: "same-policy" | "empty-range" }

/** An mbind that cut an existing range of another policy and so added mappings. */
export interface SplitEntry extends CallEntry {
  /** The ranges it cut inside, as they were before the call. */
  inside: MapEntry[];
  /** Mappings added around the call: bound ranges plus the unbound gaps between them. */
  mappingsAdded: number;
}

/** A move_pages call. */
export interface MovePagesEntry {
  line: number;
  tid: number;
  /** The pid argument (0: the caller). */
  pid: number;
  count: number;
  /** The distinct target nodes as a list; null when the log does not say (or the call only queried). */
  nodes: string | null;
  /** The nodes argument was NULL: the call only asked where the pages are. */
  query: boolean;
  /** strace showed only the first elements of the nodes array: `nodes` lists those. */
  truncated?: true;
  flags: string[];
  /** The return value; -1 on failure, with `error`. */
  result: number;
  error?: string;
}

/** A migrate_pages call: from and to as node lists, null when unknown. */
export interface MigratePagesEntry {
  line: number;
  tid: number;
  pid: number;
  from: string | null;
  to: string | null;
  /** Pages not moved; -1 on failure, with `error`. */
  result: number;
  error?: string;
}

/** Everything replayed for one process. */
export interface ProcessReport {
  /** The pid in the process's namespace, as the log names it. */
  pid: number;
  /** Tracee's host pid, when it differs from pid (a process in a container). */
  hostPid?: number;
  map: MapEntry[];
  threads: ThreadEntry[];
  /** Events per syscall, failures included. */
  calls: Record<ReplayedCall, number>;
  noChange: NoChangeEntry[];
  splits: SplitEntry[];
  /** Failed calls (any of the five) by errno name. */
  failures: Record<string, number>;
  /** The engine's estimate of the mappings the final map makes (an upper bound). */
  estimatedMappings: number;
  movePages: MovePagesEntry[];
  migratePages: MigratePagesEntry[];
}

/** What `numabind replay --json` prints. */
export interface ReplayReport {
  format: TraceFormat;
  pageSize: number;
  /** Memory-policy events read (munmap and mmap, which only reset ranges, are not counted). */
  events: number;
  processes: ProcessReport[];
  warnings: ReplayWarning[];
}

const U64 = (1n << 64n) - 1n;

/** One process being replayed. */
interface ProcessState {
  report: Omit<ProcessReport, "map" | "threads" | "estimatedMappings">;
  map: PolicyMap;
  threads: Map<number, ThreadEntry>;
}

/**
 * Replays events (in log order) into one report per process, in order of first appearance.
 * @param pageSize the traced machine's page size
 * @example Basic usage
 * ```ts
 * const mask = { nodes: [0, 1] };
 * const e = { call: "mbind", line: 1, pid: 7, tid: 7, result: 0n, addr: 0x10000n, len: 8192n, mode: 2, mask, flags: 0 } as const;
 * const r = replayEvents([e, { ...e, line: 2, addr: 0x11000n, len: 1n, mode: 3 }], "strace", 4096, []);
 * expect(r.processes[0]!.map).toEqual([
 *   { start: "0x10000", end: "0x11000", mode: "bind", nodes: "0-1" },
 *   { start: "0x11000", end: "0x12000", mode: "interleave", nodes: "0-1" },
 * ]);
 * ```
 */
export function replayEvents(events: readonly ReplayEvent[], format: TraceFormat, pageSize: number, warnings: ReplayWarning[]): ReplayReport {
  const engine = new ReplayEngine(pageSize);
  const policies: ReportPolicy[] = [], ids = new Map<string, number>();
  const policyId = (mode: number, mask: MaskArg): number => {
    const p = reportPolicy(mode, mask.nodes);
    const key = `${p.mode}|${mode & abi.MPOL_MODE_FLAGS}|${mask.nodes === null ? `? ${mask.key}` : p.nodes}`;
    let id = ids.get(key);
    if (id === undefined) { id = policies.push(p) - 1; ids.set(key, id); }
    return id;
  };
  const procs = new Map<number, ProcessState>();
  const page = BigInt(pageSize);
  for (const e of events) {
    if (e.call === "munmap" || e.call === "mmap") {
      const st = procs.get(e.hostPid ?? e.pid);
      if (st && e.error === undefined) resetRange(st.map, e.addr, e.len, page);
      continue;
    }
    // Processes of two containers may share a pid: Tracee's host pid tells them apart.
    const key = e.hostPid ?? e.pid;
    let st = procs.get(key);
    if (!st) {
      const calls = Object.fromEntries(REPLAYED_CALLS.map((c) => [c, 0])) as Record<ReplayedCall, number>;
      const host = e.hostPid !== undefined && e.hostPid !== e.pid ? { hostPid: e.hostPid } : {};
      st = {
        report: { pid: e.pid, ...host, calls, noChange: [], splits: [], failures: {}, movePages: [], migratePages: [] },
        map: new PolicyMap(engine), threads: new Map(),
      };
      procs.set(key, st);
    }
    const r = st.report;
    r.calls[e.call]++;
    if (e.error !== undefined) r.failures[e.error] = (r.failures[e.error] ?? 0) + 1;
    if (e.call === "move_pages") { r.movePages.push(movePagesEntry(e)); continue; }
    if (e.call === "migrate_pages") { r.migratePages.push(migratePagesEntry(e)); continue; }
    if (e.error !== undefined || e.call === "get_mempolicy") continue;
    if (e.call === "set_mempolicy") {
      st.threads.set(e.tid, { tid: e.tid, policy: reportPolicy(e.mode, e.mask.nodes), line: e.line });
      continue;
    }
    if (e.call === "mbind") applyMbind(e, st, page, warnings, policies, policyId);
  }
  const entry = (s: Segment): MapEntry => ({ start: hex(s.start), end: hex(s.end), ...policies[s.policy]! });
  const processes = [...procs.values()].map((st): ProcessReport => ({
    pid: st.report.pid,
    ...(st.report.hostPid === undefined ? {} : { hostPid: st.report.hostPid }),
    map: st.map.segments.map(entry),
    threads: [...st.threads.values()],
    calls: st.report.calls, noChange: st.report.noChange, splits: st.report.splits, failures: st.report.failures,
    estimatedMappings: engine.estimate(st.map.segments),
    movePages: st.report.movePages, migratePages: st.report.migratePages,
  }));
  const counted = events.filter((e) => e.call !== "munmap" && e.call !== "mmap").length;
  return { format, pageSize, events: counted, processes, warnings };
}

/** A mapping removed (munmap) or made afresh (mmap): its pages have no policy any more. */
function resetRange(map: PolicyMap, addr: bigint, len: bigint, page: bigint): void {
  const end = addr + ((len + page - 1n) & U64 & ~(page - 1n));
  if (addr % page === 0n && end > addr && end <= U64) map.apply(addr, end, DEFAULT_POLICY);
}

/** One successful mbind: aligned as the kernel aligns it, then applied to the process's map. */
function applyMbind(e: MbindEvent, st: ProcessState, page: bigint, warnings: ReplayWarning[], policies: readonly ReportPolicy[],
  policyId: (mode: number, mask: MaskArg) => number): void {
  if (e.addr % page !== 0n) {
    warnings.push({ line: e.line, message: `mbind succeeded at ${hex(e.addr)}, which is not aligned to the page size ${page}: pass the traced machine's --page-size; the call is skipped` });
    return;
  }
  // do_mbind: len = PAGE_ALIGN(len); a length that rounds to 0 (0, or past 2^64) does nothing.
  const len = (e.len + page - 1n) & U64 & ~(page - 1n);
  const base = e.mode & ~abi.MPOL_MODE_FLAGS;
  const policy = base === abi.MPOL_DEFAULT ? DEFAULT_POLICY : policyId(e.mode, e.mask);
  const shown = policy === DEFAULT_POLICY ? { mode: "default", nodes: "" } : policies[policy]!;
  const ref = (end: bigint): CallEntry => ({
    line: e.line, tid: e.tid, start: hex(e.addr), end: hex(end), ...shown, ...(e.request === undefined ? {} : { request: e.request }),
  });
  if (len === 0n) { st.report.noChange.push({ ...ref(e.addr), reason: "empty-range" }); return; }
  const end = e.addr + len;
  if (end > U64) {
    warnings.push({ line: e.line, message: `mbind succeeded over ${hex(e.addr)} + ${e.len}, which passes the end of the address space; the call is skipped` });
    return;
  }
  const out = st.map.apply(e.addr, end, policy);
  if (!out.changed) st.report.noChange.push({ ...ref(end), reason: "same-policy" });
  if (out.cut.length > 0 && out.mappingsAdded > 0) {
    st.report.splits.push({ ...ref(end), inside: out.cut.map((s) => ({ start: hex(s.start), end: hex(s.end), ...policies[s.policy]! })), mappingsAdded: out.mappingsAdded });
  }
}

const outcome = (e: { result: bigint; error?: string }): { result: number; error?: string } =>
  (e.error === undefined ? { result: Number(e.result) } : { result: -1, error: e.error });

function movePagesEntry(e: MovePagesEvent): MovePagesEntry {
  return {
    line: e.line, tid: e.tid, pid: e.target, count: Number(e.count),
    nodes: e.nodes === null || e.nodes === "query" ? null : nodeList(e.nodes), query: e.nodes === "query",
    ...(e.truncated ? { truncated: true as const } : {}), flags: bindFlagNames(e.flags), ...outcome(e),
  };
}

function migratePagesEntry(e: MigratePagesEvent): MigratePagesEntry {
  const list = (m: MaskArg): string | null => (m.nodes === null ? null : nodeList(m.nodes));
  return { line: e.line, tid: e.tid, pid: e.target, from: list(e.from), to: list(e.to), ...outcome(e) };
}
