// runBench()'s options and the sizes and counts they resolve to. Every threshold is named
// here, with the measurement behind it (this host: 2 vCPUs, 24 GiB, one node, L3 reported as
// 480 MiB; first touch of fresh memory 0.5-2.5 GB/s, C triad ~14 GB/s, chase ~340 ns/load).
import { constants as bufferConstants } from "node:buffer";

/**
 * What runBench() takes.
 * @example Basic usage
 * ```ts
 * const o: BenchOptions = { quick: true, arrayBytes: 64 << 20 };
 * assert(resolveOptions(o, { llcBytes: 32 << 20, pageSize: 4096, memFreeBytes: 8 * 2 ** 30 }).arrayBytes === 64 << 20);
 * ```
 */
export interface BenchOptions {
  /** Fewer repeats and smaller side cases: under a minute on a 2-CPU, one-node host. */
  quick?: boolean;
  /**
   * Bytes per matrix array (triad uses three). Default: 4x the last-level cache (STREAM's rule),
   * rounded up to whole pages; less when three such arrays do not fit in a node's free memory.
   */
  arrayBytes?: number;
  /** Runs of each matrix and policy-row kernel (default 3 quick, 10 full as STREAM's NTIMES). */
  repeats?: number;
  /** Called as each step starts: (steps done, steps in all, what runs now); once more at the end. */
  onProgress?: (done: number, total: number, label: string) => void;
}

/** STREAM's rule: each array at least 4x the last-level cache, so that no kernel runs from cache. */
const STREAM_LLC_FACTOR = 4;
/** Matrix arrays when sysfs names no cache (followsStreamRule is then false). */
const UNKNOWN_LLC_ARRAY_BYTES = 1 << 30;
/** The smallest arrayBytes: enough pages for the chase and the placement counts to mean something. */
const MIN_ARRAY_BYTES = 1 << 20;
/** Share of a node's free memory that the three arrays of a cell may take (the rest is the system's). */
const FIT_SHARE = 0.8;
/** Repeats: quick (3 runs of each kernel: ~2.5 s of C and ~4 s of JS kernels per 2 GB cell here) and full (STREAM's NTIMES). */
const QUICK_REPEATS = 3, FULL_REPEATS = 10;
/**
 * Policy-row arrays, quick and full floor. The rows are 7-9 allocations of three arrays each;
 * at the matrix's 4x LLC that is ~6 GB of first touch per row (over a minute for the rows
 * alone here), for figures whose point is where pages land and how policies compare, not the
 * peak. 256 MiB is past where this host's bandwidth flattens (C read: 20 GB/s at 64 MiB, 10.6 at
 * 256 MiB, 12 at 1 GiB), so the rows still read memory rather than cache. Full runs use the
 * larger of this and the LLC.
 */
const ROW_BYTES = 256 << 20;
/** Dependent loads per chase walk: ~0.35 s here at ~340 ns a load (quick), 4x that in full runs. */
const QUICK_CHASE_LOADS = 1 << 20, FULL_CHASE_LOADS = 1 << 22;
/** The migration buffer: 16,384 pages quick, 65,536 full. */
const QUICK_MIGRATE_BYTES = 64 << 20, FULL_MIGRATE_BYTES = 256 << 20;
/** Pages per move_pages call: a small, the kernel's batch-sized and numabind's default chunk. */
const CHUNK_PAGES = [64, 512, 4096] as const;
/** Timed repeats of each migration case. */
const QUICK_MIGRATE_REPEATS = 3, FULL_MIGRATE_REPEATS = 5;
/**
 * Binding suite rounds (after 2 unrecorded ones): bench/bind.mjs runs 15 batch rounds since
 * the batch cases spread more than single calls; quick keeps 7.
 */
const QUICK_BIND_ROUNDS = 7, FULL_BIND_ROUNDS = 15, WARM_BIND_ROUNDS = 2;
/** Single bind() calls per round (~2 µs each here). */
const QUICK_SINGLE_CALLS = 10_000, FULL_SINGLE_CALLS = 20_000;
/** The batch: bench/bind.mjs's 20,000 alternating single-page requests. */
const BATCH_REQUESTS = 20_000;
/** Cost against batch size. */
const BATCH_SIZES = [100, 1_000, 10_000, BATCH_REQUESTS] as const;

/**
 * Everything a run needs to know, resolved from the options and the machine.
 * @example Basic usage
 * ```ts
 * const p: BenchPlan = resolveOptions({ quick: true }, facts);
 * assert(p.rowBytes <= p.arrayBytes);
 * ```
 */
export interface BenchPlan {
  quick: boolean;
  arrayBytes: number;
  followsStreamRule: boolean;
  repeats: number;
  rowBytes: number;
  chaseLoads: number;
  migrateBytes: number;
  migrateRepeats: number;
  chunkPages: readonly number[];
  bindRounds: number;
  warmBindRounds: number;
  singleCalls: number;
  batchRequests: number;
  batchSizes: readonly number[];
  onProgress?: BenchOptions["onProgress"];
}

/**
 * What the machine contributes to the plan.
 * @example Basic usage
 * ```ts
 * const facts: PlanFacts = { llcBytes: readCaches().llcBytes, pageSize: 4096, memFreeBytes: freemem() };
 * assert(resolveOptions({}, facts).arrayBytes >= 1 << 20);
 * ```
 */
export interface PlanFacts {
  llcBytes: number;
  pageSize: number;
  /** The least free memory of the nodes the matrix allocates on. */
  memFreeBytes: number;
}

const KEYS = ["quick", "arrayBytes", "repeats", "onProgress"] as const;

/**
 * Checks the options and resolves sizes and counts.
 * @param o the caller's options
 * @param facts cache, page size and free memory
 * @returns the plan of the run
 * @example Basic usage
 * ```ts
 * const p = resolveOptions({ quick: true }, { llcBytes: 480 << 20, pageSize: 4096, memFreeBytes: 22 * 2 ** 30 });
 * assert(p.followsStreamRule && p.arrayBytes === 4 * (480 << 20) && p.repeats === 3);
 * ```
 */
export function resolveOptions(o: BenchOptions, facts: PlanFacts): BenchPlan {
  if (o === null || typeof o !== "object") throw new TypeError(`Cannot run the bench: options must be an object, current value is ${String(o)}`);
  for (const k of Object.keys(o)) {
    if (!(KEYS as readonly string[]).includes(k)) throw new TypeError(`Cannot run the bench: unknown option "${k}"; the options are ${KEYS.join(", ")}`);
  }
  if (o.quick !== undefined && typeof o.quick !== "boolean") throw new TypeError(`Cannot run the bench: quick must be a boolean, current value is ${String(o.quick)}`);
  if (o.onProgress !== undefined && typeof o.onProgress !== "function") throw new TypeError("Cannot run the bench: onProgress must be a function (done, total, label) => void");
  const quick = o.quick ?? false;
  const page = facts.pageSize;
  const roundUp = (n: number): number => Math.ceil(n / page) * page;
  const fits = Math.floor((FIT_SHARE * facts.memFreeBytes) / 3 / page) * page;
  const max = Math.min(fits, Math.floor(bufferConstants.MAX_LENGTH / page) * page);
  let arrayBytes: number;
  if (o.arrayBytes !== undefined) {
    if (!Number.isSafeInteger(o.arrayBytes) || o.arrayBytes < MIN_ARRAY_BYTES) {
      throw new RangeError(`Cannot run the bench: arrayBytes must be a whole number of at least ${MIN_ARRAY_BYTES} bytes, current value is ${o.arrayBytes}`);
    }
    arrayBytes = roundUp(o.arrayBytes);
    if (arrayBytes > max) {
      throw new RangeError(`Cannot run the bench: three arrays of arrayBytes must fit in ${FIT_SHARE * 100}% of the least free memory of a node (${facts.memFreeBytes} bytes) and in one ArrayBuffer (${bufferConstants.MAX_LENGTH} bytes), so at most ${max}; pass a smaller arrayBytes, current value is ${o.arrayBytes}`);
    }
  } else {
    arrayBytes = Math.min(roundUp(facts.llcBytes > 0 ? STREAM_LLC_FACTOR * facts.llcBytes : UNKNOWN_LLC_ARRAY_BYTES), max);
  }
  if (arrayBytes < MIN_ARRAY_BYTES) {
    throw new RangeError(`Cannot run the bench: a node has too little free memory (${facts.memFreeBytes} bytes) for three arrays of ${MIN_ARRAY_BYTES} bytes; free some memory`);
  }
  let repeats = quick ? QUICK_REPEATS : FULL_REPEATS;
  if (o.repeats !== undefined) {
    if (!Number.isInteger(o.repeats) || o.repeats < 1 || o.repeats > 1000) {
      throw new RangeError(`Cannot run the bench: repeats must be an integer in 1..1000, current value is ${o.repeats}`);
    }
    repeats = o.repeats;
  }
  const rowFloor = quick ? ROW_BYTES : Math.max(ROW_BYTES, roundUp(facts.llcBytes));
  return {
    quick, arrayBytes,
    followsStreamRule: facts.llcBytes > 0 && arrayBytes >= STREAM_LLC_FACTOR * facts.llcBytes,
    repeats,
    rowBytes: Math.min(arrayBytes, rowFloor),
    chaseLoads: quick ? QUICK_CHASE_LOADS : FULL_CHASE_LOADS,
    migrateBytes: Math.min(arrayBytes, quick ? QUICK_MIGRATE_BYTES : FULL_MIGRATE_BYTES),
    migrateRepeats: quick ? QUICK_MIGRATE_REPEATS : FULL_MIGRATE_REPEATS,
    chunkPages: CHUNK_PAGES,
    bindRounds: quick ? QUICK_BIND_ROUNDS : FULL_BIND_ROUNDS,
    warmBindRounds: WARM_BIND_ROUNDS,
    singleCalls: quick ? QUICK_SINGLE_CALLS : FULL_SINGLE_CALLS,
    batchRequests: BATCH_REQUESTS,
    batchSizes: BATCH_SIZES,
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  };
}
