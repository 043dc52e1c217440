// Planning benchmark (README "Benchmarks", "Planning"): 1M sorted ranges and 1M random overlapping ranges
// (dense in 16 GiB, and sparse in 512 GiB),
// planned by the Wasm engine and by a careful TypeScript port of the same algorithm
// (bench/ts_planner.ts), in one run, reported as µs per range and as a ratio. Not a test: the
// numbers depend on the machine and its load. Run with `npm run bench`; BENCH_N and BENCH_REPS
// change the size and the repetitions.
import { abi, Engine, writeControl } from "../host/engine.ts";
import { type BindRequest, createNumabind, openBackend, type Policy, unavailable } from "../host/mod.ts";
import { type TsControl, TsPlanner } from "./ts_planner.ts";

const N = Number(process.env.BENCH_N ?? 1_000_000);
const REPS = Number(process.env.BENCH_REPS ?? 5);
const PAGE = 4096;
const BASE_PAGE = 0x7f0000000; // 0x7f0000000000 >> 12
const { MPOL_BIND, MPOL_PREFERRED, MPOL_INTERLEAVE, MPOL_LOCAL, MPOL_DEFAULT, MPOL_PREFERRED_MANY, MPOL_WEIGHTED_INTERLEAVE, MPOL_F_STATIC_NODES } = abi;
/** Eight policies on node 0 (this machine's one node): [mode, mask index or NO_MASK]. */
const POLICIES: [number, number][] = [
  [MPOL_BIND, 0], [MPOL_PREFERRED, 0], [MPOL_INTERLEAVE, 0], [MPOL_LOCAL, abi.NO_MASK],
  [MPOL_DEFAULT, abi.NO_MASK], [MPOL_BIND | MPOL_F_STATIC_NODES, 0], [MPOL_PREFERRED_MANY, 0], [MPOL_WEIGHTED_INTERLEAVE, 0],
];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0; s = (s ^ (s >>> 13)) >>> 0; return s; };
}

/**
 * Request records for n ranges: sorted (runs of one policy, a gap now and then), random (in
 * 16 GiB: the dense path) or sparse (random in 512 GiB: the in-place sort).
 */
function records(n: number, kind: "sorted" | "random" | "sparse"): Uint32Array {
  const r = new Uint32Array(n * 8), next = rng(kind === "sorted" ? 1 : 2);
  let page = BASE_PAGE, pol = 0, left = 0;
  for (let i = 0; i < n; i++) {
    let start: number, pages: number;
    if (kind === "sorted") {
      if (left-- <= 0) { pol = next() % 8; left = 1 + (next() % 8); if (next() % 16 === 0) page += 1; }
      start = page; pages = 1; page += 1;
    } else {
      start = BASE_PAGE + (next() % (kind === "random" ? 4 << 20 : 1 << 27)); pages = 1 + (next() % 64); pol = next() % 8;
    }
    const addr = start * PAGE, len = pages * PAGE;
    r[i * 8] = addr >>> 0; r[i * 8 + 1] = Math.floor(addr / 2 ** 32);
    r[i * 8 + 2] = len; r[i * 8 + 3] = 0;
    r[i * 8 + 4] = POLICIES[pol]![0]; r[i * 8 + 5] = 0; r[i * 8 + 6] = POLICIES[pol]![1]; r[i * 8 + 7] = 0;
  }
  return r;
}

const median = (a: number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1]!;

function wasmRun(e: Engine, rec: Uint32Array, n: number): { copy: number; plan: number; ops: number } {
  const t0 = performance.now();
  const base = e.x.plan_input(n, 1, 1, 0);
  const u32 = e.u32();
  u32.set(rec.subarray(0, n * 8), base >>> 2);
  u32[e.x.plan_mask_table() >>> 2] = 1; u32[(e.x.plan_mask_table() >>> 2) + 1] = 0;
  writeControl(e, { pageSize: PAGE, kernelPageSize: PAGE, maxNumNodes: 1024, capSysNice: true, mpolMax: 7, balancingModes: 0x24 });
  const u = e.x.mask_slot(abi.SLOT_USABLE) >>> 2;
  e.u32().fill(0, u, u + 1024); e.u32()[u] = 1;
  const t1 = performance.now();
  const code = e.x.plan_run();
  const t2 = performance.now();
  if (code !== abi.OK) throw new Error(`the engine refused the batch: ${code}`);
  return { copy: t1 - t0, plan: t2 - t1, ops: e.x.plan_op_count() };
}

const CTL: TsControl = { pageSize: PAGE, kernelPage: PAGE, maxNumNodes: 1024, usable: new Uint32Array([1, 0]), chunk: 0, capSysNice: true };
const MASKS = new Uint32Array([1, 0]);

/** Both planners must write the same ops (the mask field aside: both are "mask 0 or none"). */
function sameOps(e: Engine, ts: TsPlanner): void {
  const n = e.x.plan_op_count();
  if (n !== ts.nOps) throw new Error(`op counts differ: Wasm ${n}, TS ${ts.nOps}`);
  const w = e.u32(), at = e.x.plan_ops() >>> 2;
  for (let i = 0; i < n * 8; i++) {
    if ((i & 7) === 6) continue;
    if (w[at + i] !== ts.ops[i]) throw new Error(`op ${i >> 3} differs at field ${i & 7}`);
  }
}

function publicPlan(n: number): CallCost {
  const nb = createNumabind(unavailable("bench: planning only"));
  const pols: Policy[] = [{ mode: "bind", nodes: [0] }, { mode: "local" }, { mode: "interleave", nodes: "0" }];
  const reqs: BindRequest[] = Array.from({ length: n }, (_, i) => ({
    target: { addr: BigInt((BASE_PAGE + i) * PAGE), length: BigInt(PAGE) }, policy: pols[(i >> 3) % 3]!,
  }));
  return timedCalls(n, () => reqs, (r) => nb.plan(r, { unsafeRawAddress: true, maxMapCount: 0 }));
}

/** What one plan() call of n requests costs, in µs per request. */
interface CallCost { cold: number; median: number; min: number; max: number }

/**
 * Times CALLS calls of `call` on inputs made by `make` (outside the timing). The first WARM
 * calls run while V8 still compiles and collects feedback: the first is reported as `cold`,
 * and the median, min and max are over the calls after them (a server plans many batches).
 */
function timedCalls<T>(n: number, make: () => T, call: (input: T) => unknown): CallCost {
  const t: number[] = [];
  for (let k = 0; k < WARM + CALLS; k++) {
    const input = make();
    const t0 = performance.now();
    call(input);
    t.push(((performance.now() - t0) * 1000) / n);
  }
  const steady = t.slice(WARM);
  return { cold: t[0]!, median: median(steady), min: Math.min(...steady), max: Math.max(...steady) };
}
const WARM = 2, CALLS = 7;

/**
 * public plan() as a new user writes it: views of one buffer and a fresh policy literal per
 * request (nodes as a nodestring, or as an array), sorted single-page requests. The requests
 * are built anew for each call, outside the timing.
 */
function publicPlanFresh(n: number, form: "string" | "array"): CallCost {
  const nb = createNumabind(openBackend());
  const buf = nb.alloc(n * PAGE, { mode: "default" });
  const make = (): BindRequest[] => Array.from({ length: n }, (_, i) => ({
    target: new Uint8Array(buf, i * PAGE, PAGE),
    policy: form === "string" ? ((i >> 3) % 2 ? { mode: "bind", nodes: "0" } : { mode: "interleave", nodes: "0" })
      : ((i >> 3) % 2 ? { mode: "bind", nodes: [0] } : { mode: "interleave", nodes: [0] }),
  }));
  const cost = timedCalls(n, make, (reqs) => nb.plan(reqs, { maxMapCount: 0 }));
  nb.free(buf);
  return cost;
}

function main(): void {
  const e = new Engine(), ts = new TsPlanner();
  const rows: Record<string, number | string>[] = [];
  for (const kind of ["sorted", "random", "sparse"] as const) {
    const rec = records(N, kind);
    wasmRun(e, rec, N); ts.plan(rec, N, MASKS, 1, 1, CTL); // warm up, and check the port
    sameOps(e, ts);
    const wasm: number[] = [], copy: number[] = [], port: number[] = [];
    for (let k = 0; k < REPS; k++) {
      const w = wasmRun(e, rec, N);
      wasm.push(w.plan); copy.push(w.copy);
      const t0 = performance.now();
      if (ts.plan(rec, N, MASKS, 1, 1, CTL) !== abi.OK) throw new Error("the port refused the batch");
      port.push(performance.now() - t0);
    }
    const us = (ms: number): number => (ms * 1000) / N;
    rows.push({
      input: `${N.toLocaleString("en")} ${kind}`, ops: e.x.plan_op_count(),
      "wasm µs/range": +us(median(wasm)).toFixed(4), "wasm min..max": `${us(Math.min(...wasm)).toFixed(4)}..${us(Math.max(...wasm)).toFixed(4)}`,
      "copy-in µs/range": +us(median(copy)).toFixed(4),
      "ts port µs/range": +us(median(port)).toFixed(4), "ts min..max": `${us(Math.min(...port)).toFixed(4)}..${us(Math.max(...port)).toFixed(4)}`,
      "ts / wasm": +(median(port) / median(wasm)).toFixed(2),
    });
  }
  console.table(rows);
  const api = publicPlan(Math.min(N, 100_000));
  const fresh = { string: publicPlanFresh(Math.min(N, 100_000), "string"), array: publicPlanFresh(Math.min(N, 100_000), "array") };
  const f = (c: CallCost): string => `${c.median.toFixed(3)} [${c.min.toFixed(3)}..${c.max.toFixed(3)}], first call ${c.cold.toFixed(3)}`;
  console.log(`public plan() with request objects (100,000 sorted single-page requests, end to end; µs/request, median [min..max] of ${CALLS} calls after ${WARM} warm-up calls):`);
  console.log(`  shared policies and raw ranges: ${f(api)}`);
  console.log(`  views and a fresh policy literal per request (target ≤ 0.3): nodes "0" ${f(fresh.string)}; nodes [0] ${f(fresh.array)}`);
  const r3 = (c: CallCost): Record<keyof CallCost, number> => ({ cold: +c.cold.toFixed(3), median: +c.median.toFixed(3), min: +c.min.toFixed(3), max: +c.max.toFixed(3) });
  console.log(JSON.stringify({ n: N, reps: REPS, rows, publicPlanUsPerRequest: r3(api),
    publicPlanFreshUsPerRequest: { string: r3(fresh.string), array: r3(fresh.array) } }));
}

main();
