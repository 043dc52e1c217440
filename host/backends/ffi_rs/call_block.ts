import { type FfiLib, prepare } from "./lib.ts";

/** struct nb_call (native/numabind.h): field offsets in u32 units. */
export const CALL_ADDR = 0, CALL_LEN = 2, CALL_MODE = 4, CALL_FLAGS = 5, CALL_WORDS = 6, CALL_MASK = 8;
/** NB_CALL_MASK_WORDS: masks up to 1024 nodes go through the zero-argument calls. */
export const CALL_MASK_WORDS = 16;
/** sizeof(struct nb_call). */
export const CALL_BYTES = CALL_MASK * 4 + CALL_MASK_WORDS * 8;

/**
 * This thread's call block (numabind_call_block()), aliased as a buffer: the shim's
 * zero-argument calls read their arguments from it and write their results into it.
 * @param shim the name the shim was opened under
 * @example Basic usage
 * ```ts
 * const block = callBlock(lib, "numabind_shim");
 * expect(block.byteLength).toBe(CALL_BYTES);
 * ```
 */
export function callBlock(lib: FfiLib, shim: string): Uint8Array {
  const external = prepare(lib, shim, "numabind_call_block", lib.T.External, []).call();
  return lib.createExternalBuffer(external as Parameters<FfiLib["createExternalBuffer"]>[0], CALL_BYTES);
}
