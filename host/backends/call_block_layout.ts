// The shim's per-thread call block (struct nb_call in native/numabind.h): the arguments of a
// single call written in place, so the call itself takes none. Shared by the ffi-rs and Deno
// backends.

/** struct nb_call: field offsets in u32 units. */
export const CALL_ADDR = 0, CALL_LEN = 2, CALL_MODE = 4, CALL_FLAGS = 5, CALL_WORDS = 6, CALL_MASK = 8;
/** NB_CALL_MASK_WORDS: masks up to 1024 nodes go through the zero-argument calls. */
export const CALL_MASK_WORDS = 16;
/** sizeof(struct nb_call). */
export const CALL_BYTES = CALL_MASK * 4 + CALL_MASK_WORDS * 8;
