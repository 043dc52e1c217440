import { Command } from "commander";
import type { Numabind, Topology } from "../../mod.ts";
import { MiB } from "../format.ts";
import { type CommandFactory, printResult } from "../io.ts";

/**
 * The topology in numactl --hardware's layout, so that scripts reading one can read the other:
 * the same lines, the node list folded into ranges, sizes in MB (MiB, as numactl prints them),
 * the distance table with numactl's column width.
 * @example
 * ```ts
 * expect(hardwareText(readTopology())).toMatch(/^available: \d+ nodes/);
 * ```
 */
export function hardwareText(t: Topology): string {
  const ids = t.nodes.map((n) => n.id);
  const lines = [`available: ${ids.length} nodes (${t.online.toList()})`];
  for (const n of t.nodes) {
    lines.push(`node ${n.id} cpus:${n.cpus.map((c) => ` ${c}`).join("")}`);
    lines.push(`node ${n.id} size: ${Math.floor(n.memTotal / MiB)} MB`);
    lines.push(`node ${n.id} free: ${Math.floor(n.memFree / MiB)} MB`);
  }
  if (t.nodes.every((n) => Object.keys(n.distances).length === 0)) {
    lines.push("No distance information available.");
    return lines.join("\n");
  }
  const cell = (v: number | string): string => `${String(v).padStart(3)} `;
  lines.push("node distances:");
  lines.push(`node ${ids.map(cell).join("")}`);
  for (const n of t.nodes) lines.push(`${String(n.id).padStart(3)}: ${ids.map((j) => cell(n.distances[j] ?? "-")).join("")}`);
  return lines.join("\n");
}

/**
 * The topology as `numabind hardware --json` prints it (schema in docs/cli.md).
 * @example
 * ```ts
 * expect(hardwareJson(readTopology()).nodes[0]).toHaveProperty("memTotalBytes");
 * ```
 */
export function hardwareJson(t: Topology): object {
  return {
    available: t.nodes.map((n) => n.id),
    online: t.online.toArray(),
    withMemory: t.withMemory.toArray(),
    withCpus: t.withCpus.toArray(),
    memsAllowed: t.memsAllowed.toArray(),
    pageSize: t.pageSize,
    nodes: t.nodes.map((n) => ({
      id: n.id, cpus: n.cpus, memTotalBytes: n.memTotal, memFreeBytes: n.memFree,
      distances: t.nodes.map((m) => n.distances[m.id] ?? null),
    })),
  };
}

/** `numabind hardware`: numactl --hardware. */
export const hardwareCommand: CommandFactory = (ctx, nb: Numabind) =>
  new Command("hardware")
    .description("nodes, CPUs, memory and distances (numactl --hardware's layout)")
    .option("--json", "print JSON (schema: docs/cli.md)")
    .addHelpText("after", "\nExamples:\n  numabind hardware\n  numabind hardware --json | jq '.nodes[] | {id, memFreeBytes}'")
    .action((o: { json?: boolean }) => {
      const t = nb.topology();
      printResult(ctx.io, o.json === true, hardwareJson(t), () => hardwareText(t));
    });
