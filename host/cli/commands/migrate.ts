import { Command } from "commander";
import { Nodemask, NodestringError, type Numabind } from "../../mod.ts";
import { count, duration } from "../format.ts";
import { CliFailure, type CliIo, type CommandFactory, oneLine, printResult, UsageError } from "../io.ts";
import { movingNodes, type PagesPerNode, pagesLeft, pagesPerNode } from "../migrate_counts.ts";
import { runMigration } from "../migrate_watch.ts";
import { processId } from "../options.ts";

/** What `numabind migrate --json` prints (docs/cli.md). */
export interface MigrateReport {
  pid: number;
  /** The FROM and TO nodes as parsed. */
  from: number[];
  to: number[];
  /** Resident pages per node id before and after, from /proc/PID/numa_maps. */
  pagesBefore: PagesPerNode;
  pagesAfter: PagesPerNode;
  /** Pages that left the FROM nodes the kernel empties (numa_maps before minus after). */
  moved: number;
  /** Pages the kernel could not move: migrate_pages's return value. */
  notMoved: number;
  /** Milliseconds the migrate_pages call took. */
  ms: number;
}

/**
 * FROM or TO in numactl's nodestring grammar, read as migratepages reads them: against every
 * configured node, not this process's cpuset, since the target process may have another one.
 * @throws UsageError naming the argument and what is wrong
 * @example Basic usage
 * ```ts
 * expect(migrateNodes("0", "FROM", [0]).toArray()).toEqual([0]);
 * expect(() => migrateNodes("5", "FROM", [0])).toThrow(/not configured/);
 * ```
 */
export function migrateNodes(s: string, arg: "FROM" | "TO", configured: readonly number[]): Nodemask {
  let m: Nodemask;
  try {
    m = Nodemask.parse(s, { configured: [...configured], allowed: [...configured] }, arg);
  } catch (e) {
    if (e instanceof NodestringError) throw new UsageError(oneLine(e));
    throw e;
  }
  if (m.isEmpty) throw new UsageError(`${arg} ${JSON.stringify(s)} names no node; give nodes such as 0 or 0-1 (configured nodes: ${Nodemask.of(...configured).toList()})`);
  return m;
}

/**
 * The report in lines: what moved, what the kernel could not move, and pages per node.
 * @example Basic usage
 * ```ts
 * const r = { pid: 42, from: [0], to: [1], pagesBefore: { 0: 10, 1: 0 }, pagesAfter: { 0: 0, 1: 10 }, moved: 10, notMoved: 0, ms: 1.5 };
 * expect(migrateText(r)).toMatch(/^pid 42: 10 pages moved from node 0 to node 1 in 1\.50 ms; the kernel could not move 0/);
 * ```
 */
export function migrateText(r: MigrateReport): string {
  const list = (ids: number[]): string => `node${ids.length > 1 ? "s" : ""} ${Nodemask.of(...ids).toList()}`;
  const lines = [`pid ${r.pid}: ${count(r.moved)} pages moved from ${list(r.from)} to ${list(r.to)} in ${duration(r.ms)}; the kernel could not move ${count(r.notMoved)}`];
  for (const n of Object.keys(r.pagesBefore).map(Number)) {
    lines.push(`  node ${n}  ${count(r.pagesBefore[n] ?? 0).padStart(12)} -> ${count(r.pagesAfter[n] ?? 0).padStart(12)} pages`);
  }
  return lines.join("\n");
}

/** A permission refusal (numa_maps unreadable, migrate_pages EPERM) with the fix appended. */
function withFix(e: unknown, pid: number, argv: string): unknown {
  const code = (e as { code?: unknown }).code;
  if (code !== "EPERM" && code !== "EACCES") return e;
  return new CliFailure(`${oneLine(e)}; to fix: run it as the user that owns pid ${pid} or as root (sudo numabind migrate ${argv}), with CAP_SYS_NICE to move pages outside that process's cpuset`);
}

/**
 * Migrates and reports: counts before, migrate_pages, counts after.
 * @example Basic usage
 * ```ts
 * const io = { out: () => {}, err: () => {}, errIsTTY: false };
 * expect((await migrate(numabind, io, process.pid, "0", "0")).notMoved).toBe(0);
 * ```
 */
export async function migrate(nb: Numabind, io: CliIo, pid: number, fromArg: string, toArg: string): Promise<MigrateReport> {
  const nodes = nb.topology().nodes.map((n) => n.id);
  const from = migrateNodes(fromArg, "FROM", nodes), to = migrateNodes(toArg, "TO", nodes);
  const argv = `${pid} ${fromArg} ${toArg}`;
  try {
    const before = pagesPerNode(nb.numaMaps(pid), nodes);
    const moving = movingNodes(from, to);
    const r = await runMigration(nb, io, { pid, from, to, before, nodes, moving });
    return {
      pid, from: from.toArray(), to: to.toArray(), pagesBefore: before, pagesAfter: r.after,
      moved: pagesLeft(before, r.after, moving), notMoved: r.notMoved, ms: Math.round(r.ms * 1000) / 1000,
    };
  } catch (e) {
    throw withFix(e, pid, argv);
  }
}

/** `numabind migrate`: numactl's migratepages. */
export const migrateCommand: CommandFactory = (ctx, nb) =>
  new Command("migrate")
    .description("move every page of a process from some nodes to others (numactl's migratepages), and count them")
    .argument("<pid>", "the process", processId)
    .argument("<from>", "nodes to move pages off (nodestring: 0  0-3  1,3  all  !2)")
    .argument("<to>", "nodes to move them to (nodestring)")
    .option("--json", "print JSON (schema: docs/cli.md)")
    .addHelpText("after", [
      "", "Pages are counted per node from /proc/PID/numa_maps before and after; on a terminal a bar",
      "shows them leaving FROM. Exit 1 when the process does not exist or may not be migrated by you,",
      "2 for a bad argument.",
      "", "Examples:",
      "  numabind migrate 4242 0 1",
      "  numabind migrate 4242 0-1 2-3",
      "  numabind migrate $(pgrep -n node) all 0 --json | jq .notMoved",
    ].join("\n"))
    .action(async (pid: number, from: string, to: string, o: { json?: boolean }) => {
      const r = await migrate(nb, ctx.io, pid, from, to);
      printResult(ctx.io, o.json === true, r, () => migrateText(r));
    });
