import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { constants } from "node:os";
import { Command, Option } from "commander";
import { Cpumask, Nodemask, NodestringError, type Numabind, type Policy } from "../../mod.ts";
import { CliFailure, type CommandFactory, oneLine, UsageError } from "../io.ts";

/** numactl's options, as commander hands them over (`--preferred-many` → preferredMany). */
export interface RunOptions {
  interleave?: string;
  membind?: string;
  preferred?: string;
  preferredMany?: string;
  weightedInterleave?: string;
  localalloc?: boolean;
  cpunodebind?: string;
  cpubind?: string;
  physcpubind?: string;
  balancing?: boolean;
  all?: boolean;
  json?: boolean;
}

/** What `run` applies before it starts the command. */
export interface RunSettings {
  /** The thread policy the command inherits, or none to leave the inherited one. */
  policy?: Policy;
  /** The CPUs the command may run on, or none to leave the inherited ones. */
  cpus?: { nodes: Nodemask } | { cpus: Cpumask | string };
}

const POLICY_OPTIONS = [
  ["interleave", "--interleave", "interleave"], ["membind", "--membind", "bind"], ["preferred", "--preferred", "preferred"],
  ["preferredMany", "--preferred-many", "preferred-many"], ["weightedInterleave", "--weighted-interleave", "weighted-interleave"],
] as const;

/**
 * Turns numactl's options into what to apply, checking everything before any syscall: one
 * memory policy at most, one CPU binding at most, nodestrings and cpustrings in numactl's
 * grammar (within the cpuset, or within every configured node and possible CPU with --all).
 * @throws UsageError naming the option and the rule
 * @example Basic usage
 * ```ts
 * expect(runSettings(numabind, { membind: "0" }).policy).toEqual({ mode: "bind", nodes: Nodemask.of(0) });
 * expect(() => runSettings(numabind, { membind: "0", interleave: "0" })).toThrow(/give one/);
 * ```
 */
export function runSettings(nb: Numabind, o: RunOptions): RunSettings {
  const t = nb.topology();
  const configured = t.nodes.map((n) => n.id);
  const ctx = { configured, allowed: o.all ? configured : t.memsAllowed.toArray() };
  const nodesOf = (flag: string, s: string): Nodemask => {
    try {
      const m = Nodemask.parse(s, ctx, flag);
      if (m.isEmpty) throw new UsageError(`${flag} ${JSON.stringify(s)} names no node${o.all ? "" : ` this process may use (allowed nodes: ${t.memsAllowed.toList()}; --all lifts the cpuset)`}`);
      return m;
    } catch (e) {
      if (e instanceof NodestringError) throw new UsageError(oneLine(e));
      throw e;
    }
  };
  const given = POLICY_OPTIONS.filter(([k]) => o[k] !== undefined);
  const policies = [...given.map(([, flag]) => flag), ...(o.localalloc ? ["--localalloc"] : [])];
  if (policies.length > 1) throw new UsageError(`${policies.join(" and ")} each set a memory policy: give one`);
  const settings: RunSettings = {};
  if (o.localalloc) settings.policy = { mode: "local" };
  for (const [key, flag, mode] of given) {
    const nodes = nodesOf(flag, o[key]!);
    if (mode === "preferred" && nodes.size !== 1) {
      throw new UsageError(`--preferred takes one node, current value is ${JSON.stringify(o[key])} (${nodes.toList()}); for several, use --preferred-many`);
    }
    settings.policy = { mode, nodes };
  }
  if (o.balancing) {
    if (settings.policy?.mode !== "bind") throw new UsageError("--balancing goes only with --membind (MPOL_F_NUMA_BALANCING is a bind flag)");
    settings.policy = { ...settings.policy, balancing: true };
  }
  const cpuFlags = [o.cpunodebind !== undefined && "--cpunodebind", o.cpubind !== undefined && "--cpubind", o.physcpubind !== undefined && "--physcpubind"].filter(Boolean);
  if (cpuFlags.length > 1) throw new UsageError(`${cpuFlags.join(" and ")} each bind the CPUs: give one`);
  const nodeArg = o.cpunodebind ?? o.cpubind;
  if (nodeArg !== undefined) settings.cpus = { nodes: nodesOf(o.cpunodebind !== undefined ? "--cpunodebind" : "--cpubind", nodeArg) };
  if (o.physcpubind !== undefined) settings.cpus = { cpus: cpusOf(o.physcpubind, o.all === true) };
  return settings;
}

/**
 * A cpustring, checked against its grammar and the possible CPUs now (a usage error), applied
 * later: within the cpuset by setAffinity, or as parsed over every possible CPU with --all.
 */
function cpusOf(s: string, all: boolean): Cpumask | string {
  const possible = Cpumask.fromList(readFileSync("/sys/devices/system/cpu/possible", "utf8").trim());
  try {
    const m = Cpumask.parse(s, { possible, allowed: possible }, "--physcpubind");
    return all ? m : s;
  } catch (e) {
    if (e instanceof NodestringError) throw new UsageError(oneLine(e));
    throw e;
  }
}

/**
 * Starts `command` under `settings` and resolves with its exit status (128 + the signal's
 * number when a signal ended it). The policy and CPUs are set on numabind's main thread just
 * before the fork, which the child inherits, and put back as soon as spawn returns (the child
 * has exec'd by then), so numabind's own later allocations keep the policy they had.
 * @example
 * ```ts
 * expect(await runUnder(numabind, { policy: { mode: "bind", nodes: [0] } }, "true", [])).toBe(0);
 * ```
 */
export async function runUnder(nb: Numabind, settings: RunSettings, command: string, args: readonly string[]): Promise<number> {
  const before = { policy: policyOf(nb.getThreadPolicy()), cpus: nb.getAffinity() };
  let child;
  try {
    if (settings.policy) nb.setThreadPolicy(settings.policy);
    if (settings.cpus && "nodes" in settings.cpus) nb.runOnNodes(settings.cpus.nodes);
    if (settings.cpus && "cpus" in settings.cpus) nb.setAffinity(settings.cpus.cpus);
    child = spawn(command, args, { stdio: "inherit" });
  } finally {
    if (settings.policy) nb.setThreadPolicy(before.policy);
    if (settings.cpus) nb.setAffinity(before.cpus);
  }
  // While the command runs, the terminal's ^C and ^\ reach both; the command decides.
  const ignore = (): void => {};
  const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
  const handlers = [["SIGINT", ignore], ["SIGQUIT", ignore], ["SIGTERM", forward("SIGTERM")], ["SIGHUP", forward("SIGHUP")]] as const;
  for (const [sig, h] of handlers) process.on(sig, h);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once("error", (e: NodeJS.ErrnoException) => {
        reject(new CliFailure(`cannot run ${JSON.stringify(command)}: ${e.code === "ENOENT" ? "no such command on PATH" : e.code === "EACCES" ? "it is not executable" : e.message}`));
      });
      child.once("exit", (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
    });
  } finally {
    for (const [sig, h] of handlers) process.off(sig, h);
  }
}

/** A policy read back, as a policy setThreadPolicy takes (only the keys it knows). */
function policyOf(p: ReturnType<Numabind["getThreadPolicy"]>): Policy {
  if (p.mode === "default" || p.mode === "local") return { mode: p.mode };
  return { mode: p.mode, nodes: p.nodes, ...(p.static ? { static: true } : {}), ...(p.relative ? { relative: true } : {}), ...(p.balancing ? { balancing: true } : {}) };
}

/** `numabind run`: numactl with a command. */
export const runCommand: CommandFactory = (ctx, nb) =>
  new Command("run")
    .description("run a command under a memory policy and CPU binding it inherits (numactl's options)")
    .usage("[options] [--] command [args...]")
    .passThroughOptions()
    .argument("<command...>", "the command and its arguments")
    .option("-i, --interleave <nodes>", "interleave pages over these nodes")
    .option("-m, --membind <nodes>", "allocate only on these nodes (bind)")
    .option("-p, --preferred <node>", "prefer this node, fall back to others")
    .option("-P, --preferred-many <nodes>", "prefer these nodes, fall back to others (Linux 5.15)")
    .option("-w, --weighted-interleave <nodes>", "interleave by the weights in sysfs (Linux 6.9)")
    .option("-l, --localalloc", "allocate on the node of the CPU that touches the page")
    .option("-b, --balancing", "with --membind: let NUMA balancing move pages within the nodes (Linux 5.12)")
    .option("-N, --cpunodebind <nodes>", "run only on the CPUs of these nodes")
    .addOption(new Option("-c, --cpubind <nodes>", "the old name of --cpunodebind").hideHelp())
    .option("-C, --physcpubind <cpus>", "run only on these CPUs")
    .option("-a, --all", "nodestrings and cpustrings reach past the cpuset (numactl -a)")
    .option("--json", "when the command ends, one JSON line on stderr: what ran, under what, and how it ended")
    .addHelpText("after", [
      "", "Nodestrings: 1,3  0-3  all  !2 (every allowed node but 2)  +0-1 (the first two allowed nodes).",
      "The exit status is the command's (128 + N when signal N ended it); 1 when it cannot start, 2 for a usage error.",
      "", "Examples:",
      "  numabind run --membind=0 --cpunodebind=0 node server.js",
      "  numabind run -i all -- memhog 1G",
      "  numabind run --preferred-many=0,1 --physcpubind=0-3 ./bench",
    ].join("\n"))
    .action(async (argv: string[], o: RunOptions) => {
      const settings = runSettings(nb, o);
      const [command, ...args] = argv;
      if (!command) throw new UsageError("run needs a command to start");
      const t0 = performance.now();
      const status = await runUnder(nb, settings, command, args);
      if (o.json) {
        const cpus = settings.cpus && ("nodes" in settings.cpus ? { nodes: settings.cpus.nodes.toArray() } : { cpus: typeof settings.cpus.cpus === "string" ? settings.cpus.cpus : settings.cpus.cpus.toArray() });
        const policy = settings.policy && { ...settings.policy, ...("nodes" in settings.policy && settings.policy.nodes instanceof Nodemask ? { nodes: settings.policy.nodes.toArray() } : {}) };
        ctx.io.err(JSON.stringify({ command: argv, policy: policy ?? null, cpus: cpus ?? null, status, ms: Math.round(performance.now() - t0) }) + "\n");
      }
      ctx.finish(status);
    });
