// The binding suite of bench/bind.mjs, as report figures: bind() of one page and bindBatch() of
// alternating single-page requests against a C loop issuing the same mbind calls in the same
// process (native/bench/kernels.c, libc syscall(), the loop most C code runs), paired per round;
// planning cost per range; and cost against batch size.
import { alloc, bind, bindBatch, free, MODES, numabind, plan as planRequests, topology, type BindRequest, type Policy } from "../mod.ts";
import type { Steps } from "./_progress.ts";
import { seededRandom, shuffled } from "./_random.ts";
import type { CKernels } from "./kernels.ts";
import type { BenchPlan } from "./options.ts";
import type { BenchBinding } from "./report_schema.ts";
import { emptyStat, summarize } from "./statistics.ts";

/** Unrecorded calls before a timed single-call loop, so that it starts hot. */
const SINGLE_WARM_CALLS = 500;
/** Seed of the case order (bench/bind.mjs shuffles with a fixed seed too). */
const ORDER_SEED = 4;
/** Page of the region that the single calls bind (inside it, as bench/bind.mjs does). */
const SINGLE_PAGE = 8;

const kernelMode = (name: Policy["mode"]): number => MODES.find((m) => m.name === name)!.kernel;

/**
 * The steps runBindingSuite() reports, for onProgress.
 * @example Basic usage
 * ```ts
 * assert(bindingSteps(plan) === plan.bindRounds + plan.warmBindRounds);
 * ```
 */
export function bindingSteps(plan: BenchPlan): number {
  return plan.bindRounds + plan.warmBindRounds;
}

/**
 * Runs the suite with policies on `node` (bind and preferred, alternating, as bench/bind.mjs).
 * Every batch case runs after a reset that merges the region back into one mapping, and each
 * round runs the cases in a shuffled order: the kernel frees merged mappings after an RCU
 * grace period, which slows whichever case follows a heavy one (docs/benchmarks.md).
 * @param kernels the C loop; without it the ratios and C figures are empty (n: 0)
 * @example Basic usage
 * ```ts
 * const b = await runBindingSuite(plan, 0, kernels, steps(9));
 * assert(b.bindBatchToCLoop.n === plan.bindRounds);
 * ```
 */
export async function runBindingSuite(plan: BenchPlan, node: number, kernels: CKernels | undefined, s: Steps): Promise<BenchBinding> {
  const page = topology().pageSize;
  const n = plan.batchRequests;
  const region = alloc((n + 2) * page, { mode: "default" });
  try {
    const regionAddr = Number(numabind.backend.addressOf(new Uint8Array(region)));
    // The nodemask the C loop passes, in memory that never moves (an ArrayBuffer's own store).
    const words = Math.floor(node / 64) + 1;
    const mask = new BigUint64Array(new ArrayBuffer(words * 8));
    mask[words - 1] = 1n << BigInt(node % 64);
    const maskAddr = Number(numabind.backend.addressOf(new Uint8Array(mask.buffer)));
    const A: Policy = { mode: "bind", nodes: [node] }, B: Policy = { mode: "preferred", nodes: [node] };
    const modeA = kernelMode("bind"), modeB = kernelMode("preferred");
    const requests: BindRequest[] = Array.from({ length: n }, (_, i) => ({ target: new Uint8Array(region, i * page, page), policy: i & 1 ? B : A }));
    const bySize = new Map(plan.batchSizes.map((size) => [size, requests.slice(0, size)]));
    const single = new Uint8Array(region, SINGLE_PAGE * page, page);
    const reset = (): void => bind(region, { mode: "default" });

    const rec = new Map<string, number[]>();
    const record = (name: string, x: number): void => {
      const xs = rec.get(name);
      if (xs) xs.push(x);
      else rec.set(name, [x]);
    };
    const timeUs = (fn: () => void): number => {
      const t0 = process.hrtime.bigint();
      fn();
      return Number(process.hrtime.bigint() - t0) / 1e3;
    };
    const cases: [string, () => void][] = [
      ["single", () => {
        reset();
        if (kernels) record("single C ns", kernels.mbindSingle(regionAddr + SINGLE_PAGE * page, page, plan.singleCalls, modeA, modeB, maskAddr, words) / plan.singleCalls);
        for (let i = 0; i < SINGLE_WARM_CALLS; i++) bind(single, i & 1 ? B : A);
        record("single bind ns", timeUs(() => { for (let i = 0; i < plan.singleCalls; i++) bind(single, i & 1 ? B : A); }) * 1e3 / plan.singleCalls);
      }],
      ["plan", () => record("plan us per range", timeUs(() => planRequests(requests)) / n)],
      ...plan.batchSizes.flatMap((size): [string, () => void][] => [
        [`batch ${size}`, () => {
          const rs = bySize.get(size)!;
          reset();
          let res: ReturnType<typeof bindBatch> | undefined;
          record(`bindBatch us ${size}`, timeUs(() => { res = bindBatch(rs); }));
          if (!res!.ok || res!.syscalls !== size) {
            throw new Error(`Cannot measure bindBatch: ${size} alternating single-page requests should issue ${size} mbind calls, it issued ${res!.syscalls}${res!.failed[0] ? ` and failed with ${res!.failed[0].code} (${res!.failed[0].message})` : ""}`);
          }
        }],
        ...(kernels ? [[`c ${size}`, () => {
          reset();
          record(`C us ${size}`, kernels.mbindAlternating(regionAddr, page, size, modeA, modeB, maskAddr, words) / 1e3);
        }] as [string, () => void]] : []),
      ]),
    ];
    const random = seededRandom(ORDER_SEED);
    for (let r = 0; r < plan.warmBindRounds + plan.bindRounds; r++) {
      const warm = r < plan.warmBindRounds;
      await s.run(`binding suite, ${warm ? "warm-up " : ""}round ${warm ? r + 1 : r + 1 - plan.warmBindRounds}`, () => {
        for (const [, run] of shuffled(cases, random)) run();
      });
      // The first rounds run numabind's host code before V8 has optimised it: not recorded.
      if (warm) rec.clear();
    }
    reset();
    const get = (name: string): number[] => rec.get(name) ?? [];
    const paired = (a: string, b: string): number[] => (kernels ? get(a).map((x, i) => x / get(b)[i]!) : []);
    return {
      bindToCLoop: kernels ? summarize(paired("single bind ns", "single C ns"), "ratio") : emptyStat("ratio"),
      bindBatchToCLoop: kernels ? summarize(paired(`bindBatch us ${n}`, `C us ${n}`), "ratio") : emptyStat("ratio"),
      planUsPerRange: summarize(get("plan us per range"), "us"),
      batchSizes: plan.batchSizes.map((size) => ({
        requests: size, bindBatchUs: summarize(get(`bindBatch us ${size}`), "us"), cLoopUs: summarize(get(`C us ${size}`), "us"),
      })),
    };
  } finally {
    free(region);
  }
}
