import { NO_MASK } from "../../assembly/abi.ts";
import { OP_WORDS, opAddr, opAt, opFlags, opLen, opMask, opMode } from "../core/_op_record.ts";
import { getU64 } from "../core/_u64.ts";
import type { KernelHooks } from "../core/backend.ts";
import { ERRNO } from "../core/errors.ts";
import { prepare, type FfiLib, type Prepared, type WithErrno } from "./ffi_rs_lib.ts";
import type { SyscallNumbers } from "./syscall_numbers.ts";

/** Room for the widest mask numabind builds (32768 bits) plus a mode word. */
const SCRATCH_MASK = 64, SCRATCH_BYTES = SCRATCH_MASK + 4096;

/** libc syscall(nr, ...args) with number arguments. @returns the result or -errno */
export type RawSyscall = (nr: number, ...args: number[]) => number;

/**
 * libc `syscall()` through ffi-rs, one prepared call per argument count (each argument costs
 * ~0.5 µs, so get_mempolicy does not pay for mbind's six). Pointers travel as numbers.
 * @example
 * ```ts
 * const sys = rawSyscall(lib, "numabind_libc");
 * expect(sys(nr.get_mempolicy, 0, 0, 0, 0, 0)).toBe(0);
 * ```
 */
export function rawSyscall(lib: FfiLib, libc: string): RawSyscall {
  const byArity: Prepared[] = [];
  return (nr, ...args) => {
    const p = byArity[args.length] ??= prepare(lib, libc, "syscall", lib.T.I64,
      Array.from({ length: args.length + 1 }, () => lib.T.I64), true);
    p.args[0] = nr;
    for (let i = 0; i < args.length; i++) p.args[i + 1] = args[i];
    const r = p.call() as WithErrno;
    return r.value === -1 ? -r.errnoCode : r.value;
  };
}

/** An address as a number; user-space addresses stay below 2^53 on every 64-bit Linux ABI. */
function num(addr: bigint): number {
  const n = Number(addr);
  if (!Number.isSafeInteger(n)) throw new RangeError(`Cannot pass address 0x${addr.toString(16)}: above 2^53`);
  return n;
}

/**
 * The kernel hooks without the C shim: one libc syscall() per op (the fallback where no C
 * compiler built build/libnumabind.so, or NUMABIND_NO_SHIM=1). Same semantics as the shim:
 * maxnode = words * 64 + 1, one errno per op, EINTR retried.
 * @param addressOf a view's address (one FFI call; pointers then travel as numbers)
 * @example
 * ```ts
 * const hooks = syscallHooks(lib, "numabind_libc", nr, memory.addressOf);
 * ```
 */
export function syscallHooks(lib: FfiLib, libc: string, nr: SyscallNumbers,
  addressOf: (u8: Uint8Array) => bigint): KernelHooks {
  const raw = rawSyscall(lib, libc);
  const sys: RawSyscall = (n, ...a) => {
    let r: number;
    do r = raw(n, ...a); while (r === -ERRNO.EINTR);
    return r;
  };
  const ptr = (u8: Uint8Array): number => num(addressOf(u8));
  // Single calls copy their mask through one scratch block whose address is taken once.
  const scratch = new Uint8Array(SCRATCH_BYTES);
  const scratchAt = ptr(scratch);
  const maskIn = (mask: Uint8Array | null, words: number): number => {
    if (!mask || words === 0) return 0;
    scratch.fill(0, SCRATCH_MASK, SCRATCH_MASK + words * 8);
    scratch.set(mask.subarray(0, words * 8), SCRATCH_MASK);
    return scratchAt + SCRATCH_MASK;
  };
  const maxnode = (words: number): number => (words ? words * 64 + 1 : 0);

  return {
    mbindOne: (addr, len, mode, flags, mask, words) =>
      sys(nr.mbind, addr, len, mode, maskIn(mask, words), mask ? maxnode(words) : 0, flags),
    mbindBatch(ops, count, masks, words, errnos, continueOnError) {
      const u32 = new Uint32Array(ops.buffer, ops.byteOffset, count * OP_WORDS);
      const e32 = new Int32Array(errnos.buffer, errnos.byteOffset, count);
      const masksAt = ptr(masks);
      for (let i = 0; i < count; i++) {
        const o = opAt(i), m = opMask(u32, o);
        const r = sys(nr.mbind, opAddr(u32, o), opLen(u32, o), opMode(u32, o),
          m === NO_MASK ? 0 : masksAt + m * words * 8, m === NO_MASK ? 0 : maxnode(words), opFlags(u32, o));
        e32[i] = -r;
        if (r < 0 && !continueOnError) return i + 1;
      }
      return count;
    },
    getMempolicy(mode, mask, max, addr, flags) {
      // The kernel writes (max - 1) bits rounded up to u64 words into the scratch: only the
      // maxnode every numabind caller passes (words * 64 + 1) for a mask that fits is taken.
      const words = mask.byteLength >>> 3;
      if (mask.byteLength !== words * 8 || mask.byteLength > SCRATCH_BYTES - SCRATCH_MASK || (words && max !== words * 64 + 1)) return -ERRNO.EINVAL;
      const r = sys(nr.get_mempolicy, scratchAt, mask.byteLength ? scratchAt + SCRATCH_MASK : 0,
        mask.byteLength ? max : 0, num(addr), flags);
      if (r >= 0) {
        mode.set(scratch.subarray(0, 4));
        mask.set(scratch.subarray(SCRATCH_MASK, SCRATCH_MASK + mask.byteLength));
      }
      return r;
    },
    getMempolicyBatch(addrs, count, modes, masks, words, flags, errnos) {
      const a32 = new Uint32Array(addrs.buffer, addrs.byteOffset, count * 2);
      const e32 = new Int32Array(errnos.buffer, errnos.byteOffset, count);
      const modesAt = ptr(modes), masksAt = ptr(masks);
      let failed = 0;
      for (let i = 0; i < count; i++) {
        const r = sys(nr.get_mempolicy, modesAt + i * 4, masksAt + i * words * 8, maxnode(words),
          getU64(a32, 2 * i), flags);
        e32[i] = -r;
        if (r !== 0) failed++;
      }
      return failed;
    },
    setMempolicy: (mode, mask, words) => sys(nr.set_mempolicy, mode, maskIn(mask, words), mask ? maxnode(words) : 0),
    movePages(pid, count, pages, nodes, status, flags, chunk) {
      const pagesAt = ptr(pages), nodesAt = nodes ? ptr(nodes) : 0, statusAt = ptr(status);
      const step = chunk > 0 ? chunk : count;
      let notMoved = 0;
      for (let at = 0; at < count; at += step) {
        const n = Math.min(step, count - at);
        const r = sys(nr.move_pages, pid, n, pagesAt + at * 8, nodes ? nodesAt + at * 4 : 0, statusAt + at * 4, flags);
        if (r < 0) return { result: r, done: at };
        notMoved += r;
      }
      return { result: notMoved, done: count };
    },
    migratePages: (pid, words, from, to) => sys(nr.migrate_pages, pid, maxnode(words), ptr(from), ptr(to)),
  };
}
