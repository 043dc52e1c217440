import { ERRNO } from "../../core/mod.ts";
import type { RawSyscall } from "../syscall_hooks.ts";
import { type FfiLib, prepare, type Prepared, type WithErrno } from "./lib.ts";

export type { RawSyscall } from "../syscall_hooks.ts";

/**
 * libc `syscall()` through ffi-rs, one prepared call per argument count (each argument costs
 * ~0.5 µs, so get_mempolicy does not pay for mbind's six), called with fixed arity so that a
 * call allocates nothing. Pointers travel as numbers.
 * @param retryEintr issue a call again while it fails with EINTR
 * @example
 * ```ts
 * const sys = rawSyscall(lib, "numabind_libc");
 * expect(sys.call5(nr.get_mempolicy, 0, 0, 0, 0, 0)).toBe(0);
 * ```
 */
export function rawSyscall(lib: FfiLib, libc: string, retryEintr = false): RawSyscall {
  const prepared = (arity: number): Prepared =>
    prepare(lib, libc, "syscall", lib.T.I64, Array.from({ length: arity + 1 }, () => lib.T.I64), true);
  const p3 = prepared(3), p4 = prepared(4), p5 = prepared(5), p6 = prepared(6);
  const run = (p: Prepared): number => {
    for (;;) {
      const r = p.call() as WithErrno;
      const v = r.value === -1 ? -r.errnoCode : r.value;
      if (v !== -ERRNO.EINTR || !retryEintr) return v;
    }
  };
  return {
    call3(nr, a, b, c) {
      const x = p3.args;
      x[0] = nr; x[1] = a; x[2] = b; x[3] = c;
      return run(p3);
    },
    call4(nr, a, b, c, d) {
      const x = p4.args;
      x[0] = nr; x[1] = a; x[2] = b; x[3] = c; x[4] = d;
      return run(p4);
    },
    call5(nr, a, b, c, d, e) {
      const x = p5.args;
      x[0] = nr; x[1] = a; x[2] = b; x[3] = c; x[4] = d; x[5] = e;
      return run(p5);
    },
    call6(nr, a, b, c, d, e, f) {
      const x = p6.args;
      x[0] = nr; x[1] = a; x[2] = b; x[3] = c; x[4] = d; x[5] = e; x[6] = f;
      return run(p6);
    },
  };
}
