/** Called with work done and the total (ops for bindBatch, pages for movePages). */
export type ProgressCallback = (done: number, total: number, info: ProgressInfo) => void;

/** What the last FFI call did, for callers that watch stalls as well as progress. */
export interface ProgressInfo {
  /** FFI calls (slices of ops, chunks of pages) made so far. */
  calls: number;
  /** Items the last call handled, and how long it took. */
  lastItems: number;
  lastMs: number;
  /** The longest call so far, in milliseconds: the longest the caller's thread was held. */
  maxMs: number;
}

/**
 * Progress is reported at most this often unless the caller says otherwise: ten updates a
 * second are plenty for a progress bar, and a batch of small slices must not call back after
 * every one of them.
 */
export const DEFAULT_PROGRESS_INTERVAL_MS = 100;

/** Reports progress at a bounded rate: at most once per interval, plus once at the end. */
export interface ProgressReporter {
  /** After an FFI call that handled `items` in `ms`; calls back if the interval has passed. */
  step(done: number, items: number, ms: number): void;
  /** The final call, made once whether or not the work ran to the end. */
  finish(done: number): void;
}

/**
 * Wraps a progress callback so that it runs at most once per `intervalMs` (0: after every
 * call) and exactly once at the end. `now` is the clock (tests pass a fake one).
 * @example
 * ```ts
 * const seen: number[] = [];
 * const p = progressReporter((d) => seen.push(d), 10, 50, () => 0);
 * p.step(4, 4, 1); p.step(8, 4, 1); p.finish(10);
 * expect(seen).toEqual([10]);   // the clock never moved: only the final call
 * ```
 */
export function progressReporter(cb: ProgressCallback, total: number, intervalMs: number,
  now: () => number = () => performance.now()): ProgressReporter {
  const info: ProgressInfo = { calls: 0, lastItems: 0, lastMs: 0, maxMs: 0 };
  let last = now(), reported = -1, finished = false;
  return {
    step(done, items, ms) {
      info.calls++; info.lastItems = items; info.lastMs = ms;
      if (ms > info.maxMs) info.maxMs = ms;
      const t = now();
      if (done < total && t - last >= intervalMs) {
        last = t; reported = done;
        cb(done, total, { ...info });
      }
    },
    finish(done) {
      if (finished) return;
      finished = true;
      // step() never reports the total, so a finished run always gets its (total, total).
      if (done !== reported) cb(done, total, { ...info });
    },
  };
}

/**
 * Checks the progress options shared by bindBatch and movePages.
 * @example
 * ```ts
 * expect(() => checkProgressOptions({ progressIntervalMs: -1 })).toThrow(RangeError);
 * ```
 */
export function checkProgressOptions(o: { onProgress?: unknown; progressIntervalMs?: unknown }): void {
  if (o.onProgress !== undefined && typeof o.onProgress !== "function") {
    throw new TypeError(`Cannot use opts.onProgress: it must be a function, current value is ${typeof o.onProgress}`);
  }
  const i = o.progressIntervalMs;
  if (i !== undefined && !(typeof i === "number" && i >= 0 && Number.isFinite(i))) {
    throw new RangeError(`Cannot use opts.progressIntervalMs: it must be a number of milliseconds >= 0, current value is ${String(i)}`);
  }
}

/**
 * Sizes the next call from how long the last one took, so that calls take about `targetMs`
 * (the katalyst move_pages pattern: adapt the pages per call to a latency target). Each step
 * changes the size by at most 4x, so one slow or fast outlier cannot swing it far.
 * @example
 * ```ts
 * expect(nextSize(1000, 40, 20, 1, 1e6)).toBe(500);    // took twice the target: halve
 * expect(nextSize(1000, 1, 20, 1, 1e6)).toBe(4000);    // far under: at most 4x
 * ```
 */
export function nextSize(size: number, tookMs: number, targetMs: number, min: number, max: number): number {
  const factor = Math.min(4, Math.max(0.25, targetMs / Math.max(tookMs, 1e-3)));
  return Math.max(min, Math.min(max, Math.round(size * factor)));
}
