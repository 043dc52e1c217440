import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { MessageChannel, Worker, type WorkerOptions } from "node:worker_threads";
import type { Policy } from "../core/mod.ts";
import { numabind } from "../instance.ts";
import { packageRoot } from "../runtime/mod.ts";

const { plan, topology } = numabind;
import { type NodePlacement, planPlacement } from "./placement_plan.ts";

/** What a worker's bootstrap applied before its code ran. */
export interface Placed extends NodePlacement {
  /** The CPUs it was pinned to (a list). */
  cpus: string;
  applied: { cpus: boolean; policy: boolean };
  /** What was not applied, and why (a seccomp profile that denies set_mempolicy). */
  notApplied?: string;
}

/** A Worker whose placement is reported once its bootstrap ran. */
export type PlacedWorker = Worker & { placed: Promise<Placed> };

/**
 * The bootstrap every placed worker runs first: beside this module in the package (dist), or
 * the built one when this module runs from source (a test runner compiling TypeScript): a
 * worker cannot start from a .ts file.
 */
function bootstrapUrl(): URL {
  const here = new URL("./_bootstrap.js", import.meta.url);
  if (here.protocol === "file:" && existsSync(fileURLToPath(here))) return here;
  return pathToFileURL(join(packageRoot(import.meta.url), "dist", "host", "workers", "_bootstrap.js"));
}

/** Checks a policy by planning it over one raw page: the engine's rules, no syscall. */
function checkPolicy(policy: Policy): void {
  const page = BigInt(topology().pageSize);
  plan([{ target: { addr: page, length: page }, policy }], { unsafeRawAddress: true });
}

/**
 * Starts a worker pinned to a node's CPUs with its thread memory policy set before the
 * worker's own module runs (libnuma's numa_run_on_node plus set_mempolicy, in a worker).
 * The module sees its own workerData, as if started directly.
 * @param node the node; memory-less and CPU-less nodes are served as planPlacement says
 * @param options Worker options, plus `policy`: the thread policy (default: local memory)
 * @returns the Worker, with `placed`: a promise of what was applied
 * @example Basic usage
 * ```ts
 * import { spawnOnNode } from "numabind";
 * const w = spawnOnNode(0, new URL("./work.js", import.meta.url), { workerData: { n: 1 } });
 * console.log((await w.placed).cpus);
 * ```
 */
export function spawnOnNode(node: number, moduleUrl: string | URL, options: WorkerOptions & { policy?: Policy } = {}): PlacedWorker {
  return spawn(node, moduleUrl, options, undefined);
}

/** spawnOnNode(), and for placeOnNodes() the pool's workerData, with `bytes` mapped bound first. */
function spawn(node: number, moduleUrl: string | URL, options: WorkerOptions & { policy?: Policy }, pool: { bytes?: number } | undefined): PlacedWorker {
  const { policy, ...workerOptions } = options;
  if (policy !== undefined) checkPolicy(policy);
  const placement = planPlacement(topology(), node, policy);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(bootstrapUrl(), {
    ...workerOptions,
    workerData: { numabind: { placement, port: port2, url: String(moduleUrl), data: workerOptions.workerData, ...(pool ? { pool } : {}) } },
    transferList: [...(workerOptions.transferList ?? []), port2],
  }) as PlacedWorker;
  worker.placed = new Promise<Placed>((resolve, reject) => {
    const early = (e: unknown) => reject(e instanceof Error ? e : new Error(`Cannot place the worker on node ${node}: it exited with code ${String(e)} before its placement ran`));
    worker.once("error", early);
    worker.once("exit", early);
    port1.once("message", (m: Placed) => {
      worker.off("error", early); worker.off("exit", early);
      port1.close();
      resolve(m);
    });
  });
  // Nobody may await placed: an unhandled rejection must not end the process for them.
  worker.placed.catch(() => {});
  return worker;
}

/** One worker of placeOnNodes(). */
export interface NodeWorker { node: number; worker: PlacedWorker; placed: Placed }

/**
 * One worker per node, each pinned to its node and, with `bytes`, handed memory bound to that
 * node's memory before anything touches it: a fresh mapping the worker makes first (alloc()),
 * unmapped when it ends. The module's workerData is `{ node, buffer, data }` (data:
 * options.workerData; buffer: an ArrayBuffer of `bytes`, or undefined).
 * @param nodes the nodes (default: every configured node)
 * @example Basic usage
 * ```ts
 * import { placeOnNodes } from "numabind";
 * const pool = await placeOnNodes(new URL("./fill.js", import.meta.url), { bytes: 64 << 20 });
 * for (const w of pool) w.worker.postMessage("go");
 * ```
 */
export async function placeOnNodes(moduleUrl: string | URL, opts: { nodes?: readonly number[]; bytes?: number; policy?: Policy } & WorkerOptions = {}): Promise<NodeWorker[]> {
  const { nodes, bytes, policy, ...workerOptions } = opts;
  if (bytes !== undefined && (!Number.isSafeInteger(bytes) || bytes <= 0)) {
    throw new TypeError(`Cannot place workers: bytes must be a positive safe integer, current value is ${String(bytes)}`);
  }
  const t = topology();
  const ids = nodes ?? t.nodes.map((n) => n.id);
  for (const node of ids) planPlacement(t, node, policy); // every node checked before any worker starts
  const started = ids.map((node) => ({
    node, worker: spawn(node, moduleUrl, { ...workerOptions, ...(policy ? { policy } : {}) }, bytes === undefined ? {} : { bytes }),
  }));
  const placed = await Promise.all(started.map((s) => s.worker.placed));
  return started.map((s, i) => ({ ...s, placed: placed[i]! }));
}
