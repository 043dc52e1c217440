import { existsSync, readdirSync, readFileSync } from "node:fs";
import { Argument, Command, InvalidArgumentError } from "commander";
import type { Numabind, NumaMapsEntry } from "../../mod.ts";
import { MiB } from "../format.ts";
import { CliFailure, type CommandFactory, printResult } from "../io.ts";
import { processId } from "../options.ts";
import { defaultHugePageSize, mappingPageSize, matchProcesses, processName, readOr, readProcessMaps } from "../processes.ts";
import { statText } from "./_numastat_text.ts";
import type { ProcessUsage, StatOptions, StatReport, StatRow, StatTable } from "./_stat_types.ts";

export { defaultHugePageSize, mappingPageSize, matchProcesses, processName, readProcessMaps } from "../processes.ts";
export { statText } from "./_numastat_text.ts";
export type { ProcessUsage, StatOptions, StatReport, StatRow, StatTable } from "./_stat_types.ts";

const NODE_DIR = "/sys/devices/system/node";

/** A kernel file's text, or a CliFailure naming the file, the reason and what it is for. */
function readKernelFile(path: string, what: string): string {
  try { return readFileSync(path, "utf8"); } catch (e) {
    throw new CliFailure(`cannot read ${path} (${(e as { code?: string }).code ?? String(e)}): ${what}`);
  }
}

/** Rows joined over nodes by name, in the order the first node's file lists them. */
function joinByName(perNode: readonly (readonly [string, number])[][]): StatRow[] {
  const rows = new Map<string, StatRow>();
  perNode.forEach((pairs, i) => {
    for (const [name, value] of pairs) {
      let row = rows.get(name);
      if (!row) rows.set(name, row = { name, perNode: perNode.map(() => 0), total: 0 });
      row.perNode[i] = value;
    }
  });
  for (const row of rows.values()) row.total = row.perNode.reduce((a, b) => a + b, 0);
  return [...rows.values()];
}

/**
 * The per-node counters table from each node's numastat file ("numa_hit 1234" lines).
 * @param texts one file per node, in column order
 * @param unit "pages" keeps the counts; "MiB" multiplies by the page size, as numastat -n does
 * @example Basic usage
 * ```ts
 * const t = countersTable(["numa_hit 512\nnuma_miss 0\n"], 4096, "MiB");
 * expect(t.rows[0]).toEqual({ name: "numa_hit", perNode: [2], total: 2 });
 * ```
 */
export function countersTable(texts: readonly string[], pageSize: number, unit: StatTable["unit"]): StatTable {
  const scale = unit === "MiB" ? pageSize / MiB : 1;
  return {
    unit,
    rows: joinByName(texts.map((t) => t.split("\n").map((l) => l.trim().split(/\s+/))
      .filter((f) => f.length === 2).map(([name, v]) => [name!, Number(v) * scale] as const))),
  };
}

/** Bytes of huge pages on one node by meminfo field, over every huge page size. */
export type HugePageBytes = Partial<Record<"HugePages_Total" | "HugePages_Free" | "HugePages_Surp", number>>;

/**
 * The per-node meminfo table in MiB from each node's meminfo file ("Node 0 MemFree: 12 kB").
 * Rows come in the kernel's order, every field included (numastat 2.0.19 does the same; 2.0.16
 * kept a fixed list). The HugePages_* lines count pages of the default size only; like
 * numastat since 2.0.17 the table takes them from `hugeBytes`, over every size, when given.
 * @param hugePageSize the default huge page size in bytes, for counts without `hugeBytes`
 * @example Basic usage
 * ```ts
 * const t = meminfoTable(["Node 0 MemTotal: 2048 kB\nNode 0 HugePages_Total: 1\n"], [undefined], 2 * MiB);
 * expect(t.rows.map((r) => r.total)).toEqual([2, 2]);
 * ```
 */
export function meminfoTable(texts: readonly string[], hugeBytes: readonly (HugePageBytes | undefined)[], hugePageSize: number): StatTable {
  return {
    unit: "MiB",
    rows: joinByName(texts.map((text, i) => text.split("\n").flatMap((line) => {
      const m = /^Node\s+\d+\s+(\S+):\s+(\d+)\s*(kB)?/.exec(line);
      if (!m) return [];
      const name = m[1]!, n = Number(m[2]);
      const huge = name.startsWith("HugePages_") ? hugeBytes[i]?.[name as keyof HugePageBytes] ?? n * hugePageSize : undefined;
      return [[name, (huge ?? (m[3] ? n * 1024 : n)) / MiB] as const];
    }))),
  };
}


const CATEGORIES = ["huge", "heap", "stack", "private"] as const;

/**
 * A process's memory per node in numastat -p's categories: hugetlb mappings are huge, then
 * heap, then stack, and every other mapping (file-backed ones too) is private.
 * @param nodes the columns; pages on other nodes are left out (numa_maps names only nodes with memory)
 * @example Basic usage
 * ```ts
 * const u = processUsage(1, "a", parseNumaMaps("1000 default heap anon=256 N0=256 kernelpagesize_kB=4\n"), [0], 4096, 0);
 * expect(u.rows.find((r) => r.name === "heap")?.total).toBe(1);
 * ```
 */
export function processUsage(pid: number, name: string, entries: readonly NumaMapsEntry[], nodes: readonly number[],
  pageSize: number, hugePageSize: number): ProcessUsage {
  // Bytes stay whole numbers until the end, so sums do not depend on the order of addition.
  const bytes = CATEGORIES.map(() => nodes.map(() => 0));
  for (const e of entries) {
    const row = bytes[e.huge ? 0 : e.heap ? 1 : e.stack ? 2 : 3]!;
    const size = mappingPageSize(e, pageSize, hugePageSize);
    for (const [node, pages] of Object.entries(e.pagesPerNode)) {
      const col = nodes.indexOf(Number(node));
      if (col >= 0) row[col]! += pages * size;
    }
  }
  const toRow = (rowName: string, perNode: number[]): StatRow =>
    ({ name: rowName, perNode: perNode.map((b) => b / MiB), total: perNode.reduce((a, b) => a + b, 0) / MiB });
  return {
    pid, name, unit: "MiB",
    rows: CATEGORIES.map((c, i) => toRow(c, bytes[i]!)),
    total: toRow("total", nodes.map((_, col) => bytes.reduce((a, r) => a + r[col]!, 0))),
  };
}

const HUGE_FILES = { HugePages_Total: "nr_hugepages", HugePages_Free: "free_hugepages", HugePages_Surp: "surplus_hugepages" } as const;

/** Huge page bytes per meminfo field on one node, over every size, or undefined without sysfs. */
function hugePageBytes(node: number): HugePageBytes | undefined {
  const dir = `${NODE_DIR}/node${node}/hugepages`;
  if (!existsSync(dir)) return undefined;
  const out: HugePageBytes = { HugePages_Total: 0, HugePages_Free: 0, HugePages_Surp: 0 };
  for (const d of readdirSync(dir)) {
    const kB = Number(/^hugepages-(\d+)kB$/.exec(d)?.[1] ?? 0);
    for (const [field, file] of Object.entries(HUGE_FILES) as [keyof HugePageBytes, string][]) {
      out[field]! += Number(readOr(`${dir}/${d}/${file}`, "0").trim()) * kB * 1024;
    }
  }
  return out;
}


/** The pids `-p` names: numbers as they are, patterns by matching, sorted, without repeats. */
function resolveProcesses(specs: readonly string[]): number[] {
  const pids = new Set<number>();
  for (const s of specs) {
    if (/^\d+$/.test(s)) pids.add(Number(s));
    else {
      const found = matchProcesses(s);
      if (found.length === 0) throw new CliFailure(`no process has '${s}' in its name or command line; list them with 'ps -eo pid,comm,args'`);
      for (const p of found) pids.add(p);
    }
  }
  return [...pids].sort((a, b) => a - b);
}

/**
 * Gathers what `numabind stat` shows. Pids given as numbers must be readable; processes found
 * by a pattern that exit meanwhile are left out, and those this user may not read are named
 * through `warn`.
 * @example Basic usage
 * ```ts
 * const r = statReport(numabind, { processes: [], meminfo: false, countersInMiB: false });
 * expect(r.counters?.rows[0]?.name).toBe("numa_hit");
 * ```
 */
export function statReport(nb: Numabind, o: StatOptions, warn: (line: string) => void = () => {}): StatReport {
  const t = nb.topology();
  const hugePageSize = defaultHugePageSize();
  const maps: { pid: number; name: string; entries: NumaMapsEntry[] }[] = [];
  const unreadable: number[] = [];
  const explicit = new Set(o.processes.filter((s) => /^\d+$/.test(s)).map(Number));
  for (const pid of resolveProcesses(o.processes)) {
    try {
      maps.push({ pid, name: processName(pid), entries: readProcessMaps(nb, pid) });
    } catch (e) {
      if (explicit.has(pid)) throw e;
      if (/permission denied/.test((e as Error).message)) unreadable.push(pid);
    }
  }
  if (unreadable.length) warn(`skipped ${unreadable.length} matching process(es) this user may not read (pids ${unreadable.join(", ")}): run numabind as their user or as root`);
  if (o.processes.length > 0 && maps.length === 0) throw new CliFailure("every matching process has exited or may not be read; run numabind as their user or as root");
  const seen = maps.flatMap((m) => m.entries.flatMap((e) => Object.keys(e.pagesPerNode).map(Number)));
  const nodes = [...new Set([...t.nodes.map((n) => n.id), ...seen])].sort((a, b) => a - b);
  const report: StatReport = { nodes, pageSize: t.pageSize };
  if (maps.length) report.processes = maps.map((m) => processUsage(m.pid, m.name, m.entries, nodes, t.pageSize, hugePageSize));
  const sysfs = (file: string): string[] => nodes.map((n) =>
    readKernelFile(`${NODE_DIR}/node${n}/${file}`, "the per-node tables need sysfs mounted at /sys and a kernel with NUMA support"));
  if (o.meminfo) report.meminfo = meminfoTable(sysfs("meminfo"), nodes.map(hugePageBytes), hugePageSize);
  if (o.countersInMiB || (o.processes.length === 0 && !o.meminfo)) {
    report.counters = countersTable(sysfs("numastat"), t.pageSize, o.countersInMiB ? "MiB" : "pages");
  }
  return report;
}

/** A commander parser for a -p value: a pid (checked as one) or a name pattern, collected. */
function processSpec(value: string, previous: string[] | undefined): string[] {
  if (/^\d+$/.test(value)) processId(value);
  else if (value.trim() === "") throw new InvalidArgumentError("give a process id or a part of a process name");
  return [...(previous ?? []), value];
}

/** `numabind stat`: numastat. */
export const statCommand: CommandFactory = (ctx, nb) =>
  new Command("stat")
    .description("per-node NUMA counters, meminfo and process memory (numastat's tables)")
    .option("-p, --process <pid|name>", "memory per node of a process, or of every process whose name or command line contains name (repeatable)", processSpec)
    .option("-m, --meminfo", "per-node system meminfo, in MB")
    .option("-n, --counters-mb", "the counters table in MB instead of pages (numastat -n)")
    .option("-z, --skip-zero", "leave out rows and columns of zeros (text only)")
    .option("--json", "print JSON (schema: docs/cli.md)")
    .addArgument(new Argument("[process...]", "more pids or names, as numastat takes them").argParser(processSpec))
    .addHelpText("after", "\nExamples:\n  numabind stat\n  numabind stat -n -z\n  numabind stat -m\n  numabind stat -p 1234 -p postgres\n"
      + "  numabind stat --json | jq '.counters.rows[] | select(.name == \"numa_miss\") | .perNode'")
    .action((more: string[] | undefined, o: { process?: string[]; meminfo?: boolean; countersMb?: boolean; skipZero?: boolean; json?: boolean }) => {
      const opts = { processes: [...(o.process ?? []), ...(more ?? [])], meminfo: o.meminfo === true, countersInMiB: o.countersMb === true };
      const r = statReport(nb, opts, (line) => ctx.io.err(`numabind stat: ${line}\n`));
      printResult(ctx.io, o.json === true, r, () => statText(r, o.skipZero === true));
    });
