// The part of Deno's FFI numabind uses, typed here so that the same sources compile under tsc
// (which has no Deno types) and under `deno check`. Only the Deno entry and backend use it.

/** A native pointer: Deno's opaque pointer object, or null for NULL. */
export type Pointer = object | null;

/** Deno.dlopen's symbol definitions. */
export type ForeignFunctions = Record<string, { parameters: readonly string[]; result: string; optional?: boolean }>;

/** The subset of the Deno namespace numabind calls. */
export interface DenoFfi {
  dlopen(path: string | URL, symbols: ForeignFunctions): { symbols: Record<string, (...args: unknown[]) => unknown>; close(): void };
  UnsafePointer: { of(buf: ArrayBufferView): Pointer; value(p: Pointer): bigint; create(v: bigint): Pointer };
  UnsafePointerView: {
    getArrayBuffer(p: NonNullable<Pointer>, length: number, offset?: number): ArrayBuffer;
    new (p: NonNullable<Pointer>): { getInt32(offset?: number): number };
  };
  readFileSync(path: string | URL): Uint8Array;
  statSync(path: string | URL): { isFile: boolean };
  permissions: { querySync(d: { name: string; variable?: string }): { state: string } };
  env: { get(name: string): string | undefined };
  build: { arch: string; os: string };
}

/**
 * The Deno namespace when running under Deno, else undefined.
 * @example Basic usage
 * ```ts
 * if (denoFfi()) console.log("under Deno");
 * ```
 */
export function denoFfi(): DenoFfi | undefined {
  return (globalThis as { Deno?: DenoFfi }).Deno;
}
