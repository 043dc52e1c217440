import type { DenoFfi, Pointer } from "./ffi.ts";

/** The libc functions numabind calls under Deno, each returning a number (-1 and errno on failure). */
export interface Libc {
  /** syscall(nr, a..f): the result or -errno. */
  syscall(nr: number, a?: number | bigint, b?: number | bigint, c?: number | bigint, d?: number | bigint, e?: number | bigint, f?: number | bigint): number;
  mmap(addr: bigint, length: bigint, prot: number, flags: number): bigint | number;
  munmap(addr: bigint, length: bigint): number;
  open(path: string): number;
  read(fd: number, buf: Uint8Array, offset: number, length: number): number;
  close(fd: number): void;
  /** The entry names of a directory, or undefined. */
  listDir(path: string): string[] | undefined;
  /** A view's address. */
  addressOf(u8: Uint8Array): bigint;
  /** An ArrayBuffer over native memory (aliases it). */
  bufferAt(addr: bigint, length: number): ArrayBuffer;
}

const enc = new TextEncoder(), dec = new TextDecoder();
const cstr = (s: string): Uint8Array => enc.encode(`${s}\0`);

/**
 * libc through Deno.dlopen: the calls the system port and the backend need. syscall() is
 * declared with six integer arguments, which is how the x86_64 and arm64 Linux ABIs pass a
 * variadic call's integers. errno comes from __errno_location().
 * @example Basic usage
 * ```ts
 * const libc = openLibc(Deno);
 * expect(libc.syscall(39)).toBeGreaterThan(0);   // getpid on x86_64
 * ```
 */
export function openLibc(deno: DenoFfi): Libc {
  const i64 = "i64", ptr = "pointer", buf = "buffer";
  const lib = deno.dlopen("libc.so.6", {
    syscall: { parameters: [i64, i64, i64, i64, i64, i64, i64], result: i64 },
    mmap: { parameters: [i64, "usize", "i32", "i32", "i32", i64], result: i64 },
    munmap: { parameters: [i64, "usize"], result: "i32" },
    open: { parameters: [buf, "i32"], result: "i32" },
    read: { parameters: ["i32", buf, "usize"], result: "isize" },
    close: { parameters: ["i32"], result: "i32" },
    opendir: { parameters: [buf], result: ptr },
    readdir64: { parameters: [ptr], result: ptr },
    closedir: { parameters: [ptr], result: "i32" },
    __errno_location: { parameters: [], result: ptr },
  }).symbols;
  const errno = (): number => new deno.UnsafePointerView(lib.__errno_location!() as NonNullable<Pointer>).getInt32();
  const n = (v: unknown): number => Number(v);
  return {
    syscall(nr, a = 0, b = 0, c = 0, d = 0, e = 0, f = 0) {
      const r = n(lib.syscall!(nr, a, b, c, d, e, f));
      return r === -1 ? -errno() : r;
    },
    mmap(addr, length, prot, flags) {
      const r = lib.mmap!(addr, length, prot, flags, -1, 0) as bigint;
      return r === -1n ? -errno() : r;
    },
    munmap: (addr, length) => { const r = n(lib.munmap!(addr, length)); return r === -1 ? -errno() : r; },
    open(path) {
      const fd = n(lib.open!(cstr(path), 0));
      if (fd < 0) throw new Error(`Cannot open ${path}: errno ${errno()}`);
      return fd;
    },
    read(fd, b, offset, length) {
      const r = n(lib.read!(fd, b.subarray(offset, offset + length), length));
      if (r < 0) throw new Error(`Cannot read: errno ${errno()}`);
      return r;
    },
    close: (fd) => { lib.close!(fd); },
    listDir(path) {
      const dir = lib.opendir!(cstr(path)) as Pointer;
      if (dir === null) return undefined;
      const names: string[] = [];
      try {
        for (;;) {
          const ent = lib.readdir64!(dir) as Pointer;
          if (ent === null) break;
          // struct dirent64: d_ino u64, d_off i64, d_reclen u16, d_type u8, d_name at 19.
          const raw = new Uint8Array(deno.UnsafePointerView.getArrayBuffer(ent, 19 + 256));
          const name = dec.decode(raw.subarray(19, 19 + raw.subarray(19).indexOf(0)));
          if (name !== "." && name !== "..") names.push(name);
        }
      } finally { lib.closedir!(dir); }
      return names;
    },
    addressOf: (u8) => deno.UnsafePointer.value(deno.UnsafePointer.of(u8)),
    bufferAt: (addr, length) => deno.UnsafePointerView.getArrayBuffer(deno.UnsafePointer.create(addr)!, length),
  };
}
