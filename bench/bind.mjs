// Benchmark: bind() of one page and bindBatch() of 20,000 alternating pages against a C loop
// issuing the same mbind calls in the same process, on both paths (C shim, libc syscall per
// op). The C loop comes twice: through libc's syscall() (how libnuma and most C code call
// mbind: the baseline the targets name) and through the shim's inline syscall instruction
// (equal terms: what the host adds around the same instructions). Ratios come from one run;
// run it a few times on a loaded machine and compare spreads.
// Usage: npm run bench:bind [-- --rounds 7 --batch-rounds 15 --single 20000 --pages 20000 --json]
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { createNumabind, openBackend } from "numabind";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? Number(args[i + 1]) : dflt; };
const ROUNDS = opt("rounds", 7), SINGLE = opt("single", 20000), PAGES = opt("pages", 20000);
// The batch cases spread more between rounds than the single calls, so they get more rounds.
const BATCH_ROUNDS = opt("batch-rounds", Math.max(ROUNDS, 15));
const JSON_OUT = args.includes("--json");

// --- the baseline: native/bench/bind_loop.c, built into the bench library by `npm run build` ---
// This folder's build/ (a checkout), else the numabind package "numabind" resolves to, which
// ships it prebuilt (bench:installed runs this file beside an installed tarball).
const pkgRoot = dirname(createRequire(import.meta.url).resolve("numabind/package.json"));
const LOOP = "libnumabind_bench.so";
const loopLib = [join(root, "build", LOOP), join(pkgRoot, "build", LOOP), join(pkgRoot, "prebuilds", `${process.platform}-${process.arch}`, LOOP)]
  .find((f) => existsSync(f));
if (!loopLib) throw new Error(`Cannot run the C baseline: ${LOOP} is in neither ${join(root, "build")} nor numabind's package (${pkgRoot}); install a C compiler and run "npm run build:native"`);

// --- every path in one process: shim with single calls through Node-API (the default where
// Node's headers exist), shim with single calls through ffi-rs, and the per-op fallback ---
const shim = createNumabind(openBackend());
process.env.NUMABIND_NO_NODE_API = "1";
const shimFfi = createNumabind(openBackend());
delete process.env.NUMABIND_NO_NODE_API;
process.env.NUMABIND_NO_SHIM = "1";
const fallback = createNumabind(openBackend());
delete process.env.NUMABIND_NO_SHIM;
if (shim.backend.name !== "ffi-rs+shim") console.warn(`note: the shim did not load (${shim.backend.name}); every column uses the fallback`);
if (shim.backend.singleCalls !== "node-api") console.warn("note: build/numabind.node is missing (no Node headers at build time); single calls go through ffi-rs");
const page = shim.topology().pageSize;

const ffi = createRequire(import.meta.url)("ffi-rs");
const T = ffi.DataType;
ffi.open({ library: "bench_loop", path: loopLib });
const native = (() => {
  try {
    const n = createRequire(createRequire(import.meta.url).resolve("ffi-rs"))(`@yuuang/ffi-rs-${process.platform}-${process.arch}-gnu`);
    return n.createExternalBuffer === ffi.createExternalBuffer ? n : undefined;
  } catch { return undefined; }
})();
const prepared = (funcName, paramsType, paramsValue, errno = false) => {
  const p = { library: "bench_loop", funcName, retType: T.I64, paramsType, paramsValue, errno, freeResultMemory: false };
  return () => (native ?? ffi).load(p);
};

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const perCall = (fn, n) => { const t = process.hrtime.bigint(); for (let i = 0; i < n; i++) fn(i); return Number(process.hrtime.bigint() - t) / n; };
const results = {};
const record = (name, ns) => { (results[name] ??= []).push(ns); };

// --- 1. What one ffi-rs call costs (no-op C functions) ---
const u8 = new Uint8Array(64);
const defined = ffi.define({ bench_noop0: { library: "bench_loop", retType: T.I64, paramsType: [] } });
const costs = {
  "define() wrapper, 0 args": () => defined.bench_noop0([]),
  "prepared load, 0 args": prepared("bench_noop0", [], []),
  "prepared load, 1 number": prepared("bench_noop1", [T.I64], [1]),
  "prepared load, 6 numbers": prepared("bench_noop6", Array(6).fill(T.I64), [1, 2, 3, 4, 5, 6]),
  "prepared load, 1 Uint8Array": prepared("bench_noop_buf", [{ ffiTypeTag: ffi.FFITypeTag.Array, type: T.U8Array, length: 0 }], [u8]),
  "prepared load, 0 args + errno": prepared("bench_errno0", [], [], true),
};
for (let r = 0; r < ROUNDS; r++) for (const [k, fn] of Object.entries(costs)) { perCall(fn, 2000); record(`ffi: ${k}`, perCall(fn, 50000)); }

// --- 2. Single bind of one page, alternating two policies ---
const A = { mode: "bind", nodes: [0] }, B = { mode: "preferred", nodes: [0] };
const MPOL_BIND = 2, MPOL_PREFERRED = 1;
const region = shim.alloc((PAGES + 2) * page, { mode: "default" });
const regionAddr = BigInt.asUintN(64, shim.backend.addressOf(new Uint8Array(region)));
const mask = new Uint8Array(8); mask[0] = 1;
const single = new Uint8Array(region, 8 * page, page);
const cSingle = prepared("bench_single", [T.I64, T.I64, T.I64, T.I32, T.I32, { ffiTypeTag: ffi.FFITypeTag.Array, type: T.U8Array, length: 0 }, T.I64],
  [Number(regionAddr) + 8 * page, page, SINGLE, MPOL_BIND, MPOL_PREFERRED, mask, 1]);
const cSingleInline = prepared("bench_single_inline", [T.I64, T.I64, T.I64, T.I32, T.I32, { ffiTypeTag: ffi.FFITypeTag.Array, type: T.U8Array, length: 0 }, T.I64],
  [Number(regionAddr) + 8 * page, page, SINGLE, MPOL_BIND, MPOL_PREFERRED, mask, 1]);
const cAlt = prepared("bench_alternating", [T.I64, T.I64, T.I64, T.I32, T.I32, { ffiTypeTag: ffi.FFITypeTag.Array, type: T.U8Array, length: 0 }, T.I64],
  [Number(regionAddr), page, PAGES, MPOL_BIND, MPOL_PREFERRED, mask, 1]);
const cAltInline = prepared("bench_alternating_inline", [T.I64, T.I64, T.I64, T.I32, T.I32, { ffiTypeTag: ffi.FFITypeTag.Array, type: T.U8Array, length: 0 }, T.I64],
  [Number(regionAddr), page, PAGES, MPOL_BIND, MPOL_PREFERRED, mask, 1]);
const reset = () => shim.bind(region, { mode: "default" });
const check = (ns) => { if (ns < 0) throw new Error(`C loop failed with errno ${-ns}`); return ns; };

// Each round runs every single-page loop once, in a shuffled order (seeded): like the batch cases
// below (and bench:deno), a loop's cost depends on which ran just before it, and a fixed order
// would put that bias into the same rows in every round.
const addr = Number(regionAddr) + 8 * page;
const warmThenTime = (fn, n) => { perCall(fn, 500); return perCall(fn, n); };
const fresh = (i) => shim.bind(single, i & 1 ? { mode: "preferred", nodes: [0] } : { mode: "bind", nodes: [0] });
const singles = [
  ["single: C loop", () => check(Number(cSingle())) / SINGLE],
  ["single: C loop, inline syscall", () => check(Number(cSingleInline())) / SINGLE],
  ...[["shim", shim], ["shim, ffi-rs single calls", shimFfi], ["fallback", fallback]].map(([name, nb]) => [`single: bind() ${name}`,
    () => warmThenTime((i) => nb.bind(single, i & 1 ? B : A), name === "fallback" ? SINGLE / 4 : SINGLE)]),
  // A fresh policy literal per call, as a new user writes it.
  ["single: bind() shim, fresh literal", () => warmThenTime(fresh, SINGLE)],
  // The backends' single-call hooks alone (the call and the syscall, no bind() work): through
  // Node-API, and through ffi-rs with no arguments (they go through the shim's call block).
  ...[["Node-API", shim], ["ffi-rs", shimFfi]].map(([name, nb]) => [`single: mbindOne() alone, ${name}`,
    () => warmThenTime((i) => nb.backend.mbindOne(addr, page, i & 1 ? MPOL_PREFERRED : MPOL_BIND, 0, mask, 1), SINGLE)]),
];
for (const [name] of singles) results[name] = []; // reported in this order
for (const order of fc.sample(fc.shuffledSubarray(singles, { minLength: singles.length }), { seed: 3, numRuns: ROUNDS })) {
  reset();
  for (const [name, run] of order) record(name, run());
}

// --- 3. bindBatch of PAGES alternating single-page requests ---
const requests = Array.from({ length: PAGES }, (_, i) => ({ target: new Uint8Array(region, i * page, page), policy: i & 1 ? B : A }));
// The code a new user writes: a fresh policy literal per request, nodes as a nodestring or an
// array. Built anew for each round (outside the timed call), so no object is seen twice.
const freshRequests = (form) => Array.from({ length: PAGES }, (_, i) => ({
  target: new Uint8Array(region, i * page, page),
  policy: form === "string" ? (i & 1 ? { mode: "preferred", nodes: "0" } : { mode: "bind", nodes: "0" })
    : (i & 1 ? { mode: "preferred", nodes: [0] } : { mode: "bind", nodes: [0] }),
}));
const columns = {
  target: region, policies: [A, B],
  offsets: Float64Array.from({ length: PAGES }, (_, i) => i * page), lengths: new Float64Array(PAGES).fill(page),
  policyIndex: Uint8Array.from({ length: PAGES }, (_, i) => i & 1),
};
const packed = (() => {
  const ops = new Uint8Array(PAGES * 32), dv = new DataView(ops.buffer);
  for (let i = 0; i < PAGES; i++) {
    dv.setBigUint64(i * 32, regionAddr + BigInt(i * page), true);
    dv.setBigUint64(i * 32 + 8, BigInt(page), true);
    dv.setInt32(i * 32 + 16, i & 1 ? MPOL_PREFERRED : MPOL_BIND, true);
    dv.setUint32(i * 32 + 20, 0, true); dv.setUint32(i * 32 + 24, 0, true); dv.setUint32(i * 32 + 28, i, true);
  }
  return { ops, masks: mask, errnos: new Uint8Array(PAGES * 4) };
})();
// Warm-up, not recorded: the first batches run the planner's host code unoptimised.
for (let r = 0; r < 3; r++) for (const nb of [shim, fallback]) { reset(); nb.bindBatch(requests); reset(); nb.bindBatch(columns); reset(); nb.bindBatch(freshRequests(r & 1 ? "array" : "string")); }
// Each round runs every case once, each after a reset. How fast the kernel splits mappings
// depends on what ran just before (the mappings the reset merged are freed after an RCU grace
// period), so each round shuffles the order (seeded, so runs are repeatable): a rotation would
// keep every case behind the same neighbour in every round.
const timed = (name, f, prepare) => {
  const input = prepare?.();
  reset();
  const t = process.hrtime.bigint();
  f(input);
  record(name, Number(process.hrtime.bigint() - t) / 1e6);
};
const checked = (name, res) => {
  if (!res.ok || res.syscalls !== PAGES) throw new Error(`${name}: ${JSON.stringify(res.failed[0] ?? res.syscalls)}`);
};
const cases = [
  ["batch: C loop", () => check(Number(cAlt()))],
  ["batch: C loop, inline syscall (as the shim)", () => check(Number(cAltInline()))],
  ["batch: bindBatch shim", () => checked("shim", shim.bindBatch(requests))],
  ["batch: bindBatch shim, fresh literals (nodes: \"0\")", (r) => checked("fresh string", shim.bindBatch(r)), () => freshRequests("string")],
  ["batch: bindBatch shim, fresh literals (nodes: [0])", (r) => checked("fresh array", shim.bindBatch(r)), () => freshRequests("array")],
  // The same batch in the column form (RangeBatch): no view per range to make or read back.
  ["batch: bindBatch shim, columns", () => checked("columns", shim.bindBatch(columns))],
  // The backend hook alone, on ops packed here: what the FFI crossing adds to the C loop.
  ["batch: shim mbindBatch() alone (ops packed beforehand)", () => {
    shim.backend.mbindBatch(packed.ops, PAGES, packed.masks, 1, packed.errnos, false);
    if (new Int32Array(packed.errnos.buffer).some((e) => e !== 0)) throw new Error("mbindBatch failed");
  }],
  ["batch: bindBatch fallback", () => checked("fallback", fallback.bindBatch(requests))],
  ["batch: plan() only (builds PlannedOp objects)", () => shim.plan(requests)],
];
const orders = fc.sample(fc.shuffledSubarray(cases, { minLength: cases.length }), { seed: 4, numRuns: BATCH_ROUNDS });
for (const [name] of cases) results[name] = []; // reported in this order, not the first round's
for (const order of orders) for (const c of order) timed(...c);
reset();
shim.free(region);

// --- report ---
const m = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { median: median(v), min: Math.min(...v), max: Math.max(...v) }]));
const ratio = (a, b) => m[a].median / m[b].median;
// Under load the minimum is the better estimate of what a call costs; both are reported.
const minRatio = (a, b) => m[a].min / m[b].min;
// Paired: the median over rounds of a / b within the same round (each round runs both back to
// back), which cancels drift in the kernel's speed across a run.
const pairedRatios = (a, b) => results[a].map((v, i) => v / results[b][i]).sort((x, y) => x - y);
const pairedRatio = (a, b) => median(pairedRatios(a, b));
// The middle half of the paired ratios: how far one round's ratio can be trusted.
const pairedIqr = (a, b) => { const xs = pairedRatios(a, b); return [xs[Math.floor(xs.length / 4)], xs[Math.floor((3 * xs.length) / 4)]]; };
const FRESH_STRING = "batch: bindBatch shim, fresh literals (nodes: \"0\")", FRESH_ARRAY = "batch: bindBatch shim, fresh literals (nodes: [0])";
const INLINE = "batch: C loop, inline syscall (as the shim)", ALONE = "batch: shim mbindBatch() alone (ops packed beforehand)";
const summary = {
  page, rounds: ROUNDS, batchRounds: BATCH_ROUNDS, singleCalls: SINGLE, batchPages: PAGES, loadavg: (await import("node:os")).loadavg().map((x) => +x.toFixed(2)),
  single: {
    cLoopNs: m["single: C loop"].median,
    shimNs: m["single: bind() shim"].median, shimRatio: ratio("single: bind() shim", "single: C loop"),
    shimFfiNs: m["single: bind() shim, ffi-rs single calls"].median, shimFfiRatio: ratio("single: bind() shim, ffi-rs single calls", "single: C loop"),
    fallbackNs: m["single: bind() fallback"].median, fallbackRatio: ratio("single: bind() fallback", "single: C loop"),
    freshRatio: ratio("single: bind() shim, fresh literal", "single: C loop"),
    shimMinRatio: minRatio("single: bind() shim", "single: C loop"), fallbackMinRatio: minRatio("single: bind() fallback", "single: C loop"),
    shimFfiMinRatio: minRatio("single: bind() shim, ffi-rs single calls", "single: C loop"),
    cInlineNs: m["single: C loop, inline syscall"].median,
    shimInlineRatio: ratio("single: bind() shim", "single: C loop, inline syscall"),
  },
  batch: {
    cLoopMs: m["batch: C loop"].median,
    shimMs: m["batch: bindBatch shim"].median, shimRatio: ratio("batch: bindBatch shim", "batch: C loop"),
    fallbackMs: m["batch: bindBatch fallback"].median, fallbackRatio: ratio("batch: bindBatch fallback", "batch: C loop"),
    shimMinRatio: minRatio("batch: bindBatch shim", "batch: C loop"), fallbackMinRatio: minRatio("batch: bindBatch fallback", "batch: C loop"),
    columnsMs: m["batch: bindBatch shim, columns"].median, columnsRatio: ratio("batch: bindBatch shim, columns", "batch: C loop"),
    columnsMinRatio: minRatio("batch: bindBatch shim, columns", "batch: C loop"),
    shimPairedRatio: pairedRatio("batch: bindBatch shim", "batch: C loop"),
    shimPairedIqr: pairedIqr("batch: bindBatch shim", "batch: C loop"),
    freshStringPairedRatio: pairedRatio(FRESH_STRING, "batch: C loop"), freshStringPairedIqr: pairedIqr(FRESH_STRING, "batch: C loop"),
    freshArrayPairedRatio: pairedRatio(FRESH_ARRAY, "batch: C loop"), freshArrayPairedIqr: pairedIqr(FRESH_ARRAY, "batch: C loop"),
    columnsPairedRatio: pairedRatio("batch: bindBatch shim, columns", "batch: C loop"),
    cInlineMs: m[INLINE].median,
    // Equal terms: the same instructions in C, so what remains is what the host adds.
    shimInlinePairedRatio: pairedRatio("batch: bindBatch shim", INLINE),
    shimInlinePairedIqr: pairedIqr("batch: bindBatch shim", INLINE),
    aloneInlinePairedIqr: pairedIqr(ALONE, INLINE),
    columnsInlinePairedRatio: pairedRatio("batch: bindBatch shim, columns", INLINE),
    aloneInlinePairedRatio: pairedRatio(ALONE, INLINE),
  },
};
if (JSON_OUT) console.log(JSON.stringify({ summary, results: m }));
else {
  console.log(`numabind bind benchmark: ${ROUNDS} rounds (batch: ${BATCH_ROUNDS}), median [min..max]; load average ${summary.loadavg.join(" ")}`);
  for (const [k, v] of Object.entries(m)) {
    const unit = k.startsWith("batch") ? "ms" : "ns";
    const f = (x) => (unit === "ms" ? x.toFixed(2) : x.toFixed(0));
    console.log(`  ${k.padEnd(52)} ${f(v.median).padStart(8)} ${unit}  [${f(v.min)}..${f(v.max)}]`);
  }
  const s = summary.single, b = summary.batch;
  const x = (v) => `${v.toFixed(2)}x`;
  console.log("Ratios to the C loop, median/median (min/min); targets: single ≤ 1.75, batch ≤ 1.05");
  console.log(`  single bind()   shim ${x(s.shimRatio)} (${x(s.shimMinRatio)})   shim, fresh literal ${x(s.freshRatio)}   shim, ffi-rs single calls ${x(s.shimFfiRatio)} (${x(s.shimFfiMinRatio)})   fallback ${x(s.fallbackRatio)} (${x(s.fallbackMinRatio)})`);
  console.log(`  bindBatch       shim ${x(b.shimRatio)} (${x(b.shimMinRatio)})   shim, columns ${x(b.columnsRatio)} (${x(b.columnsMinRatio)})   fallback ${x(b.fallbackRatio)} (${x(b.fallbackMinRatio)})`);
  const iqr = ([lo, hi]) => `[${x(lo)}..${x(hi)}]`;
  console.log(`  bindBatch, paired per round (median of bindBatch / C loop in the same round): shim ${x(b.shimPairedRatio)} ${iqr(b.shimPairedIqr)}   shim, columns ${x(b.columnsPairedRatio)}`);
  console.log(`  bindBatch, fresh literal per request, paired: nodes "0" ${x(b.freshStringPairedRatio)} ${iqr(b.freshStringPairedIqr)}   nodes [0] ${x(b.freshArrayPairedRatio)} ${iqr(b.freshArrayPairedIqr)}   (targets ≤ 1.05; shared ≤ 1.03)`);
  console.log("Ratios to the C loop with the shim's inline syscall (equal terms: what the host adds)");
  console.log(`  single bind()   shim ${x(s.shimInlineRatio)}`);
  console.log(`  bindBatch, paired per round: shim ${x(b.shimInlinePairedRatio)} ${iqr(b.shimInlinePairedIqr)}   shim, columns ${x(b.columnsInlinePairedRatio)}   mbindBatch() alone ${x(b.aloneInlinePairedRatio)} ${iqr(b.aloneInlinePairedIqr)}`);
  console.log("  (in brackets: the middle half of the paired ratios)");
}
