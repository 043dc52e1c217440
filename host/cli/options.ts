/** Parsers for option values, shared by the commands: each refuses with a usage error. */
import { InvalidArgumentError } from "commander";

/**
 * A commander value parser for a whole number in [min, max].
 * @example Basic usage
 * ```ts
 * expect(wholeNumber(1, 100)("12")).toBe(12);
 * expect(() => wholeNumber(1, 100)("abc")).toThrow(/whole number from 1 to 100/);
 * ```
 */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`it must be a whole number from ${min} to ${max === Number.MAX_SAFE_INTEGER ? "2^53" : max}`);
    }
    return n;
  };
}

/**
 * A process id argument: a positive whole number.
 * @example Basic usage
 * ```ts
 * expect(processId("1234")).toBe(1234);
 * expect(() => processId("0")).toThrow(/positive whole number/);
 * ```
 */
export function processId(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0 || n > 4194304) throw new InvalidArgumentError("a process id is a positive whole number up to 4194304 (pid_max's ceiling)");
  return n;
}
