import type { BatchFailure } from "../failures/mod.ts";
import type { ProgressCallback } from "../kernel/mod.ts";
import type { PlanStats } from "../plan/mod.ts";
import type { RestoreFailure } from "./rollback.ts";

/** Options for bindBatch beyond planning (README "Batches you can trust"). */
export interface BatchOptions {
  /** Apply the remaining ops after a failure instead of stopping. Excludes atomic. */
  continueOnError?: boolean;
  /**
   * Snapshot the policy of every mapping the plan touches first; if an op fails, put every
   * range the batch changed back to its exact prior policy and check it (rolledBack,
   * restoreFailed). Pages moved by move/moveAll stay where they went.
   */
  atomic?: boolean;
  /**
   * Issue no mbind for ops whose whole range already has exactly that policy (never for ops
   * with strict, move or moveAll). Default false: it costs a /proc/self/maps read and a
   * get_mempolicy per mapping, which only pays when most of a batch is already in force.
   */
  skipUnchanged?: boolean;
  /** Called with (ops done, ops in the plan, call info), at most once per progressIntervalMs and once at the end. */
  onProgress?: ProgressCallback;
  /** Least time between two progress calls (default 100 ms; 0: after every slice). */
  progressIntervalMs?: number;
}

/**
 * The keys BatchOptions has: bindBatch() takes these and PLAN_OPTION_KEYS, and refuses any other.
 * @example Basic usage
 * ```ts
 * expect(BATCH_OPTION_KEYS).toContain("atomic");
 * ```
 */
export const BATCH_OPTION_KEYS: readonly (keyof BatchOptions)[] = Object.freeze([
  "continueOnError", "atomic", "skipUnchanged", "onProgress", "progressIntervalMs",
]);

/** What a batch did. */
export interface BatchResult {
  ok: boolean;
  /** Ops the kernel accepted (before any rollback). */
  applied: number;
  /** mbind syscalls issued for the batch (restores not included). */
  syscalls: number;
  /** Ops in the plan. */
  ops: number;
  /** Ops not issued because their range already had that policy (skipUnchanged). */
  skipped: number;
  failed: BatchFailure[];
  /** An atomic batch failed and every range it changed was restored and read back. */
  rolledBack: boolean;
  /** Ranges an atomic batch could not restore to their prior policy: never empty silently. */
  restoreFailed: RestoreFailure[];
  /** mbind syscalls the rollback issued. */
  restoreSyscalls: number;
  /** The plan's statistics. */
  stats: PlanStats;
}
