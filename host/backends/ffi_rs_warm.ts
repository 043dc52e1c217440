import { MAX_MASK_WORDS } from "../core/engine.ts";
import { CALL_MASK_WORDS, CALL_WORDS, callBlock } from "./ffi_rs_call_block.ts";
import { prepare, type FfiLib } from "./ffi_rs_lib.ts";

/** Every libc symbol numabind calls through ffi-rs. */
export const LIBC_SYMBOLS = ["memmove", "mmap", "munmap", "syscall"] as const;
/** Every shim symbol numabind calls through ffi-rs. */
export const SHIM_SYMBOLS = [
  "numabind_mbind_batch", "numabind_get_mempolicy_batch", "numabind_move_pages", "numabind_migrate_pages",
  "numabind_call_block", "numabind_mbind_call", "numabind_get_mempolicy_call", "numabind_set_mempolicy_call",
  "numabind_get_mempolicy", "numabind_set_mempolicy",
] as const;

/** One more mask word than any entry point takes: refused before any syscall. */
const TOO_WIDE = MAX_MASK_WORDS + 1;

/**
 * Calls every symbol numabind uses once, with arguments that reach no kernel or change
 * nothing, so that ffi-rs resolves (and caches) each of them now, under the process lock,
 * instead of at some first call racing another thread (see ffi_rs_lock.ts). The shim's entry
 * points refuse too-wide masks and empty batches before any syscall; libc's mmap and munmap
 * of zero bytes fail with EINVAL, and syscall(-1) with ENOSYS.
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
  const call = (library: string, name: string, ret: unknown, params: unknown[], args: unknown[] = [], errno = false): unknown => {
    const p = prepare(lib, library, name, ret, params, errno);
    args.forEach((a, i) => { p.args[i] = a; });
    return p.call();
  };
  call(libc, "memmove", T.BigInt, [U8, U8, I64], [b, b, 0]);
  call(libc, "mmap", I64, [I64, I64, I32, I32, I32, I64], [0, 0, 3, 0x22, -1, 0], true);
  call(libc, "munmap", I32, [I64, I64], [0, 0], true);
  call(libc, "syscall", I64, [I64], [-1], true);
  if (shim === undefined) return;
  const block = callBlock(lib, shim);
  const b32 = new Uint32Array(block.buffer, block.byteOffset, block.byteLength >>> 2);
  b32[CALL_WORDS] = CALL_MASK_WORDS + 1;
  try {
    for (const name of ["numabind_mbind_call", "numabind_get_mempolicy_call", "numabind_set_mempolicy_call"]) call(shim, name, I64, [], []);
  } finally {
    b32[CALL_WORDS] = 0;
  }
  call(shim, "numabind_mbind_batch", I64, [U8, I64, U8, I64, U8, I32], [b, 0, b, 1, b, 0]);
  call(shim, "numabind_get_mempolicy_batch", I64, [U8, I64, U8, U8, I64, I32, U8], [b, 0, b, b, 1, 2, b]);
  call(shim, "numabind_move_pages", I64, [I32, I64, U8, U8, U8, I32, I64, U8], [0, 0, b, b, b, 0, 0, b]);
  call(shim, "numabind_migrate_pages", I64, [I32, I64, U8, U8], [0, 0, b, b]);
  call(shim, "numabind_get_mempolicy", I64, [U8, U8, I64, I64, I32], [b, b, TOO_WIDE, 0, 0]);
  call(shim, "numabind_set_mempolicy", I64, [I32, U8, I64], [0, b, TOO_WIDE]);
}
