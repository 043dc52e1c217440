import { MAX_MASK_WORDS } from "../../core/records/mod.ts";
import { CALL_MASK_WORDS, CALL_WORDS, callBlock } from "./call_block.ts";
import { type FfiLib, prepare } from "./lib.ts";

/** Every libc symbol numabind calls through ffi-rs. */
export const LIBC_SYMBOLS = ["memmove", "mmap", "munmap", "syscall"] as const;
/** Every shim symbol numabind calls through ffi-rs. */
export const SHIM_SYMBOLS = [
  "numabind_mbind_batch", "numabind_get_mempolicy_batch", "numabind_move_pages", "numabind_migrate_pages",
  "numabind_call_block", "numabind_mbind_call", "numabind_get_mempolicy_call", "numabind_set_mempolicy_call",
  "numabind_get_mempolicy", "numabind_set_mempolicy",
  "numabind_sched_getaffinity", "numabind_sched_setaffinity", "numabind_getcpu", "numabind_set_home_node",
] as const;

/** A harmless call: return type, parameter types, arguments, and whether to capture errno. */
type WarmCall = [ret: unknown, params: unknown[], args: unknown[], errno?: boolean];

/** One more mask word than any entry point takes: refused before any syscall. */
const TOO_WIDE = MAX_MASK_WORDS + 1;

/**
 * Calls every symbol numabind uses once, with arguments that reach no kernel or change
 * nothing, so that ffi-rs resolves (and caches) each of them now, under the process lock,
 * instead of at some first call racing another thread (see ffi_rs_lock.ts). The calls are
 * driven by LIBC_SYMBOLS and SHIM_SYMBOLS, so a symbol added there must get its call here.
 * The shim's entry points refuse too-wide masks and empty batches before any syscall (the
 * zero-argument ones see a call block with one mask word too many); libc's mmap and munmap of
 * zero bytes fail with EINVAL, and syscall(-1) with ENOSYS.
 * @param shim the name the shim was opened under, or undefined when it is not open
 * @example
 * ```ts
 * withFfiLock(() => { lib.open(...); warmSymbols(lib, "numabind_libc", "numabind_shim"); });
 * ```
 */
export function warmSymbols(lib: FfiLib, libc: string, shim: string | undefined): void {
  const { T } = lib;
  const U8 = T.U8Array, I64 = T.I64, I32 = T.I32;
  const b = new Uint8Array(64);
  const call = (library: string, name: string, [ret, params, args, errno = false]: WarmCall): void => {
    const p = prepare(lib, library, name, ret, params, errno);
    args.forEach((a, i) => { p.args[i] = a; });
    p.call();
  };
  const libcCalls: Record<(typeof LIBC_SYMBOLS)[number], WarmCall> = {
    memmove: [T.BigInt, [U8, U8, I64], [b, b, 0]],
    mmap: [I64, [I64, I64, I32, I32, I32, I64], [0, 0, 3, 0x22, -1, 0], true],
    munmap: [I32, [I64, I64], [0, 0], true],
    syscall: [I64, [I64], [-1], true],
  };
  for (const name of LIBC_SYMBOLS) call(libc, name, libcCalls[name]);
  if (shim === undefined) return;
  const shimCalls: Record<Exclude<(typeof SHIM_SYMBOLS)[number], "numabind_call_block">, WarmCall> = {
    numabind_mbind_batch: [I64, [U8, I64, U8, I64, U8, I32], [b, 0, b, 1, b, 0]],
    numabind_get_mempolicy_batch: [I64, [U8, I64, U8, U8, I64, I32, U8], [b, 0, b, b, 1, 2, b]],
    numabind_move_pages: [I64, [I32, I64, U8, U8, U8, I32, I64, U8], [0, 0, b, b, b, 0, 0, b]],
    numabind_migrate_pages: [I64, [I32, I64, U8, U8], [0, 0, b, b]],
    numabind_mbind_call: [I64, [], []],
    numabind_get_mempolicy_call: [I64, [], []],
    numabind_set_mempolicy_call: [I64, [], []],
    numabind_get_mempolicy: [I64, [U8, U8, I64, I64, I32], [b, b, TOO_WIDE, 0, 0]],
    numabind_set_mempolicy: [I64, [I32, U8, I64], [0, b, TOO_WIDE]],
    // Length 0: EINVAL for both affinity calls; a home node for zero bytes changes nothing.
    numabind_sched_getaffinity: [I64, [I64, U8], [0, b]],
    numabind_sched_setaffinity: [I64, [I64, U8], [0, b]],
    numabind_getcpu: [I64, [U8], [b]],
    numabind_set_home_node: [I64, [I64, I64, I64], [0, 0, 0]],
  };
  const block = callBlock(lib, shim);
  const b32 = new Uint32Array(block.buffer, block.byteOffset, block.byteLength >>> 2);
  b32[CALL_WORDS] = CALL_MASK_WORDS + 1;
  try {
    for (const name of SHIM_SYMBOLS) if (name !== "numabind_call_block") call(shim, name, shimCalls[name]);
  } finally {
    b32[CALL_WORDS] = 0;
  }
}
