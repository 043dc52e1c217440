// What a caller's buffer or view really spans, read through the intrinsic getters captured at
// load (the prototypes of %TypedArray%, DataView, ArrayBuffer and SharedArrayBuffer): an own property, a subclass getter, a patched prototype or a
// Proxy cannot move the range, and views from another realm (node:vm) read the same way, since
// each getter checks the object's internal slots, not its prototype. Calling the getters is
// also the fast way on Node 20: the property loads `v.buffer`, `v.byteOffset`, `v.byteLength`
// cost 10-18 ns each (V8 leaves the accessor call to a generic load), the getters half that,
// ~0.4 ms over bindBatch's 20k request views (bench/bind.mjs).

/** %TypedArray%: the prototype of every typed array constructor. */
const TypedArray = Object.getPrototypeOf(Uint8Array) as { prototype: object };

type Getter<T> = (this: unknown) => T;
const getter = <T>(proto: object, key: PropertyKey): Getter<T> =>
  Object.getOwnPropertyDescriptor(proto, key)!.get as Getter<T>;

/** The typed array's type name, or undefined for anything else (no throw): the brand check. */
const typedArrayName = getter<string | undefined>(TypedArray.prototype, Symbol.toStringTag);
const typedBufferOf = getter<ArrayBufferLike>(TypedArray.prototype, "buffer");
const typedOffset = getter<number>(TypedArray.prototype, "byteOffset");
const typedLength = getter<number>(TypedArray.prototype, "byteLength");
const dataViewBufferOf = getter<ArrayBufferLike>(DataView.prototype, "buffer");
const dataViewOffset = getter<number>(DataView.prototype, "byteOffset");
const dataViewLength = getter<number>(DataView.prototype, "byteLength");
const { isView, prototype: arrayBufferProto } = ArrayBuffer;
const arrayBufferLength = getter<number>(arrayBufferProto, "byteLength");
const sharedBufferLength = typeof SharedArrayBuffer === "undefined"
  ? undefined : getter<number>(Object.getPrototypeOf(new SharedArrayBuffer(0)) as object, "byteLength");
const objectTag = Object.prototype.toString;

/** Where a target's bytes are: its buffer, and the byte range of it the target covers. */
export interface Extent { buffer: ArrayBufferLike; offset: number; length: number }

/**
 * Whether `x` is a typed array of any realm (DataViews are not): the brand check of the
 * intrinsic Symbol.toStringTag getter, which a Proxy or a prototype trick cannot pass.
 * @example
 * ```ts
 * expect(isTypedArray(new Float64Array(2))).toBe(true);
 * expect(isTypedArray(new DataView(new ArrayBuffer(8)))).toBe(false);
 * expect(isTypedArray(Object.create(Uint8Array.prototype))).toBe(false);
 * ```
 */
export function isTypedArray(x: unknown): x is ArrayBufferView {
  return typedArrayName.call(x) !== undefined;
}

/**
 * A typed array's buffer (only for values isTypedArray accepted).
 * @example
 * ```ts
 * const buf = new ArrayBuffer(16);
 * expect(viewBuffer(new Uint8Array(buf, 8))).toBe(buf);
 * ```
 */
export function viewBuffer(v: ArrayBufferView): ArrayBufferLike {
  return typedBufferOf.call(v);
}

/**
 * A typed array's byte offset in its buffer (only for values isTypedArray accepted).
 * @example
 * ```ts
 * expect(viewOffset(new Uint8Array(new ArrayBuffer(16), 8))).toBe(8);
 * ```
 */
export function viewOffset(v: ArrayBufferView): number {
  return typedOffset.call(v);
}

/**
 * A typed array's length in bytes, 0 once its buffer is detached (only for values isTypedArray
 * accepted).
 * @example
 * ```ts
 * expect(viewLength(new Uint32Array(3))).toBe(12);
 * ```
 */
export function viewLength(v: ArrayBufferView): number {
  return typedLength.call(v);
}

/**
 * The byte length of an ArrayBuffer or SharedArrayBuffer of any realm, or undefined for
 * anything else (0 once an ArrayBuffer is detached).
 * @example
 * ```ts
 * const ab = new ArrayBuffer(8);
 * Object.defineProperty(ab, "byteLength", { value: 1 << 30 });
 * expect(bufferLength(ab)).toBe(8);
 * expect(bufferLength({ byteLength: 8 })).toBeUndefined();
 * ```
 */
export function bufferLength(x: unknown): number | undefined {
  // The brand checks throw for anything else, and a throw costs ~10 µs: ask only objects that
  // present themselves as buffers (this realm's by instanceof, the cheap test on every bind;
  // another realm's through Symbol.toStringTag). A disguise only reaches the getter, which
  // still refuses it.
  if (x instanceof ArrayBuffer) {
    try { return arrayBufferLength.call(x); } catch { return undefined; }
  }
  const tag = objectTag.call(x);
  if (tag === "[object ArrayBuffer]") {
    try { return arrayBufferLength.call(x); } catch { return undefined; }
  }
  if (tag === "[object SharedArrayBuffer]" && sharedBufferLength) {
    try { return sharedBufferLength.call(x); } catch { return undefined; }
  }
  return undefined;
}

/**
 * Whether `x` is a SharedArrayBuffer of any realm, by its brand (the intrinsic getter), never
 * by what it says of itself.
 * @example Basic usage
 * ```ts
 * expect(isSharedBuffer(new SharedArrayBuffer(8))).toBe(true);
 * expect(isSharedBuffer(new ArrayBuffer(8))).toBe(false);
 * ```
 */
export function isSharedBuffer(x: unknown): boolean {
  if (x instanceof ArrayBuffer || !sharedBufferLength || typeof x !== "object" || x === null) return false;
  try { sharedBufferLength.call(x); return true; } catch { return false; }
}

/**
 * The real extent of a buffer target (a typed array, DataView, ArrayBuffer or
 * SharedArrayBuffer of any realm), or undefined for anything else. A view over a detached
 * buffer has length 0.
 * @example Lying accessors change nothing
 * ```ts
 * class Liar extends Uint8Array { override get byteLength() { return 1 << 30; } }
 * const v = new Liar(new ArrayBuffer(8192), 4096, 4096);
 * expect(extentOf(v)).toMatchObject({ offset: 4096, length: 4096 });
 * ```
 */
export function extentOf(x: unknown): Extent | undefined {
  if (typeof x !== "object" || x === null) return undefined;
  if (typedArrayName.call(x) !== undefined) return { buffer: typedBufferOf.call(x), offset: typedOffset.call(x), length: typedLength.call(x) };
  if (isView(x)) {
    // A DataView: its offset and length getters throw once its buffer is detached.
    const buffer = dataViewBufferOf.call(x);
    try { return { buffer, offset: dataViewOffset.call(x), length: dataViewLength.call(x) }; } catch { return { buffer, offset: 0, length: 0 }; }
  }
  // A plain object (a raw { addr, length }, the common case on this path) is no buffer.
  if (Object.getPrototypeOf(x) === Object.prototype) return undefined;
  const length = bufferLength(x);
  return length === undefined ? undefined : { buffer: x as ArrayBufferLike, offset: 0, length };
}
