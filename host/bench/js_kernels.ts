// The STREAM kernels in plain JavaScript over Float64Array, timed from JavaScript: what a
// Node program that touches the same arrays gets, reported as a ratio to the C kernels of the
// same run (jsToC). Written as the C ones are (read keeps independent accumulators) so that
// the ratio compares the runtimes, not two algorithms.

/**
 * Elements per warm-up array: small enough to stay in cache, large enough for the loops to run
 * hot, and not a multiple of 4, so that the read's tail loop runs too (a loop V8 never saw run
 * has no type feedback, and reaching it deoptimises the function).
 */
const WARM_ELEMENTS = (1 << 16) + 3;
/** Warm-up calls per kernel: enough for V8 to optimise each loop (TurboFan) before it is timed. */
const WARM_CALLS = 200;

const now = (): bigint => process.hrtime.bigint();

// The loops, apart from their timing: with process.hrtime.bigint() inside the same function,
// V8 deoptimised it after the loop on most calls (--trace-deopt: "Insufficient type feedback
// for call"), and the next call ran unoptimised, at a third of the speed.
function sumLoop(x: Float64Array): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, i = 0;
  const n = x.length;
  for (; i + 4 <= n; i += 4) { s0 += x[i]!; s1 += x[i + 1]!; s2 += x[i + 2]!; s3 += x[i + 3]!; }
  for (; i < n; i++) s0 += x[i]!;
  return s0 + s1 + s2 + s3;
}

function storeLoop(x: Float64Array, s: number): void {
  const n = x.length;
  for (let i = 0; i < n; i++) x[i] = s;
}

function triadLoop(a: Float64Array, b: Float64Array, c: Float64Array, s: number): void {
  const n = Math.min(a.length, b.length, c.length);
  for (let i = 0; i < n; i++) a[i] = b[i]! + s * c[i]!;
}

/**
 * Sums a Float64Array with four accumulators (one would wait on each add's latency).
 * @returns elapsed ns
 * @example Basic usage
 * ```ts
 * assert(jsRead(new Float64Array(1024)) > 0);
 * ```
 */
export function jsRead(x: Float64Array): number {
  const t0 = now();
  sink = sumLoop(x);
  return Number(now() - t0);
}

/**
 * Stores `s` into every element (a loop, as the C kernel, rather than fill()'s memset).
 * @returns elapsed ns
 * @example Basic usage
 * ```ts
 * const x = new Float64Array(8);
 * jsWrite(x, 2);
 * assert(x[7] === 2);
 * ```
 */
export function jsWrite(x: Float64Array, s: number): number {
  const t0 = now();
  storeLoop(x, s);
  return Number(now() - t0);
}

/**
 * STREAM's triad, a[i] = b[i] + s * c[i].
 * @returns elapsed ns
 * @example Basic usage
 * ```ts
 * const a = new Float64Array(4), b = new Float64Array(4).fill(1), c = new Float64Array(4).fill(2);
 * jsTriad(a, b, c, 3);
 * assert(a[0] === 7);
 * ```
 */
export function jsTriad(a: Float64Array, b: Float64Array, c: Float64Array, s: number): number {
  const t0 = now();
  triadLoop(a, b, c, s);
  return Number(now() - t0);
}

/**
 * Runs each kernel on small arrays until V8 has optimised it, so that the first timed run is
 * not an interpreted one (measured here: 1.8 GB/s before, 4.8 GB/s after, on a 2 GB read).
 * @example Basic usage
 * ```ts
 * warmJsKernels();
 * assert(jsRead(new Float64Array(8)) >= 0);
 * ```
 */
export function warmJsKernels(): void {
  // Off-heap backing stores, as the alloc() arrays the timed runs use.
  const [a, b, c] = [0, 1, 2].map(() => new Float64Array(new ArrayBuffer(WARM_ELEMENTS * 8))) as [Float64Array, Float64Array, Float64Array];
  for (let i = 0; i < WARM_CALLS; i++) { jsWrite(a, i); jsRead(a); jsTriad(c, a, b, 0.5); }
}

// The read kernel's result goes somewhere, so that the loop is not dropped as dead code.
let sink = 0;
/**
 * The last jsRead() sum (keeps the loop observable).
 * @example Basic usage
 * ```ts
 * jsRead(new Float64Array([1, 2]));
 * assert(lastReadSum() === 3);
 * ```
 */
export function lastReadSum(): number { return sink; }
