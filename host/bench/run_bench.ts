// runBench(): the whole measuring side of `numabind bench`, section by section, into one
// report of schema "numabind-bench/1".
import { freemem } from "node:os";
import { available, cpusOf, getAffinity, topology } from "../mod.ts";
import { steps } from "./_progress.ts";
import { bindingSteps, runBindingSuite } from "./binding_suite.ts";
import { readEnvironment } from "./environment.ts";
import { openKernels } from "./kernels.ts";
import { CELL_STEPS, runMatrix } from "./matrix.ts";
import { migrationSteps, runMigration } from "./migration.ts";
import { resolveOptions, type BenchOptions } from "./options.ts";
import { policyRowSpecs, runPolicyRows } from "./policy_rows.ts";
import { BENCH_SCHEMA, type BenchReport } from "./report_schema.ts";

/**
 * The nodes the bench runs on: CPU nodes (with CPUs in this thread's affinity, so that
 * runOnNodes can pin there) and memory nodes (with memory, in Mems_allowed).
 * @example Basic usage
 * ```ts
 * const { cpuNodes, memNodes } = benchNodes();
 * assert(cpuNodes.length > 0 && memNodes.length > 0);
 * ```
 */
export function benchNodes(): { cpuNodes: number[]; memNodes: number[]; localNode: number } {
  const t = topology();
  const affinity = getAffinity();
  const cpuNodes = t.withCpus.toArray().filter((n) => !cpusOf([n]).intersect(affinity).isEmpty);
  const memNodes = t.memsAllowed.intersect(t.withMemory).toArray();
  if (cpuNodes.length === 0) throw new RangeError(`Cannot run the bench: no node has CPUs in this thread's affinity (${affinity.toList()}); run it with some CPUs of a NUMA node allowed`);
  if (memNodes.length === 0) throw new RangeError(`Cannot run the bench: no node with memory is in Mems_allowed (${t.memsAllowed.toList()}); run it in a cpuset that allows a node with memory`);
  // Where the row thread's local allocations go: its own node, else the nearest with memory.
  const cpuNode = cpuNodes[0]!;
  const dist = t.nodes.find((n) => n.id === cpuNode)?.distances ?? {};
  const localNode = memNodes.includes(cpuNode) ? cpuNode
    : [...memNodes].sort((a, b) => (dist[a] ?? Infinity) - (dist[b] ?? Infinity) || a - b)[0]!;
  return { cpuNodes, memNodes, localNode };
}

/**
 * Measures what placement does to real memory on this machine: the STREAM-style placement
 * matrix (CPU node x memory node: read, write, triad, dependent-load latency, C and JS), the
 * numademo-style policy rows, move_pages / migrate_pages throughput and the binding suite
 * (bind() and bindBatch() against a C loop of the same mbind calls). Every buffer is freed
 * as soon as its cell or row is done. The C kernels come from build/libnumabind_bench.so
 * (`npm run build:native`); without it C figures are empty (n: 0), jsToC is 0, and a warning
 * says why.
 * @param options quick (under a minute on a 2-CPU, one-node host), arrayBytes (per matrix
 *   array; default 4x the last-level cache), repeats, onProgress(done, total, label)
 * @returns the report, schema "numabind-bench/1"
 * @example Basic usage
 * ```ts
 * const report = await runBench({ quick: true, arrayBytes: 64 << 20 });
 * assert(report.matrix.cells.every((c) => c.placement.ok));
 * ```
 */
export async function runBench(options: BenchOptions = {}): Promise<BenchReport> {
  const startedAt = new Date();
  const t0 = performance.now();
  const avail = available();
  if (!avail.ok) throw new Error(`Cannot run the bench: numabind cannot set memory policies here (${avail.reason ?? avail.backend})`);
  const environment = readEnvironment();
  const { cpuNodes, memNodes, localNode } = benchNodes();
  const t = topology();
  // With one node its memory is all memory, and MemAvailable (os.freemem) is the better count:
  // some VMs' nodeN/meminfo leave hot-added memory out (here: 8 GB free there, 22 GB in /proc/meminfo).
  const nodeFree = Math.min(...memNodes.map((n) => t.nodes.find((x) => x.id === n)?.memFree ?? 0));
  const memFreeBytes = t.nodes.length === 1 ? Math.max(nodeFree, freemem()) : nodeFree;
  const plan = resolveOptions(options, { llcBytes: environment.llcBytes, pageSize: environment.pageSize, memFreeBytes });
  const k = openKernels();
  if (!k.ok) process.emitWarning(`numabind bench: the C kernels are unavailable, so C figures are empty: ${k.reason}`, { code: "NUMABIND_BENCH_NO_KERNELS" });
  const kernels = k.ok ? k.kernels : undefined;
  const cpuNode = cpuNodes[0]!;
  const specs = policyRowSpecs(cpuNode, localNode, memNodes, environment.pageSize);
  const s = steps(cpuNodes.length * memNodes.length * CELL_STEPS + specs.length + migrationSteps(plan) + bindingSteps(plan), plan.onProgress);

  const matrix = await runMatrix(plan, cpuNodes, memNodes, kernels, s);
  const policies = await runPolicyRows(plan, specs, cpuNode, kernels, s);
  const migration = await runMigration(plan, cpuNode, memNodes, kernels, s);
  const binding = await runBindingSuite(plan, localNode, kernels, s);
  s.finish();
  return {
    schema: BENCH_SCHEMA, quick: plan.quick, startedAt: startedAt.toISOString(), durationMs: performance.now() - t0,
    environment, matrix, policies, migration, binding,
  };
}
