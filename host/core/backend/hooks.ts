/**
 * One way of reaching the kernel. Core code calls only these hooks; a hook a backend lacks is
 * an ENOSYS-style "unsupported" for the operation (errors.ts unsupported()). Pointers are
 * always passed as Uint8Array views, never as ArrayBuffers (an FFI may abort the process on
 * those), and every hook returns 0 (or a count) or a negative errno instead of throwing for
 * kernel failures. Every mask is `maskWords` u64 words, and the kernel always gets
 * maxnode = maskWords * 64 + 1 (it reads maxnode - 1 bits); a NULL mask is passed as `null`
 * (maxnode 0). Op records are in the layout of ../records (assembly/abi.ts OP_*).
 */
export interface Backend extends KernelHooks {
  /** The backend's name, as available() reports it. */
  readonly name: string;

  /**
   * How ops reach the kernel: one call of the C batch shim per batch ("shim"), or one
   * syscall per op ("syscall").
   */
  readonly path?: OpPath;

  /** How single calls (one bind(), getPolicy(), thread policy) cross, as the backend names it. */
  readonly singleCalls?: string;

  /** Whether the kernel's memory-policy syscalls exist and are permitted here, and why not. */
  probe(): Availability;

  /** The address of a view's first byte. The view must be non-empty. */
  addressOf(bytes: Uint8Array): bigint;

  /**
   * Anonymous private read-write mapping of `length` bytes (a page multiple), with an
   * ArrayBuffer aliasing its first `visible` bytes. Throws RangeError if `visible` exceeds
   * what the runtime can alias.
   * @returns the region, or -errno
   */
  mmap?(length: bigint, visible: number): MappedRegion | number;

  /** munmap. @returns 0 or -errno */
  munmap?(addr: bigint, length: bigint): number;

  /**
   * Replaces [addr, addr+length) with a fresh empty anonymous mapping: its pages go back to the
   * kernel, yet stale views of the range still read zeros instead of faulting.
   * @returns 0 or -errno
   */
  discard?(addr: bigint, length: bigint): number;
}

/** The memory-policy syscalls a backend can issue (native/numabind.h has the C side). */
export interface KernelHooks {
  /**
   * One mbind(addr, len, mode, mask, maskWords * 64 + 1, flags): the lean path for a single
   * bind. Addresses are numbers: user space lies below 2^53 in practice, and bind() takes
   * this path only for buffers wholly below it. With the shim this is a zero-argument FFI call
   * over a per-thread call block.
   * @returns 0 or -errno
   */
  mbindOne?(addr: number, len: number, mode: number, flags: number, mask: Uint8Array | null, maskWords: number): number;

  /**
   * mbind over `count` packed ops (../records, abi.ts OP_*), masks of `maskWords` u64 each; writes one
   * errno per op into `errnos` (i32 each). Stops at the first failure unless continueOnError.
   * @returns the number of ops attempted, which is the number of mbind syscalls issued
   */
  mbindBatch?(ops: Uint8Array, count: number, masks: Uint8Array, maskWords: number,
    errnos: Uint8Array, continueOnError: boolean): number;

  /**
   * get_mempolicy(mode, mask, maxnode, addr, flags). `mode` is a 4-byte out view, `mask` has
   * room for maxnode - 1 bits in u64 words; maxnode must be mask.byteLength * 8 + 1 (or the
   * mask empty for a NULL mask).
   * @returns 0 or -errno (with MPOL_F_NODE too: the kernel puts the node id in `mode`)
   */
  getMempolicy?(mode: Uint8Array, mask: Uint8Array, maxnode: number, addr: bigint, flags: number): number;

  /**
   * get_mempolicy(modes + i, masks + i * maskWords, .., addrs[i], flags) for each of `count`
   * u64 addresses (MPOL_F_ADDR, optionally | MPOL_F_NODE); one errno per address.
   * @returns the number of addresses that failed
   */
  getMempolicyBatch?(addrs: Uint8Array, count: number, modes: Uint8Array, masks: Uint8Array,
    maskWords: number, flags: number, errnos: Uint8Array): number;

  /** set_mempolicy(mode, mask, maskWords * 64 + 1) for the calling thread. @returns 0 or -errno */
  setMempolicy?(mode: number, mask: Uint8Array | null, maskWords: number): number;

  /**
   * move_pages(pid, ..) over `count` u64 page addresses in calls of at most `chunk` pages
   * (0: one call); `nodes` (i32 each) null queries. Writes one status per page.
   * @returns result: pages not migrated or -errno; done: pages handled before the failing call
   */
  movePages?(pid: number, count: number, pages: Uint8Array, nodes: Uint8Array | null,
    status: Uint8Array, flags: number, chunk: number): { result: number; done: number };

  /** migrate_pages(pid, maskWords * 64 + 1, from, to). @returns pages not moved, or -errno */
  migratePages?(pid: number, maskWords: number, from: Uint8Array, to: Uint8Array): number;
  /**
   * sched_getaffinity(0, mask.byteLength, mask) for the calling thread (the raw syscall).
   * @returns the bytes the kernel wrote, or -errno
   */
  getAffinity?(mask: Uint8Array): number;
  /** sched_setaffinity(0, mask.byteLength, mask) for the calling thread. @returns 0 or -errno */
  setAffinity?(mask: Uint8Array): number;
  /** getcpu(&cpu, &node, NULL) into `out` (two u32: cpu, node). @returns 0 or -errno */
  getCpu?(out: Uint8Array): number;
  /** set_mempolicy_home_node(addr, len, node, 0) (Linux 5.17+). @returns 0 or -errno */
  setHomeNode?(addr: bigint, len: bigint, node: number): number;
}

/** A new mapping and an ArrayBuffer aliasing it. */
export interface MappedRegion { addr: bigint; buffer: ArrayBuffer }

/** How a backend's ops reach the kernel: one batch call into the C shim, or one syscall per op. */
export type OpPath = "shim" | "syscall";

/** Result of available(). */
export interface Availability {
  ok: boolean;
  /** The backend in use, by its name (docs/api.md lists each backend's names). */
  backend: string;
  /** How ops reach the kernel: "shim" (C batch calls), "syscall" (one per op), "none". */
  path?: OpPath | "none";
  /** How single calls cross, as the backend names it. */
  singleCalls?: string;
  /** Why binding cannot work here, in words a user can act on. */
  reason?: string;
  /** Why ops take one syscall each (path "syscall") when nobody asked for it, with the fix. */
  pathReason?: string;
  /** What each probed syscall answered: "ok" or an errno name ("EPERM", "ENOSYS"). */
  syscalls?: Record<string, string>;
  /** Nodes this process may place memory on (Mems_allowed ∩ nodes with memory). */
  nodes?: number;
}
