import { Command } from "commander";
import { Nodemask, type BindRequest, type Numabind, type Policy } from "../../mod.ts";
import { count, duration, hex, MiB, table } from "../format.ts";
import type { CommandFactory } from "../io.ts";
import { wholeNumber } from "../options.ts";
import { compareWithNumaMaps } from "./_numa_maps_check.ts";

/** Demo shape: runs of single-page requests, one policy per run, gaps between runs. */
export interface DemoOptions { runs: number; pagesPerRun: number; gapPages: number; seed: number }

export const DEMO_DEFAULTS: DemoOptions = { runs: 10, pagesPerRun: 120, gapPages: 4, seed: 42 };

/**
 * Policies this kernel takes, on the first usable node: the engine's rules decide, with this
 * kernel's facts (preferred-many needs Linux 5.15, weighted-interleave 6.9), by planning each
 * over one page-aligned raw range, which issues no syscall.
 */
function demoPolicies(nb: Numabind, node: number, page: number): Policy[] {
  const candidates: Policy[] = [
    { mode: "bind", nodes: [node] },
    { mode: "interleave", nodes: [node] },
    { mode: "preferred", nodes: [node] },
    { mode: "local" },
    { mode: "bind", nodes: [node], static: true },
    { mode: "default" },
    { mode: "preferred-many", nodes: [node] },
    { mode: "weighted-interleave", nodes: [node] },
  ];
  const target = { addr: BigInt(page), length: BigInt(page) };
  return candidates.filter((policy) => {
    try {
      nb.plan([{ target, policy }], { unsafeRawAddress: true, maxMapCount: 0 });
      return true;
    } catch {
      return false;
    }
  });
}

/** Deterministic shuffle (mulberry32), so every run shows the same batch. */
function shuffle<T>(a: T[], seed: number): T[] {
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/**
 * The main job: shows the topology, binds a batch of ≥ 1,000 mixed-policy requests over a fresh
 * region in one FFI crossing, and checks the result against /proc/self/numa_maps.
 * @returns 0 when every op matches (or binding is unavailable and says why), 1 otherwise
 */
export function runDemo(nb: Numabind, print: (s: string) => void, o: DemoOptions = DEMO_DEFAULTS): number {
  const t = nb.topology();
  const avail = nb.available();
  const usable = t.memsAllowed.intersect(t.withMemory);
  print("numabind demo: bind real memory on this host, then read the result back from the kernel\n");
  print("Topology");
  print(`  nodes        ${t.nodes.length} configured; online ${t.online.toList()}, with memory ${t.withMemory.toList()}, with CPUs ${t.withCpus.toList()}, possible ${t.possible.toList()}`);
  print(`  allowed      Mems_allowed ${t.memsAllowed.toList()} (kernel nodemask ${t.nodemaskBits} bits); page size ${t.pageSize} bytes`);
  for (const n of t.nodes) {
    const d = Object.entries(n.distances).map(([k, v]) => `${k}:${v}`).join(" ");
    print(`  node ${String(n.id).padEnd(7)} cpus ${n.cpus.length ? Nodemask.of(...n.cpus).toList() : "none"}; memory ${count(Math.floor(n.memTotal / MiB))} MiB, free ${count(Math.floor(n.memFree / MiB))} MiB; distances ${d || "unknown"}`);
  }
  print(`  backend      ${avail.backend}: ${avail.ok ? "ok" : `cannot bind: ${avail.reason}`}`);

  const node = usable.toArray()[0] ?? 0;
  const page = t.pageSize;
  const policies = demoPolicies(nb, node, page);
  const pages = o.runs * (o.pagesPerRun + o.gapPages);
  const requests: BindRequest[] = [];
  let region: ArrayBuffer;
  if (avail.ok) {
    region = nb.alloc(pages * page, { mode: "default" });
  } else {
    region = new ArrayBuffer(pages * page); // planning still works; nothing reaches the kernel
  }
  for (let r = 0; r < o.runs; r++) {
    const base = r * (o.pagesPerRun + o.gapPages);
    for (let i = 0; i < o.pagesPerRun; i++) {
      requests.push({ target: new Uint8Array(region, (base + i) * page, page), policy: policies[r % policies.length]! });
    }
  }
  shuffle(requests, o.seed);
  print("\nBatch");
  print(`  requests     ${count(requests.length)} single-page requests in ${o.runs} runs over ${policies.length} policies, shuffled; ${count(pages)} pages (${(pages * page / MiB).toFixed(1)} MiB), untouched`);
  if (!avail.ok) {
    print("  bind         skipped: " + avail.reason);
    return 0;
  }
  const t0 = performance.now();
  const result = nb.bindBatch(requests);
  const t1 = performance.now();
  const s = result.stats;
  print(`  plan         ${count(s.ops)} ops after coalescing (${count(s.coalesced)} requests merged), at most ${s.estimatedVmas} new mappings`);
  // The shim takes a batch in one crossing; without it each op crosses on its own.
  const crossings = avail.path === "shim" ? (result.syscalls ? 1 : 0) : result.syscalls;
  print(`  bind         ${count(result.syscalls)} mbind syscalls through ${count(crossings)} FFI call${crossings === 1 ? "" : "s"} (${avail.backend}); plan + bind ${duration(t1 - t0)}; ${result.ok ? "ok" : `FAILED: ${result.failed[0]?.message}`}`);
  if (avail.pathReason) print(`  note         ${avail.pathReason}`);
  for (const r of requests) (r.target as Uint8Array).fill(1);
  print("  touch        wrote every requested page, so each lands where its policy says");

  // The ops again, to show them (plan() is pure); numa_maps prints the thread's policy for
  // mappings bound to "default", which under `numactl --membind` is not "default".
  const ops = nb.plan(requests).ops;
  const thread = nb.getThreadPolicy();
  const checks = compareWithNumaMaps(ops, nb.numaMaps(), (policy) => nb.numaMapsText(policy, thread));
  print("\nVerification: /proc/self/numa_maps against the plan");
  const nodes = usable.toArray();
  print(table(["range", "pages", "planned", "numa_maps", ...nodes.map((n) => `N${n}`), ""],
    checks.map((c) => [
      `${hex(c.op.addr)}-${hex(c.op.addr + c.op.length)}`,
      String(Number(c.op.length) / page),
      c.expected,
      c.found.join(" | ") || "(none)",
      ...nodes.map((n) => String(c.pagesPerNode[n] ?? 0)),
      resident(c) === Number(c.op.length) / page && c.ok ? "ok" : "MISMATCH",
    ])));
  const bad = checks.filter((c) => !c.ok || resident(c) !== Number(c.op.length) / page).length;
  print(`  ${checks.length - bad}/${checks.length} ops match the kernel's view`);
  const v = nb.verify(result);
  print(`  verify()     ${v.ok ? "ok" : `${v.mismatches.length} MISMATCHES`}: ${count(v.ranges)} mapping pieces by get_mempolicy, numa_maps text, ${count(v.pages)} touched pages located`);
  nb.free(region);
  return result.ok && bad === 0 && v.ok ? 0 : 1;
}

/** Pages resident over an op's mappings, on any node. */
function resident(c: { pagesPerNode: Record<number, number> }): number {
  return Object.values(c.pagesPerNode).reduce((a, b) => a + b, 0);
}

/** `numabind demo`: the main job (npm start). */
export const demoCommand: CommandFactory = (ctx, nb) =>
  new Command("demo")
    .description("bind a batch of 1,000+ mixed-policy requests on this host and verify it in /proc/self/numa_maps")
    .option("--runs <n>", "runs of equal policy", wholeNumber(1, 10_000), DEMO_DEFAULTS.runs)
    .option("--pages-per-run <n>", "single-page requests per run", wholeNumber(1, 100_000), DEMO_DEFAULTS.pagesPerRun)
    .addHelpText("after", "\nExamples:\n  numabind demo\n  numabind demo --runs 4 --pages-per-run 1000")
    .action((o: { runs: number; pagesPerRun: number }) => {
      ctx.finish(runDemo(nb, (s) => ctx.io.out(s + "\n"), { ...DEMO_DEFAULTS, runs: o.runs, pagesPerRun: o.pagesPerRun }));
    });
