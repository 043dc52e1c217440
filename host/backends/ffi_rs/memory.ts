import { constants as bufferConstants } from "node:buffer";
import { isMainThread } from "node:worker_threads";
import type { Backend, MappedRegion } from "../../core/backend/mod.ts";
import type { MappingTracker } from "../node_api/mod.ts";
import { type FfiLib, prepare, type WithErrno } from "./lib.ts";

const PROT_RW = 3, MAP_PRIVATE_ANON = 0x22, MAP_FIXED = 0x10, MAP_NORESERVE = 0x4000;

/** The memory hooks of a Backend. */
export type MemoryHooks = Required<Pick<Backend, "addressOf" | "mmap" | "munmap" | "discard">>;

/**
 * Buffer addresses and anonymous mappings through libc. A view's address comes from
 * memmove(v, v, 0), which returns its first argument and touches nothing. A worker's
 * mappings are released when it ends: through `tracker` (the Node-API addon, which also
 * covers worker.terminate()), else on the worker's "exit" event (a natural end only; Node emits
 * none for terminate()), since a FinalizationRegistry never runs at isolate teardown.
 * @param libc the name libc was opened under
 * @param tracker where live mappings are kept (addonMappings), if anywhere
 * @example
 * ```ts
 * const m = memoryHooks(lib, "numabind_libc");
 * expect(m.addressOf(new Uint8Array(8)) > 0n).toBe(true);
 * ```
 */
export function memoryHooks(lib: FfiLib, libc: string, tracker?: MappingTracker): MemoryHooks {
  const { T } = lib;
  const memmove = prepare(lib, libc, "memmove", T.BigInt, [T.U8Array, T.U8Array, T.I64]);
  const mmap = prepare(lib, libc, "mmap", T.I64, [T.I64, T.I64, T.I32, T.I32, T.I32, T.I64], true);
  const munmap = prepare(lib, libc, "munmap", T.I32, [T.I64, T.I64], true);
  const errnoOf = (r: WithErrno): number => (r.value === -1 ? -r.errnoCode : 0);

  const map = (addr: number, length: number, flags: number): WithErrno => {
    mmap.args[0] = addr; mmap.args[1] = length; mmap.args[2] = PROT_RW; mmap.args[3] = flags;
    mmap.args[4] = -1; mmap.args[5] = 0;
    return mmap.call() as WithErrno;
  };
  const unmapRaw = (addr: bigint, length: bigint): number => {
    munmap.args[0] = Number(addr); munmap.args[1] = Number(length);
    return errnoOf(munmap.call() as WithErrno);
  };
  // The main thread's mappings end with the process; a worker's must be released by hand.
  const kept = tracker ?? (isMainThread ? undefined : exitRelease(unmapRaw));
  const unmap = (addr: bigint, length: bigint): number => {
    const r = unmapRaw(addr, length);
    if (r === 0) kept?.untrack(addr);
    return r;
  };

  return {
    addressOf(u8) {
      // ffi-rs aborts the process on an empty or detached view; callers check, this is the
      // last line of defence.
      if (u8.byteLength === 0) throw new RangeError("Cannot take the address of an empty or detached view");
      memmove.args[0] = u8; memmove.args[1] = u8;
      return memmove.call() as bigint;
    },
    mmap(length: bigint, visible: number): MappedRegion | number {
      const r = map(0, Number(length), MAP_PRIVATE_ANON);
      if (r.value === -1) return -r.errnoCode;
      const holder = lib.createPointer({ paramsType: [T.I64], paramsValue: [r.value] });
      const external = lib.unwrapPointer(holder)[0]!;
      let buf: Buffer;
      try {
        buf = lib.createExternalBuffer(external, visible);
      } catch (e) {
        unmapRaw(BigInt(r.value), length);
        throw new RangeError(`Cannot alloc ${visible} bytes: this runtime cannot alias more than ${bufferConstants.MAX_LENGTH} bytes in one ArrayBuffer`, { cause: e });
      } finally {
        lib.freePointer({ paramsType: [T.I64], paramsValue: holder, pointerType: lib.PointerType.RsPointer });
      }
      const addr = BigInt(r.value);
      kept?.track(addr, length);
      return { addr, buffer: buf.buffer as ArrayBuffer };
    },
    munmap: unmap,
    discard(addr, length) {
      const r = map(Number(addr), Number(length), MAP_PRIVATE_ANON | MAP_FIXED | MAP_NORESERVE);
      return r.value === -1 ? -r.errnoCode : 0;
    },
  };
}

/**
 * A tracker that unmaps what it holds on this worker's "exit" event: the fallback where the
 * Node-API addon was not built. Node emits no "exit" for worker.terminate(), so a terminated
 * worker still leaks its mappings here (docs/api.md, alloc()).
 */
function exitRelease(unmap: (addr: bigint, length: bigint) => number): MappingTracker {
  const live = new Map<bigint, bigint>();
  process.once("exit", () => { for (const [addr, length] of live) unmap(addr, length); });
  return { track: (addr, length) => { live.set(addr, length); }, untrack: (addr) => { live.delete(addr); } };
}
