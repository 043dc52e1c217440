// Checking the shape of what callers pass, the same way everywhere: unknown keys are refused
// with the nearest valid name (a typo must not be silently ignored), and flags must be real
// booleans (`static: "x"` is not true).

/** Edit distance between two short names (Levenshtein). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The known name nearest to `name`, when it is close enough to be a typo.
 * @example Basic usage
 * ```ts
 * expect(nearestName("statc", ["mode", "nodes", "static"])).toBe("static");
 * expect(nearestName("colour", ["mode", "nodes"])).toBeUndefined();
 * ```
 */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined, bestD = Infinity;
  for (const k of known) {
    const d = distance(name.toLowerCase(), k.toLowerCase());
    if (d < bestD) { best = k; bestD = d; }
  }
  return bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/**
 * Refuses any own key of `o` not in `known`, naming the nearest valid one.
 * @param arg the argument, for the message ("opts", "requests[2].policy")
 * @param what what takes these keys, for the message ("bindBatch() options", "a policy")
 * @example Basic usage
 * ```ts
 * expect(() => refuseUnknownKeys({ atomc: true }, ["atomic"], "opts", "bindBatch() options"))
 *   .toThrow("Cannot use opts.atomc: bindBatch() options have no atomc; did you mean atomic?");
 * ```
 */
export function refuseUnknownKeys(o: object, known: readonly string[], arg: string, what: string): void {
  // for-in over a plain object reads V8's enum cache: no array per call (policies are checked
  // once per distinct policy object, which is per request when each request has its own literal).
  for (const k in o) {
    if (known.includes(k) || !Object.hasOwn(o, k)) continue;
    const near = nearestName(k, known);
    throw new TypeError(`Cannot use ${arg}.${k}: ${what} have no ${k}; ${near ? `did you mean ${near}?` : `the keys are ${known.join(", ")}`}`);
  }
}

/**
 * Checks a call's options: an object with only the keys `known` (see refuseUnknownKeys).
 * @param what the call's options, for the message ("bindBatch() options")
 * @example Basic usage
 * ```ts
 * expect(() => checkOptions(null, ["pages"], "verify() options")).toThrow("Cannot use opts: verify() options must be an object, current value is null");
 * ```
 */
export function checkOptions(o: unknown, known: readonly string[], what: string): asserts o is object {
  if (o === null || typeof o !== "object") throw new TypeError(`Cannot use opts: ${what} must be an object, current value is ${describeValue(o)}`);
  refuseUnknownKeys(o, known, "opts", what);
}

/**
 * A value in words for an error message: its text and, unless that says it, its type
 * ("\"4096\" (a string)", "1n (a bigint)", "undefined").
 * @example Basic usage
 * ```ts
 * expect(describeValue("4096")).toBe('"4096" (a string)');
 * expect(describeValue(1n)).toBe("1n (a bigint)");
 * ```
 */
export function describeValue(v: unknown): string {
  switch (typeof v) {
    case "string": return `${JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v)} (a string)`;
    case "bigint": return `${v}n (a bigint)`;
    case "number": case "boolean": case "undefined": return String(v);
    case "symbol": return `${String(v)} (a symbol)`;
    case "function": return "a function";
    default: return v === null ? "null" : Array.isArray(v) ? "an array" : "an object";
  }
}

/**
 * A boolean option or flag: undefined, true or false; anything else is a TypeError naming it.
 * @example Basic usage
 * ```ts
 * expect(booleanField(undefined, "policy.static")).toBe(false);
 * expect(() => booleanField("x", "policy.static")).toThrow(TypeError);
 * ```
 */
export function booleanField(v: unknown, arg: string): boolean {
  if (v === undefined || v === false) return false;
  if (v === true) return true;
  throw new TypeError(`Cannot use ${arg}: it must be a boolean, current value is ${describeValue(v)}`);
}
