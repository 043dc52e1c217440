// The engine's binary interface: record layouts and codes shared by the Wasm engine
// (assembly/) and the TypeScript host (host/core). Plain syntax only, so that both asc and
// tsc compile this one file and the two sides can never disagree on an offset.

/** Request record written by the host: one per BindRequest, REQ_SIZE bytes, little-endian. */
export const REQ_SIZE = 32;
export const REQ_ADDR = 0; //    u64 start address (any alignment for buffers)
export const REQ_LEN = 8; //     u64 length in bytes
export const REQ_MODE = 16; //   i32 kernel mode | MPOL_F_* mode flags
export const REQ_FLAGS = 20; //  u32 mbind flags (MPOL_MF_*)
export const REQ_MASK = 24; //   u32 index into the request mask table, NO_MASK for NULL
export const REQ_KIND = 28; //   u32 KIND_* bits

/** Op record written by the engine and read by the native batch call: OP_SIZE bytes. */
export const OP_SIZE = 32;
export const OP_ADDR = 0; //     u64 page-aligned start
export const OP_LEN = 8; //      u64 length, a multiple of the page size
export const OP_MODE = 16; //    i32 mode | mode flags, as mbind takes it
export const OP_FLAGS = 20; //   u32 mbind flags
export const OP_MASK = 24; //    u32 index into the op mask table, NO_MASK for NULL
export const OP_REQUEST = 28; // u32 index of the request that decided the op's first page

export const NO_MASK = 0xffffffff;

/** Request kinds. A buffer shrinks to the pages it fully owns; a raw range must be aligned. */
export const KIND_BUFFER = 1;

/** Mask scratch: fixed slots of MASK_SLOT_BYTES (32768 bits) in the engine's static data. */
export const MASK_MAX_BITS = 32768;
export const MASK_SLOT_BYTES = 4096;
export const MASK_SLOTS = 8;
export const SLOT_A = 0;
export const SLOT_B = 1;
export const SLOT_OUT = 2;
export const SLOT_USABLE = 3; // facts: allowed ∩ with-memory nodes (the kernel's create() check)

/** Engine result codes. 0 is success; the host turns each into a NumaError with a message. */
export const OK = 0;
export const E_NO_FULL_PAGE = 1; //   buffer owns no whole page            (err_index = request)
export const E_UNALIGNED = 2; //      raw range not page aligned             (err_index = request)
export const E_EMPTY_RANGE = 3; //    raw range of zero length               (err_index = request)
export const E_WRAP = 4; //           addr + len wraps                       (err_index = request)
export const E_OVERLAP = 5; //        overlap with overlap = 'error'         (err_index, err_other)
export const E_MASK_INDEX = 6; //     request names a mask the table lacks   (err_index = request)
export const E_NODES_UNUSABLE = 7; // mask ∩ usable nodes is empty           (err_index = request)
export const E_PAGE_SIZE = 8; //      page size not a power of two ≥ 4096
export const E_MASK_WORDS = 9; //     mask width outside 1..512 words

/** Kernel constants (include/uapi/linux/mempolicy.h). */
export const MPOL_DEFAULT = 0;
export const MPOL_PREFERRED = 1;
export const MPOL_BIND = 2;
export const MPOL_INTERLEAVE = 3;
export const MPOL_LOCAL = 4;
export const MPOL_PREFERRED_MANY = 5;
export const MPOL_WEIGHTED_INTERLEAVE = 6;
export const MPOL_MAX = 7;
export const MPOL_F_STATIC_NODES = 0x8000;
export const MPOL_F_RELATIVE_NODES = 0x4000;
export const MPOL_F_NUMA_BALANCING = 0x2000;
export const MPOL_MODE_FLAGS = 0xe000;
export const MPOL_MF_STRICT = 1;
export const MPOL_MF_MOVE = 2;
export const MPOL_MF_MOVE_ALL = 4;
export const MPOL_MF_VALID = 7;
