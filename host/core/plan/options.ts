import {
  MPOL_BIND, MPOL_INTERLEAVE, MPOL_PREFERRED, MPOL_WEIGHTED_INTERLEAVE,
} from "../../../assembly/abi.ts";
import { booleanField, describeValue } from "../shapes.ts";

/** How requests become ops (README "Plan options"). */
export interface PlanOptions {
  /** Page size to align to; default: the system's base page size. */
  pageSize?: number;
  /** Overlapping requests: "last-wins" (default: a later request wins where it overlaps) or "error". */
  overlap?: "last-wins" | "error";
  /** Cut ops at every multiple of this many bytes (rounded up to the page, or 2 MiB with hugePageAlign). */
  chunkBytes?: bigint | number;
  /** Split interleave requests into blocks of this many bytes, each bound to one node. */
  interleaveBlock?: bigint | number;
  /** Block weights by node id (weights[n] for node n; nodes past the end weigh 1). */
  weights?: readonly number[];
  /** Put block and chunk boundaries on huge page (PMD, 2 MiB) boundaries. */
  hugePageAlign?: boolean;
  /** What each interleave block becomes: "preferred" (default, falls back like interleave) or "bind". */
  blockPolicy?: "preferred" | "bind";
  /** The VMA limit to plan against; default vm.max_map_count. 0 turns the budget off. */
  maxMapCount?: number;
  /**
   * Mappings kept free below the limit for the runtime itself (default 1024, see
   * DEFAULT_MAP_RESERVE): a plan may use at most maxMapCount - mapReserve.
   */
  mapReserve?: number;
  /** Mappings the process has now; default: counted from /proc/self/maps. */
  mapCount?: number;
  /** Allow { addr, length } targets. */
  unsafeRawAddress?: boolean;
}

/**
 * The keys PlanOptions has: plan(), bindBatch() and bind() refuse any other.
 * @example Basic usage
 * ```ts
 * expect(PLAN_OPTION_KEYS).toContain("interleaveBlock");
 * ```
 */
export const PLAN_OPTION_KEYS: readonly (keyof PlanOptions)[] = Object.freeze([
  "pageSize", "overlap", "chunkBytes", "interleaveBlock", "weights", "hugePageAlign", "blockPolicy",
  "maxMapCount", "mapReserve", "mapCount", "unsafeRawAddress",
]);

/** Plan options as the engine's control block takes them. */
export interface EngineOptions {
  pageSize: number;
  overlapError: boolean;
  chunk: bigint;
  block: bigint;
  hugePageAlign: boolean;
  blockMode: number;
  weights: readonly number[] | undefined;
  weightModes: number;
  maxMapCount: number | undefined;
  mapReserve: number;
  mapCount: number | undefined;
}

/**
 * Mappings the VMA budget leaves free for the runtime. A Node process at vm.max_map_count
 * dies when V8 cannot map a heap page or compiled code, and its own mappings move: measured
 * here, a process growing a 200 MB heap, compiling 3,000 functions, running threadpool work
 * and 4 workers added 520-530 mappings. Twice that, rounded to a power of two.
 */
export const DEFAULT_MAP_RESERVE = 1024;

const MAX_BYTES = 1n << 62n;

function bytesOption(v: unknown, name: string): bigint {
  if (v === undefined) return 0n;
  if (typeof v === "number" && Number.isSafeInteger(v) && v > 0) return BigInt(v);
  if (typeof v === "bigint" && v > 0n && v <= MAX_BYTES) return v;
  if (typeof v !== "number" && typeof v !== "bigint") throw new TypeError(`Cannot plan: ${name} must be a number or a bigint, current value is ${typeof v}`);
  throw new RangeError(`Cannot plan: ${name} must be a positive integer of at most 2^62 bytes, current value is ${String(v)}`);
}

function countOption(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw new RangeError(`Cannot plan: ${name} must be an integer in 0..2^32-1, current value is ${String(v)}`);
  }
  return v;
}

/**
 * Checks plan options and turns them into engine form. Throws TypeError or RangeError naming
 * the option.
 * @example
 * ```ts
 * expect(engineOptions({ interleaveBlock: 1 << 21 }, 4096).block).toBe(2097152n);
 * ```
 */
export function engineOptions(o: PlanOptions, systemPageSize: number): EngineOptions {
  if (o === null || typeof o !== "object") throw new TypeError(`Cannot plan: options must be an object, current value is ${describeValue(o)}`);
  booleanField(o.unsafeRawAddress, "opts.unsafeRawAddress");
  const pageSize = o.pageSize ?? systemPageSize;
  if (!Number.isInteger(pageSize) || pageSize < 4096 || pageSize > 1 << 30 || (pageSize & (pageSize - 1)) !== 0) {
    throw new RangeError(`Cannot plan: pageSize must be a power of two in 4096..2^30, current value is ${String(o.pageSize)}`);
  }
  if (o.overlap !== undefined && o.overlap !== "last-wins" && o.overlap !== "error") {
    throw new TypeError(`Cannot plan: overlap must be "last-wins" or "error", current value is ${JSON.stringify(o.overlap)}`);
  }
  if (o.blockPolicy !== undefined && o.blockPolicy !== "preferred" && o.blockPolicy !== "bind") {
    throw new TypeError(`Cannot plan: blockPolicy must be "preferred" or "bind", current value is ${JSON.stringify(o.blockPolicy)}`);
  }
  const block = bytesOption(o.interleaveBlock, "interleaveBlock");
  if (o.weights !== undefined) {
    if (!Array.isArray(o.weights)) throw new TypeError(`Cannot plan: weights must be an array of node weights, current value is ${typeof o.weights}`);
    if (block === 0n) throw new TypeError("Cannot plan: weights apply to interleave blocks; give interleaveBlock too (without it the kernel interleaves page by page with its own weights)");
    if (o.weights.length > 32768) throw new RangeError(`Cannot plan: weights has one entry per node id, at most 32768, current length is ${o.weights.length}`);
    o.weights.forEach((w, i) => {
      if (typeof w !== "number" || !Number.isInteger(w) || w < 1 || w > 65535) {
        throw new RangeError(`Cannot plan: weights[${i}] must be an integer in 1..65535, current value is ${String(w)}`);
      }
    });
  }
  return {
    pageSize,
    overlapError: o.overlap === "error",
    chunk: bytesOption(o.chunkBytes, "chunkBytes"),
    block,
    hugePageAlign: booleanField(o.hugePageAlign, "opts.hugePageAlign"),
    blockMode: o.blockPolicy === "bind" ? MPOL_BIND : MPOL_PREFERRED,
    weights: o.weights,
    // Explicit weights apply to every interleave request; without them only weighted-interleave
    // requests follow a table (the kernel's sysfs weights), and interleave blocks weigh 1.
    weightModes: (1 << MPOL_WEIGHTED_INTERLEAVE) | (o.weights ? 1 << MPOL_INTERLEAVE : 0),
    maxMapCount: countOption(o.maxMapCount, "maxMapCount"),
    mapReserve: countOption(o.mapReserve, "mapReserve") ?? DEFAULT_MAP_RESERVE,
    mapCount: countOption(o.mapCount, "mapCount"),
  };
}
