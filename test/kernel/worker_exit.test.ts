// alloc() memory of a worker that ends: a FinalizationRegistry never runs at isolate
// teardown, so without numabind releasing them a worker's mappings outlive it. Measured as
// the process's resident memory (VmRSS) after 8 workers each touched 256 MiB and ended.
import { describe, expect, test } from "vitest";
import { distUrl, runChild } from "../helpers/child.ts";

const MiB = 1 << 20;
const SIZE = 256 * MiB;

const child = (ends: "naturally" | "terminated" | "both") => `
const { Worker } = await import("node:worker_threads");
const { readFileSync } = await import("node:fs");
const rss = () => Number(/VmRSS:\\s+(\\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))[1]) * 1024;
const src = \`
  const { parentPort, workerData } = await import("node:worker_threads");
  const nb = await import(workerData.mod);
  const buf = nb.alloc(${SIZE}, { mode: "default" });
  new Uint8Array(buf).fill(1);
  parentPort.postMessage("touched");
  // Ends when told: by closing its port (its event loop then drains), or by terminate().
  if (workerData.stay) setInterval(() => {}, 1000);
  else parentPort.once("message", () => parentPort.close());
\`;
const before = rss();
const workers = Array.from({ length: 8 }, (_, i) => {
  const stay = ${JSON.stringify(ends)} === "terminated" || (${JSON.stringify(ends)} === "both" && i % 2 === 1);
  const w = new Worker(src, { eval: true, workerData: { mod: ${JSON.stringify(distUrl())}, stay } });
  return { w, stay, touched: new Promise((r) => w.once("message", r)), exited: new Promise((r) => w.once("exit", r)) };
});
await Promise.all(workers.map((x) => x.touched));
const peak = rss();
for (const x of workers) if (x.stay) await x.w.terminate(); else x.w.postMessage("end");
await Promise.all(workers.map((x) => x.exited));
await new Promise((r) => setTimeout(r, 200));
report({ before, peak, after: rss() });
`;

type Rss = { before: number; peak: number; after: number };

describe("a worker's alloc() memory is unmapped when the worker ends", () => {
  test("ending naturally or by worker.terminate(): resident memory returns to where it was", () => {
    const r = runChild(child("both"), { timeoutMs: 120_000 });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const m = r.result as Rss;
    expect(m.peak - m.before).toBeGreaterThan(6 * SIZE); // the workers did touch their memory
    expect(m.after - m.before).toBeLessThan(300 * MiB);
  });

  test("without the Node-API addon, a worker that ends naturally still releases its memory", () => {
    const r = runChild(child("naturally"), { timeoutMs: 120_000, env: { NUMABIND_NO_NODE_API: "1" } });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const m = r.result as Rss;
    expect(m.peak - m.before).toBeGreaterThan(6 * SIZE);
    expect(m.after - m.before).toBeLessThan(300 * MiB);
  });
});
