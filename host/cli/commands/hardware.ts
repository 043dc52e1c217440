import type { Topology } from "../../mod.ts";
import { MiB } from "../format.ts";

/**
 * The topology in numactl --hardware's layout, so that scripts reading one can read the other.
 * @example
 * ```ts
 * expect(hardwareText(readTopology())).toMatch(/^available: \d+ nodes/);
 * ```
 */
export function hardwareText(t: Topology): string {
  const ids = t.nodes.map((n) => n.id);
  const lines = [`available: ${ids.length} nodes (${t.online.toList()})`];
  for (const n of t.nodes) {
    lines.push(`node ${n.id} cpus: ${n.cpus.join(" ")}`.trimEnd());
    lines.push(`node ${n.id} size: ${Math.floor(n.memTotal / MiB)} MB`);
    lines.push(`node ${n.id} free: ${Math.floor(n.memFree / MiB)} MB`);
  }
  if (t.nodes.every((n) => Object.keys(n.distances).length === 0)) {
    lines.push("No distance information available.");
    return lines.join("\n");
  }
  const w = Math.max(3, ...ids.map((i) => String(i).length));
  lines.push("node distances:");
  lines.push(`node ${ids.map((i) => String(i).padStart(w)).join(" ")}`);
  for (const n of t.nodes) {
    lines.push(`${String(n.id).padStart(3)}: ${ids.map((j) => String(n.distances[j] ?? "-").padStart(w)).join(" ")}`);
  }
  return lines.join("\n");
}
