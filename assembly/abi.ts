// The engine's binary interface: record layouts and codes shared by the Wasm engine
// (assembly/) and the TypeScript host (host/core). Plain syntax only, so that both asc and
// tsc compile this one file and the two sides can never disagree on an offset.

/**
 * Request record written by the host: one per BindRequest, REQ_SIZE bytes, little-endian.
 * plan_run leaves REQ_ADDR, REQ_LEN, REQ_FLAGS and REQ_KIND as written (failures are traced
 * back through them) but may use REQ_MODE and REQ_MASK as scratch: write the records again
 * (plan_input) before planning them again.
 */
export const REQ_SIZE = 32;
export const REQ_ADDR = 0; //    u64 start address (any alignment for buffers)
export const REQ_LEN = 8; //     u64 length in bytes
export const REQ_MODE = 16; //   i32 kernel mode | MPOL_F_* mode flags
export const REQ_FLAGS = 20; //  u32 mbind flags (MPOL_MF_*) in the low 16 bits; the high 16 bits hold
//                                 a home node + 1 (0: none), which keeps requests with different
//                                 home nodes in different ops and never reaches mbind
export const REQ_HOME_SHIFT = 16;
export const REQ_MBIND_FLAGS = 0xffff;
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

/**
 * Control block at plan_control(): the plan options and the process facts that plan_run and
 * validate_mbind read. The host fills it before each call; the engine never changes it.
 */
export const CTL_SIZE = 72;
export const CTL_PAGE_SIZE = 0; //     u32 alignment granule (PlanOptions.pageSize): power of two >= 4096
export const CTL_KERNEL_PAGE = 4; //   u32 the kernel's base page size (PAGE_SIZE)
export const CTL_OVERLAP = 8; //       u32 OVERLAP_*
export const CTL_BLOCK_MODE = 12; //   u32 MPOL_PREFERRED or MPOL_BIND: the mode an interleave block gets
export const CTL_CHUNK = 16; //        u64 chunkBytes; 0 = no chunking
export const CTL_BLOCK = 24; //        u64 interleaveBlock; 0 = interleave stays one kernel policy
export const CTL_HUGE = 32; //         u64 huge page size when hugePageAlign is on; 0 = off
export const CTL_MAX_MAP = 40; //      u32 vm.max_map_count; 0 = no VMA budget
export const CTL_MAP_COUNT = 44; //    u32 mappings the process has now
export const CTL_MAX_NUMNODES = 48; // u32 the kernel's nodemask width in bits (MAX_NUMNODES)
export const CTL_CAPS = 52; //         u32 CAPS_* bits
export const CTL_MPOL_MAX = 56; //     u32 number of modes the kernel knows (MPOL_MAX)
export const CTL_BALANCING = 60; //    u32 bit m set: mode m accepts MPOL_F_NUMA_BALANCING
export const CTL_WEIGHT_MODES = 64; // u32 bit m set: blocks of mode m follow the weight table (others weigh 1)

export const OVERLAP_LAST_WINS = 0;
export const OVERLAP_ERROR = 1;
export const CAPS_SYS_NICE = 1;

/** Mask scratch: fixed slots of MASK_SLOT_BYTES (32768 bits) in the engine's static data. */
export const MASK_MAX_BITS = 32768;
export const MASK_SLOT_BYTES = 4096;
export const MASK_SLOTS = 8;
export const SLOT_A = 0;
export const SLOT_B = 1;
export const SLOT_OUT = 2;
export const SLOT_USABLE = 3; // facts: allowed ∩ with-memory nodes (the kernel's create() check)

/** Text scratch for nodemask formats and nodestrings (text_buffer()), in bytes. */
export const TEXT_BYTES = 262144;

/** Engine result codes. 0 is success; the host turns each into a NumaError with a message. */
export const OK = 0;
export const E_NO_FULL_PAGE = 1; //   buffer owns no whole page            (err_index = request)
export const E_UNALIGNED = 2; //      raw length not a page multiple, or raw start not on the granule
export const E_EMPTY_RANGE = 3; //    raw range of zero length               (err_index = request)
export const E_WRAP = 4; //           addr + len wraps                       (err_index = request)
export const E_OVERLAP = 5; //        overlap with overlap = 'error'         (err_index, err_other)
export const E_MASK_INDEX = 6; //     request names a mask the table lacks   (err_index = request)
// 7 was E_NODES_UNUSABLE, now reported as E_RULE with V_NODES_UNUSABLE: never reuse it.
export const E_PAGE_SIZE = 8; //      page size not a power of two >= 4096, or below the kernel's
export const E_MASK_WORDS = 9; //     mask width outside 1..512 words
export const E_RULE = 10; //          a kernel rule refuses the request     (err_index, err_rule = V_*)
export const E_VMA_BUDGET = 11; //    map count + estimated VMAs > max_map_count (err_other = estimate)
export const E_TOO_MANY_OPS = 12; //  the plan would need more ops than the engine holds (err_other)
export const E_OPTIONS = 13; //       a control block value is out of range (err_other = CTL_* offset)
export const E_WEIGHT = 14; //        an interleave request's nodes all have weight 0 (err_index)
export const E_MEMORY = 15; //        the batch's scratch does not fit in the engine's 4 GiB memory

/**
 * Kernel-rule verdicts (validate_mbind, err_rule), in the order mbind(2) checks them
 * (kernel-mempolicy.md §3). V_OK and V_NOOP are success; V_MOVE_ALL is EPERM; V_FAULT is
 * EFAULT; every other verdict is EINVAL.
 */
export const V_OK = 0;
export const V_NOOP = 1; //            accepted and does nothing: PAGE_ALIGN(len) is 0
export const V_MODE = 2; //            (mode & ~MPOL_MODE_FLAGS) >= MPOL_MAX
export const V_STATIC_RELATIVE = 3; // MPOL_F_STATIC_NODES with MPOL_F_RELATIVE_NODES
export const V_BALANCING = 4; //       MPOL_F_NUMA_BALANCING with a mode that does not take it
export const V_MASK_TOO_WIDE = 5; //   maxnode - 1 > PAGE_SIZE * 8
export const V_MASK_BEYOND = 6; //     a node >= MAX_NUMNODES is set
export const V_FLAGS = 7; //           mbind flags outside STRICT | MOVE | MOVE_ALL
export const V_MOVE_ALL = 8; //        MOVE_ALL without CAP_SYS_NICE (EPERM)
export const V_UNALIGNED = 9; //       start not aligned to the kernel's page size
export const V_WRAP = 10; //           start + PAGE_ALIGN(len) wraps
export const V_DEFAULT_NODES = 11; //  default with nodes
export const V_PREFERRED_FLAGS = 12; // preferred without nodes, static or relative
export const V_LOCAL_NODES = 13; //    local with nodes
export const V_LOCAL_FLAGS = 14; //    local, static or relative
export const V_NODES_REQUIRED = 15; // bind, interleave, preferred-many, weighted-interleave without nodes
export const V_NODES_UNUSABLE = 16; // no node of the mask is allowed and has memory (and not relative)
export const V_FAULT = 17; //          the mask lies outside the engine's memory (validate_mbind only)

/** Text parser codes (parse_nodestring, parse_list, parse_hex); text_err_pos() says where. */
export const T_OK = 0;
export const T_CHAR = 1; //            unexpected character
export const T_EMPTY_ITEM = 2; //      nothing between commas, or nothing after the prefix
export const T_TRAILING_COMMA = 3; //  the string ends with a comma
export const T_HEX_PREFIX = 4; //      0x inside a nodestring or list
export const T_LEADING_ZERO = 5; //    010: libnuma reads it as octal 8
export const T_TOO_BIG = 6; //         a node above 32767              (text_err_value = node or -1)
export const T_REVERSED = 7; //        A-B with A > B                   (text_err_value = A)
export const T_NOT_CONFIGURED = 8; //  node not configured             (text_err_value = node)
export const T_NOT_ALLOWED = 9; //     node not allowed                 (text_err_value = node)
export const T_RELATIVE_RANGE = 10; // +N with N >= number of allowed nodes (text_err_value = N)
export const T_PLUS_ORDER = 11; //     + before !
export const T_REPEATED_PREFIX = 12; // !! or ++
export const T_SAME = 13; //           numactl's "same"
export const T_AFFINITY = 14; //       netdev:, file:, ip:, block:, pci:
export const T_RANGE_END = 15; //      A- without B
export const T_EMPTY = 16; //          empty hex mask
export const T_CHUNK = 17; //          cpumap chunk wider than 8 digits, or a later chunk not 8 wide
export const T_TOO_LONG = 18; //       longer than TEXT_BYTES

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
