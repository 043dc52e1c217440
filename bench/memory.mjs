// Benchmark: the memory it takes to plan 10^7 ranges (README "Benchmarks", docs/benchmarks.md).
// Each case runs in a fresh node process and reports its peak resident memory (VmHWM), which
// counts everything: the caller's input, numabind's records and the engine's Wasm memory.
// Ranges are random and overlapping (the planner's heaviest path: sort, last-wins painting)
// inside one 4 GiB buffer that is never touched (so it is not resident).
//   RangeBatch   the column form: Float64Array offsets and lengths, a Uint8Array policyIndex
//   requests     request objects, a view and a fresh policy literal per request, as users write
//   engine       the engine alone, its Wasm memory per planned range (no host objects)
// Usage: npm run bench:memory [-- --ranges 10000000 --json]
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? Number(args[i + 1]) : dflt; };
const N = opt("ranges", 10_000_000);
const PAGE = 4096, SPAN = 2 ** 32, MiB = 2 ** 20;

if (process.argv[2] === "--case") {
  const kind = process.argv[3], n = Number(process.argv[4]);
  const { readFileSync } = await import("node:fs");
  const hwm = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))[1]) * 1024;
  let s = 2463534242;
  const next = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
  const pages = SPAN / PAGE - 66;
  const before = hwm();
  let planned;
  if (kind === "engine") {
    const { Engine, writeControl, abi } = await import("numabind/engine");
    const e = new Engine();
    const base = e.x.plan_input(n, 1, 1, 0);
    const at = base >>> 2;
    for (let i = 0; i < n; i++) {
      const u32 = e.u32(), a = (0x7f0000000 + (next() % pages)) * PAGE, len = (1 + (next() % 64)) * PAGE, r = at + i * 8;
      u32[r] = a >>> 0; u32[r + 1] = Math.floor(a / 2 ** 32); u32[r + 2] = len; u32[r + 3] = 0;
      u32[r + 4] = i & 1 ? abi.MPOL_BIND : abi.MPOL_PREFERRED; u32[r + 5] = 0; u32[r + 6] = 0; u32[r + 7] = 0;
    }
    const mt = e.x.plan_mask_table() >>> 2; e.u32()[mt] = 1; e.u32()[mt + 1] = 0;
    writeControl(e, { pageSize: PAGE, kernelPageSize: PAGE, maxNumNodes: 1024, capSysNice: true, mpolMax: 7, balancingModes: 0x24 });
    const u = e.x.mask_slot(abi.SLOT_USABLE) >>> 2; e.u32().fill(0, u, u + 1024); e.u32()[u] = 1;
    if (e.x.plan_run() !== abi.OK) throw new Error("the engine refused the batch");
    planned = e.x.plan_op_count();
    console.log(JSON.stringify({ kind, n, ops: planned, engineBytes: e.u8().byteLength, peak: hwm() - before }));
  } else {
    const nb = await import("numabind");
    const buf = nb.alloc(SPAN - PAGE, { mode: "default" }); // page-aligned, never touched
    let input;
    if (kind === "rangebatch") {
      const offsets = new Float64Array(n), lengths = new Float64Array(n), policyIndex = new Uint8Array(n);
      for (let i = 0; i < n; i++) { offsets[i] = (next() % pages) * PAGE; lengths[i] = (1 + (next() % 64)) * PAGE; policyIndex[i] = i & 1; }
      input = { target: buf, offsets, lengths, policies: [{ mode: "bind", nodes: "0" }, { mode: "preferred", nodes: "0" }], policyIndex };
    } else {
      input = [];
      for (let i = 0; i < n; i++) {
        const view = new Uint8Array(buf, (next() % pages) * PAGE, (1 + (next() % 64)) * PAGE);
        input.push({ target: view, policy: i & 1 ? { mode: "bind", nodes: "0" } : { mode: "preferred", nodes: "0" } });
      }
    }
    const t = performance.now();
    const p = nb.plan(input, { maxMapCount: 0 });
    const ms = performance.now() - t;
    console.log(JSON.stringify({ kind, n, ops: p.stats.ops, peak: hwm() - before, ms }));
  }
  process.exit(0);
}

const self = fileURLToPath(import.meta.url);
const rows = [];
for (const kind of ["engine", "rangebatch", "requests"]) {
  const out = execFileSync(process.execPath, ["--max-old-space-size=4096", self, "--case", kind, String(N)], { encoding: "utf8" });
  rows.push(JSON.parse(out.trim().split("\n").at(-1)));
}
if (args.includes("--json")) console.log(JSON.stringify({ ranges: N, rows }));
else {
  console.log(`numabind memory benchmark: ${N.toLocaleString("en")} random overlapping ranges; peak resident memory above the process's start`);
  for (const r of rows) {
    const extra = r.engineBytes ? `  engine memory ${(r.engineBytes / r.n).toFixed(1)} bytes/range` : `  plan() ${(r.ms / 1000).toFixed(1)} s`;
    console.log(`  ${r.kind.padEnd(11)} ${(r.peak / MiB).toFixed(0).padStart(6)} MiB peak  ${r.ops.toLocaleString("en")} ops${extra}`);
  }
  console.log("Targets: RangeBatch <= 1024 MiB, requests <= 1536 MiB, engine <= 64 bytes/range");
}
