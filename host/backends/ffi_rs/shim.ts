import type { KernelHooks } from "../../core/backend/mod.ts";
import { ERRNO } from "../../core/mod.ts";
import { getU64, OP_SIZE, setU64, writeOp } from "../../core/records/mod.ts";
import {
  CALL_ADDR, CALL_BYTES, CALL_FLAGS, CALL_LEN, CALL_MASK, CALL_MASK_WORDS, CALL_MODE, CALL_WORDS,
  callBlock,
} from "./call_block.ts";
import { type FfiLib, prepare } from "./lib.ts";


/**
 * The kernel hooks through the C shim (build/libnumabind.so): batches cross the FFI boundary
 * once, and single calls (one mbind, one get_mempolicy, set_mempolicy) take no arguments at
 * all: their arguments go into this thread's call block, aliased once with
 * createExternalBuffer. ffi-rs charges ~0.5 µs per number and ~2 µs per buffer argument on
 * top of a ~1.5 µs floor, so a zero-argument call is the cheapest crossing it offers.
 * @param shim the name the shim was opened under
 * @example
 * ```ts
 * const hooks = shimHooks(lib, "numabind_shim");
 * expect(hooks.mbindOne!(0, 0, 0, 0, null, 0)).toBe(0);
 * ```
 */
export function shimHooks(lib: FfiLib, shim: string): KernelHooks {
  const { T } = lib;
  const U8 = T.U8Array, I64 = T.I64, I32 = T.I32;
  const f = (name: string, params: unknown[]) => prepare(lib, shim, name, I64, params);
  const mbindBatch = f("numabind_mbind_batch", [U8, I64, U8, I64, U8, I32]);
  const getBatch = f("numabind_get_mempolicy_batch", [U8, I64, U8, U8, I64, I32, U8]);
  const movePages = f("numabind_move_pages", [I32, I64, U8, U8, U8, I32, I64, U8]);
  const queryPages = f("numabind_move_pages", [I32, I64, U8, I64, U8, I32, I64, U8]);
  const migrate = f("numabind_migrate_pages", [I32, I64, U8, U8]);
  const mbindCall = f("numabind_mbind_call", []);
  const getCall = f("numabind_get_mempolicy_call", []);
  const setCall = f("numabind_set_mempolicy_call", []);
  const getWide = f("numabind_get_mempolicy", [U8, U8, I64, I64, I32]);
  const setWide = f("numabind_set_mempolicy", [I32, U8, I64]);
  // Views made once, so that no call allocates: a one-op batch for masks wider than the call
  // block holds, and move_pages' count of pages done (a u64).
  const oneOp = new Uint8Array(OP_SIZE), oneOp32 = new Uint32Array(oneOp.buffer);
  const oneErrno32 = new Int32Array(1), oneErrno = new Uint8Array(oneErrno32.buffer);
  const done32 = new Uint32Array(2), done = new Uint8Array(done32.buffer);

  const block = callBlock(lib, shim);
  const b32 = new Uint32Array(block.buffer, block.byteOffset, CALL_BYTES >>> 2);
  const b8 = new Uint8Array(block.buffer, block.byteOffset, CALL_BYTES);
  // The block is a C struct of u64 fields, so 8-byte aligned: addresses go in as bigints.
  const b64 = new BigUint64Array(block.buffer, block.byteOffset, CALL_BYTES >>> 3);
  const putMask = (mask: Uint8Array | null, words: number): void => {
    b32[CALL_WORDS] = mask ? words : 0;
    if (mask) b8.set(mask.subarray(0, words * 8), CALL_MASK * 4);
  };

  return {
    mbindOne(addr, len, mode, flags, mask, words) {
      if (mask && words > CALL_MASK_WORDS) {
        writeOp(oneOp32, 0, addr, len, mode, flags, 0, 0);
        const a = mbindBatch.args;
        a[0] = oneOp; a[1] = 1; a[2] = mask; a[3] = words; a[4] = oneErrno; a[5] = 0;
        mbindBatch.call();
        const e = oneErrno32[0]!;
        return e === 0 ? 0 : -e;
      }
      setU64(b32, CALL_ADDR, addr);
      setU64(b32, CALL_LEN, len);
      b32[CALL_MODE] = mode; b32[CALL_FLAGS] = flags;
      putMask(mask, words);
      return mbindCall.call() as number;
    },
    mbindBatch(ops, count, masks, words, errnos, continueOnError) {
      const a = mbindBatch.args;
      a[0] = ops; a[1] = count; a[2] = masks; a[3] = words; a[4] = errnos; a[5] = continueOnError ? 1 : 0;
      return mbindBatch.call() as number;
    },
    getMempolicy(mode, mask, maxnode, addr, flags) {
      const words = mask.byteLength >>> 3;
      // The shim passes maxnode = words * 64 + 1 only, as every numabind caller does.
      if (mask.byteLength !== words * 8 || (words && maxnode !== words * 64 + 1)) return -ERRNO.EINVAL;
      if (words > CALL_MASK_WORDS) {
        const a = getWide.args;
        a[0] = mode; a[1] = mask; a[2] = words; a[3] = Number(addr); a[4] = flags;
        return getWide.call() as number;
      }
      b64[CALL_ADDR >>> 1] = addr;
      b32[CALL_FLAGS] = flags; b32[CALL_WORDS] = words;
      const r = getCall.call() as number;
      if (r >= 0) {
        mode.set(b8.subarray(CALL_MODE * 4, CALL_MODE * 4 + 4));
        mask.set(b8.subarray(CALL_MASK * 4, CALL_MASK * 4 + words * 8));
      }
      return r;
    },
    getMempolicyBatch(addrs, count, modes, masks, words, flags, errnos) {
      const a = getBatch.args;
      a[0] = addrs; a[1] = count; a[2] = modes; a[3] = masks; a[4] = words; a[5] = flags; a[6] = errnos;
      return getBatch.call() as number;
    },
    setMempolicy(mode, mask, words) {
      if (mask && words > CALL_MASK_WORDS) {
        const a = setWide.args;
        a[0] = mode; a[1] = mask; a[2] = words;
        return setWide.call() as number;
      }
      b32[CALL_MODE] = mode;
      putMask(mask, words);
      return setCall.call() as number;
    },
    movePages(pid, count, pages, nodes, status, flags, chunk) {
      const p = nodes ? movePages : queryPages;
      const a = p.args;
      a[0] = pid; a[1] = count; a[2] = pages; a[3] = nodes ?? 0; a[4] = status; a[5] = flags; a[6] = chunk; a[7] = done;
      const result = p.call() as number;
      return { result, done: getU64(done32, 0) };
    },
    migratePages(pid, words, from, to) {
      const a = migrate.args;
      a[0] = pid; a[1] = words; a[2] = from; a[3] = to;
      return migrate.call() as number;
    },
  };
}
