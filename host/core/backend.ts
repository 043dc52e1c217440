/**
 * One way of reaching the kernel. Core code calls only these hooks; a hook a backend lacks is
 * an ENOSYS-style "unsupported" for the operation (see supports()). Pointers are always passed
 * as Uint8Array views (ffi-rs aborts the process when handed an ArrayBuffer), and every hook
 * returns 0 or a negative errno instead of throwing for kernel failures.
 */
export interface Backend {
  /** "ffi-rs+shim", "ffi-rs", "dry-run", ... */
  readonly name: string;

  /** Whether the kernel's memory-policy syscalls exist and are permitted here, and why not. */
  probe(): Availability;

  /** The address of a view's first byte. The view must be non-empty. */
  addressOf(bytes: Uint8Array): bigint;

  /**
   * mbind over `count` packed ops (abi.ts OP_*), masks of `maskWords` u64 each; writes one
   * errno per op into `errnos` (i32 each). Stops at the first failure unless continueOnError.
   * @returns the number of ops attempted, which is the number of mbind syscalls issued
   */
  mbindBatch?(ops: Uint8Array, count: number, masks: Uint8Array, maskWords: number,
    errnos: Uint8Array, continueOnError: boolean): number;

  /**
   * get_mempolicy(mode, mask, maxnode, addr, flags). `mode` is a 4-byte out view, `mask` has
   * room for maxnode - 1 bits rounded up to u64 words.
   * @returns 0 or -errno
   */
  getMempolicy?(mode: Uint8Array, mask: Uint8Array, maxnode: number, addr: bigint, flags: number): number;

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

/** A new mapping and an ArrayBuffer aliasing it. */
export interface MappedRegion { addr: bigint; buffer: ArrayBuffer }

/** Result of available(). */
export interface Availability {
  ok: boolean;
  /** The backend in use; for ffi-rs, "ffi-rs+shim" (batch shim) or "ffi-rs" (one syscall per op). */
  backend: string;
  /** Why binding cannot work here, in words a user can act on. */
  reason?: string;
}

/** Which operations a backend supports, from which hooks it has. */
export function supports(b: Backend): Record<"mbind" | "getMempolicy" | "alloc", boolean> {
  return { mbind: !!b.mbindBatch, getMempolicy: !!b.getMempolicy, alloc: !!b.mmap && !!b.munmap };
}
