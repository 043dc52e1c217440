// A worker module for the placement checks: asked with any message, it samples where it runs,
// touches a fresh buffer (and the one it was handed, if any), and answers with what the kernel
// says about both. It waits to be asked, so no answer goes out before the parent listens.
import { parentPort, workerData } from "node:worker_threads";
import { alloc, currentCpu, getAffinity, locate, numaMaps, plan } from "../../../../dist/host/mod.js";

await new Promise((res) => parentPort.once("message", res));
const samples = Array.from({ length: 1000 }, () => currentCpu().node);
// A mapping of its own: heap memory may have been touched by another thread before. (Under a
// seccomp filter that denies mbind, alloc() cannot apply even "default": no fresh pages then.)
let fresh;
try { fresh = new Uint8Array(alloc(64 * 4096, { mode: "default" })); fresh.fill(1); } catch { fresh = undefined; }
let handed;
if (workerData?.buffer) {
  const u8 = new Uint8Array(workerData.buffer);
  u8.fill(2);
  // numa_maps lists mappings by start: the one holding the buffer's first whole page.
  const at = plan([{ target: u8, policy: { mode: "default" } }]).ops[0].addr;
  const entry = numaMaps().find((m) => m.start <= at && m.end !== undefined && at < m.end);
  handed = { nodes: [...new Set(locate(u8))], policy: entry?.policy, bytes: u8.byteLength, node: workerData.node };
}
parentPort.postMessage({
  nodes: [...new Set(samples)], cpus: getAffinity().toList(), fresh: fresh && [...new Set(locate(fresh))], handed,
  data: workerData?.data ?? workerData,
});
