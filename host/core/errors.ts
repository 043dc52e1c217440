/**
 * Errno names this library can report, with the short reason the kernel gives. Values are
 * Linux's (asm-generic/errno-base.h), the same on x86_64 and aarch64.
 */
export const ERRNO: Readonly<Record<string, number>> = Object.freeze({
  EPERM: 1, ENOENT: 2, ESRCH: 3, EINTR: 4, EIO: 5, E2BIG: 7, EBADF: 9, ENOMEM: 12,
  EACCES: 13, EFAULT: 14, EBUSY: 16, EEXIST: 17, EXDEV: 18, ENODEV: 19, EINVAL: 22, EFBIG: 27,
  ENOSPC: 28, ERANGE: 34, ENOSYS: 38, EOPNOTSUPP: 95,
});

const NAMES: ReadonlyMap<number, string> = new Map(Object.entries(ERRNO).map(([k, v]) => [v, k]));

/**
 * Returns the symbolic name of a Linux errno ("EINVAL" for 22), or "E<n>" when unknown.
 * @param errno a positive errno value
 * @returns the errno's name
 * @example Basic usage
 * ```ts
 * expect(errnoName(22)).toBe("EINVAL");
 * ```
 */
export function errnoName(errno: number): string {
  return NAMES.get(errno) ?? `E${errno}`;
}

/**
 * An address in hex for a message: "0x7f0000001000", and "-0x1000" for a negative one (a
 * caller's bad input), never "0x-1000".
 * @example Basic usage
 * ```ts
 * expect(hexAddress(4096n)).toBe("0x1000");
 * expect(hexAddress(-4096)).toBe("-0x1000");
 * ```
 */
export function hexAddress(a: bigint | number): string {
  return a < 0 ? `-0x${(-a).toString(16)}` : `0x${a.toString(16)}`;
}

/** A byte range in the caller's address space. */
export interface AddressRange { addr: bigint; length: bigint }

/** What a NumaError carries besides its message. */
export interface NumaErrorInit {
  code: string;
  errno?: number;
  syscall?: string;
  arg?: string;
  range?: AddressRange;
  index?: number;
  cause?: unknown;
}

/**
 * The one error type numabind throws for NUMA failures: refused input (code "EINVAL", syscall
 * "validate": nothing reached the kernel) and kernel errors (syscall names the call).
 * @example Catching a refused bind
 * ```ts
 * try { bind(buf, { mode: "bind", nodes: [1] }); }
 * catch (e) { if (e instanceof NumaError && e.code === "EINVAL") console.log(e.message); }
 * ```
 */
export class NumaError extends Error {
  override name = "NumaError";
  /** Errno name: "EINVAL", "EFAULT", "EPERM", ... */
  readonly code: string;
  /** Positive errno value (0 when the error is not an errno). */
  readonly errno: number;
  /** The syscall that failed, or "validate" when the input was refused before any syscall. */
  readonly syscall: string;
  /** The argument at fault ("policy.nodes", "requests[3].target", ...). */
  readonly arg?: string;
  /** The address range at fault, for range operations. */
  readonly range?: AddressRange;
  /** The request index at fault, for batch operations. */
  readonly index?: number;

  constructor(message: string, init: NumaErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.errno = init.errno ?? ERRNO[init.code] ?? 0;
    this.syscall = init.syscall ?? "validate";
    if (init.arg !== undefined) this.arg = init.arg;
    if (init.range !== undefined) this.range = init.range;
    if (init.index !== undefined) this.index = init.index;
  }
}

/**
 * The ENOSYS NumaError for an operation whose hook the backend lacks (hooks a backend cannot
 * serve stay unset; see backend.ts).
 * @param action what the caller asked for, as "Cannot <action>"
 * @param backend the backend's name
 * @param syscall the call the backend has no hook for
 * @example Basic usage
 * ```ts
 * const e = unsupported("bind", "unavailable", "mbind");
 * expect(e.message).toBe("Cannot bind: the unavailable backend has no mbind");
 * expect(e.errno).toBe(ERRNO.ENOSYS);
 * ```
 */
export function unsupported(action: string, backend: string, syscall: string): NumaError {
  return new NumaError(`Cannot ${action}: the ${backend} backend has no ${syscall}`, { code: "ENOSYS", syscall });
}

/**
 * Builds the NumaError for input refused before any syscall (EINVAL from "validate").
 * @param arg the argument at fault
 * @param message "Cannot X: rule, current value is V"
 * @param extra more NumaError fields (index, range, cause)
 * @example Basic usage
 * ```ts
 * const e = invalid("bytes", "Cannot alloc: bytes must be in 1..2^53-1, current value is 0");
 * expect(e).toMatchObject({ code: "EINVAL", errno: 22, syscall: "validate", arg: "bytes" });
 * ```
 */
export function invalid(arg: string, message: string, extra: Partial<NumaErrorInit> = {}): NumaError {
  return new NumaError(message, { code: "EINVAL", syscall: "validate", arg, ...extra });
}
