import { createRequire } from "node:module";

type FfiRs = typeof import("ffi-rs");

/** What numabind uses of ffi-rs, with `load` taking parameters already in native form. */
export interface FfiLib {
  T: FfiRs["DataType"];
  open: FfiRs["open"];
  createExternalBuffer: FfiRs["createExternalBuffer"];
  createPointer: FfiRs["createPointer"];
  unwrapPointer: FfiRs["unwrapPointer"];
  freePointer: FfiRs["freePointer"];
  PointerType: FfiRs["PointerType"];
  /** ffi-rs's native load; parameter types must already be in native form (see prepare). */
  load(params: object): unknown;
  /** The U8Array parameter type in native form. */
  u8Array: object;
}

/**
 * Loads ffi-rs. Calls go to its native `load` when the platform binding is the very module
 * ffi-rs itself uses: ffi-rs's JavaScript wrapper rebuilds the parameter list on every call,
 * and `define()` also copies the descriptor with an object spread, which costs ~2.7 µs per
 * call here (bench/bind.mjs, "ffi-rs call costs"). Otherwise the wrapper's `load` is used.
 * @returns the library, or the reason it cannot load
 * @example
 * ```ts
 * const lib = loadFfi();
 * if (typeof lib !== "string") lib.open({ library: "c", path: "libc.so.6" });
 * ```
 */
export function loadFfi(): FfiLib | string {
  const req = createRequire(import.meta.url);
  let ffi: FfiRs;
  try {
    ffi = req("ffi-rs") as FfiRs;
  } catch (e) {
    return `ffi-rs cannot load on ${process.platform}/${process.arch}: ${(e as Error).message.split("\n")[0]}`;
  }
  let load = ffi.load as (p: object) => unknown;
  try {
    // The same package ffi-rs's index.js picks for this platform (glibc builds).
    const native = createRequire(req.resolve("ffi-rs"))(`@yuuang/ffi-rs-${process.platform}-${process.arch}-gnu`) as FfiRs;
    if (native.createExternalBuffer === ffi.createExternalBuffer) load = native.load as (p: object) => unknown;
  } catch { /* musl or a local build: the wrapper works too, only slower */ }
  return {
    T: ffi.DataType, open: ffi.open, createExternalBuffer: ffi.createExternalBuffer,
    createPointer: ffi.createPointer, unwrapPointer: ffi.unwrapPointer, freePointer: ffi.freePointer,
    PointerType: ffi.PointerType, load,
    // ffi-rs types FFITypeTag without its Array member, which arrayConstructor() uses.
    u8Array: { ffiTypeTag: (ffi.FFITypeTag as unknown as { Array: number }).Array, type: ffi.DataType.U8Array, length: 0 },
  };
}

/** A foreign function with its parameter object built once; set `args`, then call(). */
export interface Prepared {
  /** The argument slots, reused by every call (calls are synchronous, so nothing races). */
  readonly args: unknown[];
  call(): unknown;
}

/**
 * Builds the parameter object for one C function once, so a call costs only ffi-rs's native
 * floor plus its arguments (~1.5 µs + ~0.5 µs per number + ~2 µs per buffer here).
 * @param errno whether to capture errno (ffi-rs then returns { value, errnoCode }, ~+0.9 µs)
 * @example
 * ```ts
 * const getpid = prepare(lib, "c", "getpid", lib.T.I32, []);
 * expect(getpid.call()).toBe(process.pid);
 * ```
 */
export function prepare(lib: FfiLib, library: string, funcName: string, retType: unknown,
  paramsType: unknown[], errno = false): Prepared {
  const args = new Array<unknown>(paramsType.length).fill(0);
  const params = {
    library, funcName, retType, paramsType: paramsType.map((t) => (t === lib.T.U8Array ? lib.u8Array : t)),
    paramsValue: args, errno, freeResultMemory: false,
  };
  // Buffer slots are cleared after each call: a slot left set would keep the caller's last
  // buffer reachable, and an alloc()ed buffer would then never be collected and unmapped.
  const buffers = paramsType.flatMap((t, i) => (t === lib.T.U8Array ? [i] : []));
  if (buffers.length === 0) return { args, call: () => lib.load(params) };
  return {
    args,
    call() {
      try {
        return lib.load(params);
      } finally {
        for (const i of buffers) args[i] = 0;
      }
    },
  };
}

/** What a call with errno capture returns. */
export interface WithErrno { value: number; errnoCode: number }
