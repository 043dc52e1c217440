import { Command } from "commander";
import { MODES, type NumaMapsEntry } from "../../mod.ts";
import { count, hex, table } from "../format.ts";
import { type CommandFactory, printResult } from "../io.ts";
import { processId } from "../options.ts";
import { defaultHugePageSize, mappingPageSize, processName, readProcessMaps } from "../processes.ts";

/** What a mapping holds, as numa_maps tells: hugetlb, the heap, a stack, a file, or anonymous memory. */
export type MappingKind = "huge" | "heap" | "stack" | "file" | "anon";

/** One mapping of `numabind inspect`. */
export interface InspectMapping {
  /** Start and end addresses in hex; end is null when /proc/PID/maps changed between the reads. */
  start: string;
  end: string | null;
  /** The mapping's length in bytes, null without an end. */
  bytes: number | null;
  kind: MappingKind;
  /** The mapped file, for file-backed mappings (hugetlbfs ones too). */
  file?: string;
  /** The policy exactly as numa_maps prints it ("bind:0-1", "interleave=static:0"). */
  policy: string;
  /** numabind's name for the mode, or "unknown" for a mode newer than numabind. */
  mode: string;
  /** The nodes the policy names (empty for default and local). */
  policyNodes: number[];
  /** Bytes per page of this mapping: pages counts pages of this size. */
  pageSize: number;
  /** Resident pages per node, in InspectReport.nodes order. */
  pages: number[];
  residentPages: number;
  /** Resident pages on nodes a confining policy does not allow; 0 for policies that confine nothing. */
  offPolicyPages: number;
}

/** Resident memory per node, as page counts (a huge page counts as one) and as bytes. */
export interface ResidentTotals {
  mappings: number;
  pages: number[];
  bytes: number[];
  totalPages: number;
  totalBytes: number;
  offPolicyPages: number;
}

/** What `numabind inspect PID` reports. */
export interface InspectReport {
  pid: number;
  name: string;
  /** Node ids: the column order of every per-node array. */
  nodes: number[];
  /** "all" mappings, or only the "off-policy" ones (--off-policy). The totals always cover all. */
  listed: "all" | "off-policy";
  mappings: InspectMapping[];
  totals: ResidentTotals;
  /** One entry per policy text, in order of first appearance. */
  byPolicy: (ResidentTotals & { policy: string })[];
  /** Mappings with resident pages on nodes their policy does not allow. */
  offPolicy: { mappings: number; pages: number; bytes: number };
}

/** Modes whose pages must lie on their nodes (bind, interleave, preferred-many, weighted-interleave). */
const CONFINING = new Set<string>(MODES.filter((m) => m.confines).map((m) => m.name));

function kindOf(e: NumaMapsEntry): MappingKind {
  return e.huge ? "huge" : e.heap ? "heap" : e.stack ? "stack" : e.file !== undefined ? "file" : "anon";
}

/**
 * One mapping as inspect shows it: its place, its policy, its pages per node, and how many
 * of them lie on nodes its policy does not allow. The policy is the one numa_maps prints,
 * which for a mapping without a policy of its own is the process's.
 * @param nodes the columns; every node the entry has pages on must be among them
 * @example Basic usage
 * ```ts
 * const [e] = parseNumaMaps("7f0000000000 bind:1 anon=3 N0=2 N1=1 kernelpagesize_kB=4\n");
 * expect(inspectMapping(e!, [0, 1], 4096, 0)).toMatchObject({ pages: [2, 1], offPolicyPages: 2 });
 * ```
 */
export function inspectMapping(e: NumaMapsEntry, nodes: readonly number[], pageSize: number, hugePageSize: number): InspectMapping {
  const pages = nodes.map((n) => e.pagesPerNode[n] ?? 0);
  const allowed = new Set(e.nodes);
  const off = CONFINING.has(e.mode) ? nodes.reduce((a, n, i) => a + (allowed.has(n) ? 0 : pages[i]!), 0) : 0;
  return {
    start: hex(e.start), end: e.end === undefined ? null : hex(e.end),
    bytes: e.end === undefined ? null : Number(e.end - e.start),
    kind: kindOf(e), ...(e.file !== undefined ? { file: e.file } : {}),
    policy: e.policy, mode: e.mode, policyNodes: e.nodes,
    pageSize: mappingPageSize(e, pageSize, hugePageSize),
    pages, residentPages: pages.reduce((a, b) => a + b, 0), offPolicyPages: off,
  };
}

function sum(ms: readonly InspectMapping[], width: number): ResidentTotals {
  const t: ResidentTotals = { mappings: ms.length, pages: Array(width).fill(0), bytes: Array(width).fill(0), totalPages: 0, totalBytes: 0, offPolicyPages: 0 };
  for (const m of ms) {
    m.pages.forEach((p, i) => { t.pages[i]! += p; t.bytes[i]! += p * m.pageSize; });
    t.totalPages += m.residentPages;
    t.totalBytes += m.residentPages * m.pageSize;
    t.offPolicyPages += m.offPolicyPages;
  }
  return t;
}

/**
 * Every mapping of a process with its pages per node, totals per node and per policy, and the
 * mappings whose pages sit on nodes their policy does not allow.
 * @param nodes the machine's nodes; nodes the mappings name are added
 * @example Basic usage
 * ```ts
 * const entries = parseNumaMaps("1000 bind:1 anon=2 N0=2\n2000 default anon=1 N0=1\n");
 * const r = inspectReport(7, "demo", entries, [0, 1], 4096, 0);
 * expect(r.offPolicy).toEqual({ mappings: 1, pages: 2, bytes: 8192 });
 * expect(r.totals.pages).toEqual([3, 0]);
 * ```
 */
export function inspectReport(pid: number, name: string, entries: readonly NumaMapsEntry[], nodes: readonly number[],
  pageSize: number, hugePageSize: number, offPolicyOnly = false): InspectReport {
  const seen = entries.flatMap((e) => Object.keys(e.pagesPerNode).map(Number));
  const cols = [...new Set([...nodes, ...seen])].sort((a, b) => a - b);
  const all = entries.map((e) => inspectMapping(e, cols, pageSize, hugePageSize));
  const off = all.filter((m) => m.offPolicyPages > 0);
  const policies = [...new Set(all.map((m) => m.policy))];
  return {
    pid, name, nodes: cols, listed: offPolicyOnly ? "off-policy" : "all",
    mappings: offPolicyOnly ? off : all,
    totals: sum(all, cols.length),
    byPolicy: policies.map((policy) => ({ policy, ...sum(all.filter((m) => m.policy === policy), cols.length) })),
    offPolicy: { mappings: off.length, pages: sum(off, cols.length).offPolicyPages, bytes: off.reduce((a, m) => a + m.offPolicyPages * m.pageSize, 0) },
  };
}

/**
 * Bytes in binary units: "512 B", "4 KiB", "1.5 MiB", "120 GiB".
 * @example Basic usage
 * ```ts
 * expect(sizeText(1536 * 1024)).toBe("1.5 MiB");
 * ```
 */
export function sizeText(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let v = bytes, u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${u === 0 || v >= 100 || Number.isInteger(v) ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}

/**
 * The report as text: a summary line, the mappings (those with resident pages, unless `all`),
 * resident memory per policy and node, and the off-policy verdict.
 * @param all list the mappings without resident pages too
 * @example Basic usage
 * ```ts
 * const r = inspectReport(7, "demo", parseNumaMaps("1000 bind:1 anon=2 N0=2\n"), [0, 1], 4096, 0);
 * expect(inspectText(r, false)).toMatch(/^Off-policy: 1 mapping with 2 pages \(8 KiB\)/m);
 * ```
 */
export function inspectText(r: InspectReport, all: boolean): string {
  const node = r.nodes.map((n) => `N${n}`);
  const plural = (n: number, word: string): string => `${count(n)} ${word}${n === 1 ? "" : "s"}`;
  const lines = [`PID ${r.pid} (${r.name}): ${plural(r.totals.mappings, "mapping")}, ${sizeText(r.totals.totalBytes)} resident`];
  const shown = all ? r.mappings : r.mappings.filter((m) => m.residentPages > 0);
  lines.push("", r.listed === "off-policy" ? "Off-policy mappings (pages per node)" : "Mappings (pages per node)");
  if (shown.length) {
    // The "off" column only when some mapping has pages there: on one node it never has.
    const off = r.offPolicy.mappings > 0;
    lines.push(table(["range", "size", "policy", ...node, ...(off ? ["off"] : []), "kind"], shown.map((m) => [
      `${m.start}-${m.end ?? "?"}`, m.bytes === null ? "?" : sizeText(m.bytes), m.policy,
      ...m.pages.map((p) => (p ? count(p) : "-")), ...(off ? [m.offPolicyPages ? count(m.offPolicyPages) : ""] : []), m.file ?? m.kind,
    ])));
  } else lines.push("  none");
  const hidden = r.mappings.length - shown.length;
  if (hidden) lines.push(`  (${plural(hidden, "mapping")} without resident pages not shown; --all lists them)`);
  lines.push("", "Resident memory per policy and node");
  const row = (label: string, t: ResidentTotals): string[] => [label, count(t.mappings), ...t.bytes.map(sizeText), sizeText(t.totalBytes)];
  lines.push(table(["policy", "mappings", ...node, "total"], [...r.byPolicy.map((p) => row(p.policy, p)), row("all", r.totals)]));
  lines.push("");
  if (r.offPolicy.mappings === 0) {
    lines.push("Off-policy: none (every resident page of a bind, interleave, preferred-many or weighted-interleave mapping lies on its nodes)");
  } else {
    lines.push(`Off-policy: ${plural(r.offPolicy.mappings, "mapping")} with ${plural(r.offPolicy.pages, "page")} (${sizeText(r.offPolicy.bytes)}) on nodes their policy does not allow (column "off")`);
  }
  return lines.join("\n");
}

/** `numabind inspect PID`: numastat -p, per mapping, with the policy of each. */
export const inspectCommand: CommandFactory = (ctx, nb) =>
  new Command("inspect")
    .description("a process's mappings: policy, pages per node, totals per policy, and pages off their policy's nodes")
    .argument("<pid>", "the process to inspect", processId)
    .option("--off-policy", "list only the mappings with pages on nodes their policy does not allow")
    .option("--all", "list the mappings without resident pages too (text; --json always has them)")
    .option("--json", "print JSON (schema: docs/cli.md)")
    .addHelpText("after", "\nExamples:\n  numabind inspect 1234\n  numabind inspect --off-policy $(pgrep -o postgres)\n"
      + "  numabind inspect 1234 --json | jq '.byPolicy[] | {policy, totalBytes}'")
    .action((pid: number, o: { offPolicy?: boolean; all?: boolean; json?: boolean }) => {
      const t = nb.topology();
      const entries = readProcessMaps(nb, pid);
      const r = inspectReport(pid, processName(pid), entries, t.nodes.map((n) => n.id), t.pageSize, defaultHugePageSize(), o.offPolicy === true);
      printResult(ctx.io, o.json === true, r, () => inspectText(r, o.all === true));
    });
