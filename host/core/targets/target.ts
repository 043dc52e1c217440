import { KIND_BUFFER } from "../../../assembly/abi.ts";
import { invalid } from "../errors.ts";

/** Memory to act on: a buffer or view (its fully-owned pages), or a raw range (opt-in). */
export type Target = ArrayBufferLike | ArrayBufferView | RawRange;

/** A raw address range; refused unless the call passes { unsafeRawAddress: true }. */
export interface RawRange { addr: bigint; length: bigint }

/** A target reduced to numbers: start, length and whether it may be shrunk to owned pages. */
export interface ResolvedTarget { addr: bigint; length: bigint; kind: number }

function isRaw(t: unknown): t is RawRange {
  return typeof t === "object" && t !== null && "addr" in t && "length" in t
    && !ArrayBuffer.isView(t) && !(t instanceof ArrayBuffer)
    && !(typeof SharedArrayBuffer !== "undefined" && t instanceof SharedArrayBuffer);
}

/**
 * A byte view of a buffer target, or the reason it has none: a TypeError for something that
 * is not a buffer or view, a NumaError (EINVAL) for a detached or empty one.
 * @param arg the argument name errors should blame
 * @example Basic usage
 * ```ts
 * expect(bytesOf(new Float64Array(4), "target").byteLength).toBe(32);
 * expect(() => bytesOf(new ArrayBuffer(0), "target")).toThrow(/it is empty/);
 * ```
 */
export function bytesOf(t: unknown, arg: string): Uint8Array {
  let u8: Uint8Array;
  try {
    if (ArrayBuffer.isView(t)) u8 = new Uint8Array(t.buffer, t.byteOffset, t.byteLength);
    else if (t instanceof ArrayBuffer || (typeof SharedArrayBuffer !== "undefined" && t instanceof SharedArrayBuffer)) u8 = new Uint8Array(t);
    else throw new TypeError(`Cannot use ${arg}: a target must be an ArrayBuffer, SharedArrayBuffer, typed array, DataView or { addr, length }, current value is ${t === null ? "null" : typeof t}`);
  } catch (e) {
    if (e instanceof TypeError && e.message.startsWith("Cannot use")) throw e;
    throw invalid(arg, `Cannot use ${arg}: its buffer is detached`, { cause: e });
  }
  if (u8.byteLength === 0) throw invalid(arg, `Cannot use ${arg}: it is empty (0 bytes), so it owns no whole page`);
  return u8;
}

/**
 * Resolves a target to an address range. Buffers give their address through `addressOf`;
 * raw ranges need `unsafeRawAddress`, because numabind cannot tell who owns them.
 * @example
 * ```ts
 * const r = resolveTarget(new ArrayBuffer(8192), "target", addressOf, false);
 * expect(r.length).toBe(8192n);
 * ```
 */
export function resolveTarget(t: Target, arg: string, addressOf: (u8: Uint8Array) => bigint,
  unsafeRawAddress: boolean): ResolvedTarget {
  if (isRaw(t)) {
    if (!unsafeRawAddress) {
      throw invalid(arg, `Cannot use ${arg}: raw { addr, length } targets need { unsafeRawAddress: true }, because numabind cannot check that the caller owns those pages`);
    }
    if (typeof t.addr !== "bigint" || typeof t.length !== "bigint") {
      throw new TypeError(`Cannot use ${arg}: addr and length must be bigints, current types are ${typeof t.addr} and ${typeof t.length}`);
    }
    if (t.addr < 0n || t.length < 0n || t.addr + t.length > 0xffffffffffffffffn) {
      throw invalid(arg, `Cannot use ${arg}: the range must lie in 0..2^64, current value is ${t.addr}+${t.length}`);
    }
    return { addr: t.addr, length: t.length, kind: 0 };
  }
  const u8 = bytesOf(t, arg);
  return { addr: addressOf(u8), length: BigInt(u8.byteLength), kind: KIND_BUFFER };
}
