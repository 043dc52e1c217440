import type { KernelHooks } from "../core/backend/mod.ts";
import { ERRNO } from "../core/mod.ts";
import {
  getU64, MAX_MASK_WORDS, NO_MASK, OP_WORDS, opAddr, opAt, opFlags, opLen, opMask, opMode,
} from "../core/records/mod.ts";
import type { SyscallNumbers } from "./syscall_numbers.ts";

/** The placement hooks: affinity, getcpu, the home node. */
export type PlacementHooks = Pick<KernelHooks, "getAffinity" | "setAffinity" | "getCpu" | "setHomeNode">;

/** Room for the widest mask numabind builds (MAX_MASK_WORDS, 32768 bits) after a mode word. */
const SCRATCH_MASK = 64, SCRATCH_BYTES = SCRATCH_MASK + MAX_MASK_WORDS * 8;

/** libc syscall(nr, ...) with 3 to 6 number arguments. Each returns the result or -errno. */
export interface RawSyscall {
  call3(nr: number, a: number, b: number, c: number): number;
  call4(nr: number, a: number, b: number, c: number, d: number): number;
  call5(nr: number, a: number, b: number, c: number, d: number, e: number): number;
  call6(nr: number, a: number, b: number, c: number, d: number, e: number, f: number): number;
}

/** An address as a number: user space lies below 2^53 in practice; refused above. */
function num(addr: bigint): number {
  const n = Number(addr);
  if (!Number.isSafeInteger(n)) throw new RangeError(`Cannot pass address 0x${addr.toString(16)}: above 2^53`);
  return n;
}

/**
 * The kernel hooks without the C shim: one libc syscall() per op (the fallback where no shim
 * was built or shipped, or NUMABIND_NO_SHIM=1), over any runtime's syscall(): ffi-rs on Node,
 * Deno.dlopen on Deno. Same semantics as the shim: maxnode = words * 64 + 1, one errno per op.
 * @param sys syscall() with EINTR retried
 * @param addressOf a view's address (one FFI call; pointers then travel as numbers)
 * @example
 * ```ts
 * const hooks = syscallHooks(rawSyscall(lib, "numabind_libc", true), nr, memory.addressOf);
 * ```
 */
export function syscallHooks(sys: RawSyscall, nr: SyscallNumbers,
  addressOf: (u8: Uint8Array) => bigint): KernelHooks {
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
      sys.call6(nr.mbind, addr, len, mode, maskIn(mask, words), mask ? maxnode(words) : 0, flags),
    mbindBatch(ops, count, masks, words, errnos, continueOnError) {
      const u32 = new Uint32Array(ops.buffer, ops.byteOffset, count * OP_WORDS);
      const e32 = new Int32Array(errnos.buffer, errnos.byteOffset, count);
      const masksAt = ptr(masks);
      for (let i = 0; i < count; i++) {
        const o = opAt(i), m = opMask(u32, o);
        const r = sys.call6(nr.mbind, opAddr(u32, o), opLen(u32, o), opMode(u32, o),
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
      const r = sys.call5(nr.get_mempolicy, scratchAt, mask.byteLength ? scratchAt + SCRATCH_MASK : 0,
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
        const r = sys.call5(nr.get_mempolicy, modesAt + i * 4, masksAt + i * words * 8, maxnode(words),
          getU64(a32, 2 * i), flags);
        e32[i] = -r;
        if (r !== 0) failed++;
      }
      return failed;
    },
    setMempolicy: (mode, mask, words) => sys.call3(nr.set_mempolicy, mode, maskIn(mask, words), mask ? maxnode(words) : 0),
    movePages(pid, count, pages, nodes, status, flags, chunk) {
      const pagesAt = ptr(pages), nodesAt = nodes ? ptr(nodes) : 0, statusAt = ptr(status);
      const step = chunk > 0 ? chunk : count;
      let notMoved = 0;
      for (let at = 0; at < count; at += step) {
        const n = Math.min(step, count - at);
        const r = sys.call6(nr.move_pages, pid, n, pagesAt + at * 8, nodes ? nodesAt + at * 4 : 0, statusAt + at * 4, flags);
        if (r < 0) return { result: r, done: at };
        notMoved += r;
      }
      return { result: notMoved, done: count };
    },
    migratePages: (pid, words, from, to) => sys.call4(nr.migrate_pages, pid, maxnode(words), ptr(from), ptr(to)),
  };
}

/**
 * The same calls through libc's syscall() (the per-op fallback, with no shim, on any runtime).
 * @param ptr a view's address as a number
 * @example
 * ```ts
 * const out = new Uint8Array(8);
 * expect(syscallPlacementHooks(sys, nr, ptr).getCpu!(out)).toBe(0);
 * ```
 */
export function syscallPlacementHooks(sys: RawSyscall, nr: SyscallNumbers, ptr: (u8: Uint8Array) => number): PlacementHooks {
  return {
    getAffinity: (mask) => sys.call3(nr.sched_getaffinity, 0, mask.byteLength, ptr(mask)),
    setAffinity: (mask) => sys.call3(nr.sched_setaffinity, 0, mask.byteLength, ptr(mask)),
    getCpu: (out) => { const p = ptr(out); return sys.call3(nr.getcpu, p, p + 4, 0); },
    setHomeNode: (addr, len, node) => sys.call4(nr.set_mempolicy_home_node, Number(addr), Number(len), node, 0),
  };
}
