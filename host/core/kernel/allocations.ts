import type { Backend } from "../backend/mod.ts";
import { ERRNO, errnoName, NumaError, unsupported } from "../errors.ts";

/** Where an allocation lives, and whether free() has run. */
interface Allocation { addr: bigint; length: bigint; freed: boolean }

/**
 * Tracks mappings made by alloc(). free() hands the pages back at once but leaves an empty
 * mapping in place: an external ArrayBuffer cannot be detached, so a stale view must find
 * readable memory rather than a hole. The address range itself is unmapped when the buffer is
 * garbage-collected (FinalizationRegistry), or at once if it never escaped (failed alloc).
 * @example Basic usage
 * ```ts
 * const a = new Allocations(openBackend());
 * const { buffer } = a.map(4096n, 4096);
 * a.free(buffer);
 * expect(a.isFreed(buffer)).toBe(true);
 * ```
 */
export class Allocations {
  readonly #live = new WeakMap<ArrayBuffer, Allocation>();
  readonly #registry: FinalizationRegistry<{ addr: bigint; length: bigint }>;

  constructor(private readonly backend: Backend) {
    this.#registry = new FinalizationRegistry(({ addr, length }) => { backend.munmap?.(addr, length); });
  }

  /** Maps `length` bytes (a page multiple) and returns a buffer of its first `visible` bytes. */
  map(length: bigint, visible: number): { addr: bigint; buffer: ArrayBuffer } {
    const b = this.backend;
    if (!b.mmap || !b.munmap) {
      throw unsupported("allocate", b.name, "mmap");
    }
    const r = b.mmap(length, visible);
    if (typeof r === "number") {
      throw new NumaError(`mmap of ${length} bytes failed with ${errnoName(-r)}`, { code: errnoName(-r), errno: -r, syscall: "mmap" });
    }
    this.#live.set(r.buffer, { addr: r.addr, length, freed: false });
    this.#registry.register(r.buffer, { addr: r.addr, length }, r.buffer);
    return r;
  }

  /** Unmaps a buffer that never reached the caller. */
  unmapNow(buffer: ArrayBuffer): void {
    const a = this.#live.get(buffer);
    if (!a) return;
    this.#registry.unregister(buffer);
    this.#live.delete(buffer);
    this.backend.munmap!(a.addr, a.length);
  }

  /** Releases an alloc()ed buffer's pages; see the class comment for what stays behind. */
  free(buffer: ArrayBuffer): void {
    const a = this.#live.get(buffer);
    if (!a) throw new TypeError("Cannot free: the buffer was not returned by numabind alloc()");
    if (a.freed) throw new TypeError(`Cannot free: the buffer at 0x${a.addr.toString(16)} is already freed`);
    const r = this.backend.discard ? this.backend.discard(a.addr, a.length) : -ERRNO.ENOSYS;
    if (r < 0) {
      throw new NumaError(`Cannot free the buffer at 0x${a.addr.toString(16)}: ${errnoName(-r)}`, { code: errnoName(-r), errno: -r, syscall: "mmap" });
    }
    a.freed = true;
    this.frees++;
  }

  /**
   * How many buffers free() has released: a caller that checked a buffer with isFreed() may
   * skip the check while this has not moved.
   */
  frees = 0;

  /** Whether `buffer` came from alloc() and has been freed. */
  isFreed(buffer: ArrayBuffer): boolean {
    return this.#live.get(buffer)?.freed ?? false;
  }
}
