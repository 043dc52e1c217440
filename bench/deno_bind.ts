/// <reference lib="deno.ns" />
// Benchmark on Deno (docs/benchmarks.md): bind() of one page and bindBatch() of 20,000
// alternating single-page requests, against the C loop issuing the same mbind calls through
// libc's syscall() (native/bench/bind_loop.c), in the same process, paired per round; and
// the floor a single bind() cannot go under here: one FFI call per mbind, nothing else. The
// three single-page loops run in a new random order each round.
// Usage: npm run bench:deno [-- --rounds 15]
import * as nb from "../host/deno.ts";

const arg = (name: string, dflt: number) => { const i = Deno.args.indexOf(`--${name}`); return i >= 0 ? Number(Deno.args[i + 1]) : dflt; };
const ROUNDS = arg("rounds", 15), SINGLE = 20000, PAGES = 20000;
const loop = Deno.dlopen(new URL("../build/libnumabind_bench.so", import.meta.url), {
  bench_single: { parameters: ["i64", "i64", "i64", "i32", "i32", "buffer", "i64"], result: "i64" },
  bench_alternating: { parameters: ["i64", "i64", "i64", "i32", "i32", "buffer", "i64"], result: "i64" },
  bench_mbind_one: { parameters: ["f64", "f64", "i32", "pointer", "i32"], result: "i32" },
}).symbols;

const page = nb.topology().pageSize;
const MPOL_BIND = 2, MPOL_PREFERRED = 1;
const mask = new Uint8Array(8); mask[0] = 1;
const maskPtr = Deno.UnsafePointer.of(mask);
const region = nb.alloc((PAGES + 2) * page, { mode: "default" });
const base = Deno.UnsafePointer.value(Deno.UnsafePointer.of(new Uint8Array(region)));
const single = new Uint8Array(region, 8 * page, page);
const A: nb.Policy = { mode: "bind", nodes: [0] }, B: nb.Policy = { mode: "preferred", nodes: [0] };
const requests = Array.from({ length: PAGES }, (_, i) => ({ target: new Uint8Array(region, i * page, page), policy: i & 1 ? B : A }));
const reset = () => nb.bind(region, { mode: "default" });
const ns = () => performance.now() * 1e6;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const rows: Record<string, number[]> = { singleC: [], singleNb: [], floor: [], batchC: [], batchNb: [] };
const singleAddr = Number(base) + 8 * page;
/** The floor: the same mbind calls, one FFI call each from a JavaScript loop, no bind() work. */
const floorLoop = (): void => {
  for (let i = 0; i < SINGLE; i++) {
    if (loop.bench_mbind_one!(singleAddr, page, i & 1 ? MPOL_PREFERRED : MPOL_BIND, maskPtr, 1) !== 0) throw new Error("mbind failed");
  }
};
for (let r = 0; r < 3; r++) { reset(); nb.bindBatch(requests); for (let i = 0; i < 2000; i++) nb.bind(single, i & 1 ? B : A); floorLoop(); }
/** The three single-page loops, timed in ns per call; run in a shuffled order each round, as
 * each one's cost depends on which ran just before it. */
const singles: [string, () => number][] = [
  ["singleC", () => Number(loop.bench_single!(base + BigInt(8 * page), BigInt(page), BigInt(SINGLE), MPOL_BIND, MPOL_PREFERRED, mask, 1n)) / SINGLE],
  ["singleNb", () => { const t = ns(); for (let i = 0; i < SINGLE; i++) nb.bind(single, i & 1 ? B : A); return (ns() - t) / SINGLE; }],
  ["floor", () => { const t = ns(); floorLoop(); return (ns() - t) / SINGLE; }],
];
for (let r = 0; r < ROUNDS; r++) {
  reset();
  for (let i = singles.length - 1; i > 0; i--) { const j = Math.floor(Math.random() * (i + 1)); [singles[i], singles[j]] = [singles[j]!, singles[i]!]; }
  for (const [row, run] of singles) rows[row]!.push(run());
  reset();
  rows.batchC!.push(Number(loop.bench_alternating!(base, BigInt(page), BigInt(PAGES), MPOL_BIND, MPOL_PREFERRED, mask, 1n)) / 1e6);
  reset();
  const t = ns();
  const res = nb.bindBatch(requests);
  rows.batchNb!.push((ns() - t) / 1e6);
  if (!res.ok || res.syscalls !== PAGES) throw new Error("bindBatch failed");
}
reset();
nb.free(region);
const paired = (a: number[], b: number[]) => median(a.map((v, i) => v / b[i]!));
const spread = (a: number[], b: number[]) => { const xs = a.map((v, i) => v / b[i]!).sort((x, y) => x - y); return [xs[Math.floor(xs.length / 4)]!, xs[Math.floor(3 * xs.length / 4)]!]; };
const x = (v: number) => `${v.toFixed(2)}x`;
console.log(`numabind on Deno ${Deno.version.deno} (${nb.available().backend}): ${ROUNDS} rounds, median [min..max]`);
for (const [k, v] of Object.entries(rows)) console.log(`  ${k.padEnd(9)} ${median(v).toFixed(k.startsWith("batch") ? 2 : 0).padStart(8)} ${k.startsWith("batch") ? "ms" : "ns"}  [${Math.min(...v).toFixed(1)}..${Math.max(...v).toFixed(1)}]`);
const [sl, sh] = spread(rows.singleNb!, rows.singleC!), [bl, bh] = spread(rows.batchNb!, rows.batchC!);
console.log(`Paired per round, numabind / C loop (middle half in brackets); targets: single <= 1.15, batch <= 1.05`);
console.log(`  single bind() ${x(paired(rows.singleNb!, rows.singleC!))} [${x(sl)}..${x(sh)}]   bindBatch ${x(paired(rows.batchNb!, rows.batchC!))} [${x(bl)}..${x(bh)}]`);
const [fl, fh] = spread(rows.floor!, rows.singleC!);
console.log(`  floor (one FFI call per mbind from a JavaScript loop, none of bind()'s work) ${x(paired(rows.floor!, rows.singleC!))} [${x(fl)}..${x(fh)}]`);
