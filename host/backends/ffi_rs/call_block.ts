import { type FfiLib, prepare } from "./lib.ts";

import { CALL_BYTES } from "../call_block_layout.ts";

export * from "../call_block_layout.ts";

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
