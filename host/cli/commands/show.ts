import { Command } from "commander";
import type { Numabind } from "../../mod.ts";
import { type CommandFactory, printResult } from "../io.ts";

/** What `numabind show` reports: the calling process's policy and CPUs, as numactl --show. */
export interface ShowReport {
  /** The thread policy's mode, numactl's name for it. */
  policy: string;
  /** Mode flags the policy was set with. */
  flags: { static: boolean; relative: boolean; balancing: boolean };
  /** numactl's "preferred node": the first node of the policy, or null for default and local. */
  preferredNode: number | null;
  /** For the interleaving modes, the node the next interleaved page goes to. */
  nextNode?: number;
  /** For the interleaving modes, the nodes interleaved over. */
  interleaveMask?: number[];
  /** The CPUs this process may run on (sched_getaffinity). */
  physcpubind: number[];
  /** Nodes with a CPU in physcpubind; numactl prints it twice, as cpubind and nodebind. */
  nodebind: number[];
  /** Nodes memory may come from: the bind nodes, else every node the cpuset allows. */
  membind: number[];
  /** The policy's nodes, whatever its mode (numactl prints them so, interleave included). */
  preferred: number[];
}

/**
 * The calling thread's policy and CPUs, gathered as numactl --show gathers them.
 * @example
 * ```ts
 * const r = showReport(numabind);
 * expect(r.physcpubind).toEqual(numabind.getAffinity().toArray());
 * ```
 */
export function showReport(nb: Numabind): ShowReport {
  const p = nb.getThreadPolicy();
  const cpus = nb.getAffinity();
  const t = nb.topology();
  const nodes = p.nodes.toArray();
  const interleaving = p.mode === "interleave" || p.mode === "weighted-interleave";
  const report: ShowReport = {
    policy: p.mode,
    flags: { static: p.static === true, relative: p.relative === true, balancing: p.balancing === true },
    preferredNode: p.mode === "default" || p.mode === "local" ? null : interleaving ? (p.nextNode ?? nodes[0] ?? 0) : (nodes[0] ?? 0),
    physcpubind: cpus.toArray(),
    nodebind: t.nodes.filter((n) => n.cpus.some((c) => cpus.has(c))).map((n) => n.id),
    membind: p.mode === "bind" ? nodes : t.memsAllowed.toArray(),
    preferred: nodes,
  };
  if (interleaving) {
    report.interleaveMask = nodes;
    if (p.nextNode !== undefined) report.nextNode = p.nextNode;
  }
  return report;
}

/**
 * The report in numactl --show's lines. Each list ends in a blank, as numactl prints it, so
 * that scripts which split numactl's lines split these the same way.
 * @example
 * ```ts
 * expect(showText(showReport(numabind))).toMatch(/^policy: default\npreferred node: current\n/);
 * ```
 */
export function showText(r: ShowReport): string {
  const list = (name: string, ids: readonly number[]): string => `${name}: ${ids.map((i) => `${i} `).join("")}`;
  const flags = [r.flags.static && "static", r.flags.relative && "relative", r.flags.balancing && "balancing"].filter(Boolean);
  const lines = [`policy: ${r.policy}${flags.length ? ` (${flags.join(", ")})` : ""}`];
  if (r.preferredNode === null) lines.push("preferred node: current");
  else if (r.interleaveMask) lines.push(`preferred node: ${r.preferredNode} (interleave next)`);
  else if (r.policy === "preferred-many") lines.push(`preferred node: ${r.preferredNode} (preferred-many)`);
  else lines.push(`preferred node: ${r.preferredNode}`);
  if (r.interleaveMask) {
    lines.push(list("interleavemask", r.interleaveMask));
    lines.push(`interleavenode: ${r.nextNode ?? r.preferredNode}`);
  }
  lines.push(list("physcpubind", r.physcpubind), list("cpubind", r.nodebind), list("nodebind", r.nodebind));
  lines.push(list("membind", r.membind), list("preferred", r.preferred));
  return lines.join("\n");
}

/** `numabind show`: numactl --show. */
export const showCommand: CommandFactory = (ctx, nb) =>
  new Command("show")
    .description("this process's memory policy and CPUs (numactl --show's lines); under `numabind run`, what the command inherits")
    .option("--json", "print JSON (schema: docs/cli.md)")
    .addHelpText("after", "\nExamples:\n  numabind show\n  numabind run --membind=0 --cpunodebind=0 numabind show\n  numabind show --json | jq .membind")
    .action((o: { json?: boolean }) => {
      const r = showReport(nb);
      printResult(ctx.io, o.json === true, r, () => showText(r));
    });
