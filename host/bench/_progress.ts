// Counting the bench's steps for onProgress, and giving the event loop a turn between steps so
// that a progress bar (cli-progress draws on timers) can redraw while the kernels run.
import { setImmediate as turn } from "node:timers/promises";

/**
 * Reports steps as they start: (steps done, steps in all, what runs now).
 * @example Basic usage
 * ```ts
 * const sink: ProgressSink = (done, total) => assert(done <= total);
 * await steps(1, sink).run("one", () => 1);
 * ```
 */
export type ProgressSink = (done: number, total: number, label: string) => void;

/**
 * Counts steps against a total fixed in advance.
 * @example Basic usage
 * ```ts
 * const s: Steps = steps(2);
 * assert(await s.run("one", () => 1) === 1);
 * ```
 */
export interface Steps {
  /** Reports `label` as running, yields one turn of the event loop, runs `fn`, counts it done. */
  run<T>(label: string, fn: () => T | Promise<T>): Promise<T>;
  /** Reports the end (done = total). */
  finish(): void;
}

/**
 * Steps against `total`, reported to `sink` (if any).
 * @example Basic usage
 * ```ts
 * const seen: number[] = [];
 * const s = steps(1, (done) => seen.push(done));
 * await s.run("one", () => 1);
 * s.finish();
 * assert(seen.join() === "0,1");
 * ```
 */
export function steps(total: number, sink?: ProgressSink): Steps {
  let done = 0;
  return {
    async run(label, fn) {
      sink?.(Math.min(done, total), total, label);
      await turn();
      const r = await fn();
      done++;
      return r;
    },
    finish() { sink?.(total, total, "done"); },
  };
}
