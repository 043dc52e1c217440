import { KIND_BUFFER } from "../../../assembly/abi.ts";
import { invalid, type NumaError } from "../errors.ts";
import { bufferLength, extentOf, viewLength } from "./extent.ts";

/** Memory to act on: a buffer or view (its fully-owned pages), or a raw range (opt-in). */
export type Target = ArrayBufferLike | ArrayBufferView | RawRange;

/** A raw address range; refused unless the call passes { unsafeRawAddress: true }. */
export interface RawRange { addr: bigint; length: bigint }

/** A target reduced to numbers: start, length and whether it may be shrunk to owned pages. */
export interface ResolvedTarget { addr: bigint; length: bigint; kind: number }


/**
 * A byte view of a buffer target's real extent (extent.ts: never what its properties say), or
 * the reason it has none: a TypeError for something that is not a buffer or view, a NumaError
 * (EINVAL) for a detached or empty one.
 * @param arg the argument name errors should blame
 * @example Basic usage
 * ```ts
 * expect(bytesOf(new Float64Array(4), "target").byteLength).toBe(32);
 * expect(() => bytesOf(new ArrayBuffer(0), "target")).toThrow(/it is empty/);
 * ```
 */
export function bytesOf(t: unknown, arg: string): Uint8Array {
  const e = extentOf(t);
  if (e === undefined) {
    throw new TypeError(`Cannot use ${arg}: a target must be an ArrayBuffer, SharedArrayBuffer, typed array, DataView or { addr, length }, current value is ${t === null ? "null" : typeof t}`);
  }
  let u8: Uint8Array;
  try {
    u8 = new Uint8Array(e.buffer, e.offset, e.length);
  } catch (cause) {
    // A live buffer whose view is refused is past what one typed array can cover here.
    if (e.length > 0 && (bufferLength(e.buffer) ?? 0) > 0) {
      throw invalid(arg, `Cannot use ${arg}: it is ${e.length} bytes, more than one typed array can view in this runtime; pass views of at most 4 GiB (as bindBatch requests or RangeBatches over each)`, { cause });
    }
    throw invalid(arg, `Cannot use ${arg}: its buffer is detached`, { cause });
  }
  if (e.length === 0) {
    // A view of a detached buffer reads as empty; say which it is.
    try { new Uint8Array(e.buffer); } catch (cause) { throw invalid(arg, `Cannot use ${arg}: its buffer is detached`, { cause }); }
    throw invalid(arg, `Cannot use ${arg}: it is empty (0 bytes), so it owns no whole page`);
  }
  return u8;
}

/**
 * The error for a buffer free() has released: its range holds no memory of the caller's.
 * @param action what the caller asked for, after "Cannot ": "bind requests[3].target"
 * @example Basic usage
 * ```ts
 * expect(freedBufferError("target", "bind target").message).toMatch(/released by free\(\)/);
 * ```
 */
export function freedBufferError(arg: string, action: string, index?: number): NumaError {
  return invalid(arg, `Cannot ${action}: the buffer was released by free(); its address range holds no memory of yours any more`, index === undefined ? {} : { index });
}

/**
 * The error for Node's shared Buffer pool (System.sharedPool): its pages belong to every small
 * Buffer carved from it, not to the caller.
 * @example Basic usage
 * ```ts
 * expect(sharedPoolError("target", "bind target").message).toMatch(/Buffer pool/);
 * ```
 */
export function sharedPoolError(arg: string, action: string, index?: number): NumaError {
  return invalid(arg, `Cannot ${action}: it is the runtime's shared Buffer pool, whose pages later small Buffers share; bind a buffer of its own (new ArrayBuffer(n), alloc(n), or the buffer of a Buffer from allocUnsafeSlow(n))`, index === undefined ? {} : { index });
}

/**
 * A raw { addr, length } target's two fields, each read once (a getter cannot answer one
 * check and then another value), or undefined when `t` is a buffer target or has no such keys.
 */
function rawFields(t: unknown, notBuffer: boolean): { addr: unknown; length: unknown } | undefined {
  if (typeof t !== "object" || t === null || (!notBuffer && extentOf(t) !== undefined) || !("addr" in t) || !("length" in t)) return undefined;
  const r = t as { addr: unknown; length: unknown };
  return { addr: r.addr, length: r.length };
}

/**
 * Resolves a target to an address range. Buffers give their address through `addressOf`;
 * raw ranges need `unsafeRawAddress`, because numabind cannot tell who owns them.
 * @param notBuffer the caller has found that extentOf(t) is undefined (saves asking again)
 * @example
 * ```ts
 * const r = resolveTarget(new ArrayBuffer(8192), "target", addressOf, false);
 * expect(r.length).toBe(8192n);
 * ```
 */
export function resolveTarget(t: Target, arg: string, addressOf: (u8: Uint8Array) => bigint,
  unsafeRawAddress: boolean, notBuffer = false): ResolvedTarget {
  const raw = rawFields(t, notBuffer);
  if (raw) {
    if (!unsafeRawAddress) {
      throw invalid(arg, `Cannot use ${arg}: raw { addr, length } targets need { unsafeRawAddress: true }, because numabind cannot check that the caller owns those pages`);
    }
    const { addr, length } = raw;
    if (typeof addr !== "bigint" || typeof length !== "bigint") {
      throw new TypeError(`Cannot use ${arg}: addr and length must be bigints, current types are ${typeof addr} and ${typeof length}`);
    }
    if (addr < 0n || length < 0n || addr + length > 0xffffffffffffffffn) {
      throw invalid(arg, `Cannot use ${arg}: the range must lie in 0..2^64, current value is ${addr}+${length}`);
    }
    return { addr, length, kind: 0 };
  }
  const u8 = bytesOf(t, arg);
  return { addr: addressOf(u8), length: BigInt(viewLength(u8)), kind: KIND_BUFFER };
}
