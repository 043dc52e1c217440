// The first code of a worker from spawnOnNode(): pins the thread to its node's CPUs and sets
// its memory policy, reports what it applied, then hands over to the caller's module with the
// caller's own workerData. Static imports run first; nothing here touches the caller's memory.
import { createRequire, syncBuiltinESMExports } from "node:module";
import type { MessagePort } from "node:worker_threads";
import { numabind } from "../instance.ts";
import type { NodePlacement } from "./placement_plan.ts";

interface Boot {
  placement: NodePlacement; port: MessagePort; url: string; data: unknown;
  /** placeOnNodes(): the module gets { node, buffer, data }, buffer being `bytes` mapped bound to the memory node. */
  pool?: { bytes?: number };
}

const threads = createRequire(import.meta.url)("node:worker_threads") as { workerData: unknown };
const boot = (threads.workerData as { numabind: Boot }).numabind;
const { placement, port } = boot;
// CPUs first, then memory (what a pinned thread first touches lands by its policy).
const cpus = numabind.runOnNodes([placement.cpuNode]).toList();
let notApplied: string | undefined;
try {
  numabind.setThreadPolicy(placement.policy);
} catch (e) {
  // A seccomp profile that denies set_mempolicy (EPERM) leaves CPU placement standing.
  if ((e as { code?: string }).code !== "EPERM") throw e;
  notApplied = `memory policy: ${(e as Error).message}`;
}
port.postMessage({ ...placement, cpus, applied: { cpus: true, policy: notApplied === undefined }, ...(notApplied ? { notApplied } : {}) });
port.close();
// A fresh mapping, bound before anything touches it (heap memory may hold pages other threads
// touched); it is unmapped when the worker ends.
const pool = boot.pool;
threads.workerData = pool === undefined ? boot.data : {
  node: placement.node, data: boot.data,
  buffer: pool.bytes === undefined ? undefined : numabind.alloc(pool.bytes, { mode: "bind", nodes: [placement.memoryNode] }),
};
syncBuiltinESMExports();
await import(boot.url);
