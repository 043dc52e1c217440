import { constants as bufferConstants } from "node:buffer";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { OP_SIZE } from "../../assembly/abi.ts";
import type { Availability, Backend, MappedRegion } from "../core/backend.ts";
import { packageRoot } from "../core/package_root.ts";
import { syscallNumbers } from "./syscall_numbers.ts";

type FfiRs = typeof import("ffi-rs");

const LIBC = "numabind_libc";
const SHIM = "numabind_shim";
const PROT_RW = 3, MAP_PRIVATE_ANON = 0x22, MAP_FIXED = 0x10, MAP_NORESERVE = 0x4000;

/** Why the ffi-rs backend cannot open here, or undefined when it can. */
export interface FfiRsOpen { backend?: Backend; reason?: string }

/**
 * Opens the Node backend: ffi-rs over libc, plus the C batch shim (build/libnumabind.so)
 * unless it is missing or NUMABIND_NO_SHIM=1, in which case every op is one libc syscall().
 * @example
 * ```ts
 * const { backend } = openFfiRs();
 * expect(backend?.name).toMatch(/^ffi-rs/);
 * ```
 */
export function openFfiRs(env: Record<string, string | undefined> = process.env): FfiRsOpen {
  let ffi: FfiRs;
  try {
    ffi = createRequire(import.meta.url)("ffi-rs") as FfiRs;
  } catch (e) {
    return { reason: `ffi-rs cannot load on ${process.platform}/${process.arch}: ${(e as Error).message.split("\n")[0]}` };
  }
  const nr = syscallNumbers(process.arch);
  if (!nr) return { reason: `numabind has no syscall numbers for ${process.arch}` };
  const { DataType: T } = ffi;
  try {
    ffi.open({ library: LIBC, path: "libc.so.6" });
  } catch (e) {
    return { reason: `cannot open libc.so.6: ${(e as Error).message}` };
  }
  const shimPath = join(packageRoot(import.meta.url), "build", "libnumabind.so");
  const useShim = env.NUMABIND_NO_SHIM !== "1" && existsSync(shimPath);
  if (useShim) ffi.open({ library: SHIM, path: shimPath });

  const libc = ffi.define({
    memmove: { library: LIBC, retType: T.BigInt, paramsType: [T.U8Array, T.U8Array, T.I64] },
    mmap: { library: LIBC, retType: T.I64, paramsType: [T.I64, T.I64, T.I32, T.I32, T.I32, T.I64], errno: true },
    munmap: { library: LIBC, retType: T.I32, paramsType: [T.I64, T.I64], errno: true },
  });
  const shim = useShim ? ffi.define({
    numabind_mbind_batch: { library: SHIM, retType: T.I64, paramsType: [T.U8Array, T.I64, T.U8Array, T.I64, T.U8Array, T.I32] },
  }) : undefined;

  /** libc syscall(); arguments are numbers or Uint8Array pointers. @returns result or -errno */
  const syscall = (args: (number | Uint8Array)[]): number => {
    const r = ffi.load({
      library: LIBC, funcName: "syscall", retType: T.I64, errno: true,
      paramsType: args.map((a) => (typeof a === "number" ? T.I64 : T.U8Array)), paramsValue: args,
    }) as unknown as { value: number; errnoCode: number };
    return r.value === -1 ? -r.errnoCode : r.value;
  };

  const perOpMbind = (ops: Uint8Array, count: number, masks: Uint8Array, words: number,
    errnos: Uint8Array, continueOnError: boolean): number => {
    const dv = new DataView(ops.buffer, ops.byteOffset, count * OP_SIZE);
    const ev = new DataView(errnos.buffer, errnos.byteOffset, count * 4);
    for (let i = 0; i < count; i++) {
      const o = i * OP_SIZE;
      const mask = dv.getUint32(o + 24, true);
      const r = syscall([nr.mbind, Number(dv.getBigUint64(o, true)), Number(dv.getBigUint64(o + 8, true)),
        dv.getInt32(o + 16, true),
        mask === 0xffffffff ? 0 : masks.subarray(mask * words * 8, (mask + 1) * words * 8),
        mask === 0xffffffff ? 0 : words * 64 + 1, dv.getUint32(o + 20, true)]);
      ev.setInt32(i * 4, r < 0 ? -r : 0, true);
      if (r < 0 && !continueOnError) return i + 1;
    }
    return count;
  };

  const backend: Backend = {
    name: useShim ? "ffi-rs+shim" : "ffi-rs",
    probe(): Availability {
      const r = syscall([nr.get_mempolicy, 0, 0, 0, 0, 0]);
      if (r === -38) return { ok: false, backend: this.name, reason: "the kernel has no NUMA memory-policy syscalls (ENOSYS): built without CONFIG_NUMA, or an emulation such as WSL1" };
      if (r === -1) return { ok: false, backend: this.name, reason: "get_mempolicy is not permitted (EPERM): a seccomp profile denies it, as Docker's default does without CAP_SYS_NICE; run with --cap-add SYS_NICE or a profile that allows mbind, get_mempolicy and set_mempolicy" };
      if (r < 0) return { ok: false, backend: this.name, reason: `get_mempolicy failed with errno ${-r}` };
      return { ok: true, backend: this.name };
    },
    addressOf: (u8) => libc.memmove([u8, u8, 0]) as bigint,
    mbindBatch: shim
      ? (ops, count, masks, words, errnos, cont) =>
        shim.numabind_mbind_batch([ops, count, masks, words, errnos, cont ? 1 : 0]) as number
      : perOpMbind,
    getMempolicy: (mode, mask, maxnode, addr, flags) =>
      syscall([nr.get_mempolicy, mode, mask, maxnode, Number(addr), flags]),
    mmap(length: bigint, visible: number): MappedRegion | number {
      const r = libc.mmap([0, Number(length), PROT_RW, MAP_PRIVATE_ANON, -1, 0]) as unknown as { value: number; errnoCode: number };
      if (r.value === -1) return -r.errnoCode;
      const holder = ffi.createPointer({ paramsType: [T.I64], paramsValue: [r.value] });
      const external = ffi.unwrapPointer(holder)[0]!;
      let buf: Buffer;
      try {
        buf = ffi.createExternalBuffer(external, visible);
      } catch (e) {
        libc.munmap([r.value, Number(length)]);
        throw new RangeError(`Cannot alloc ${visible} bytes: this runtime cannot alias more than ${bufferConstants.MAX_LENGTH} bytes in one ArrayBuffer`, { cause: e });
      } finally {
        ffi.freePointer({ paramsType: [T.I64], paramsValue: holder, pointerType: ffi.PointerType.RsPointer });
      }
      return { addr: BigInt(r.value), buffer: buf.buffer as ArrayBuffer };
    },
    munmap(addr, length) {
      const r = libc.munmap([Number(addr), Number(length)]) as unknown as { value: number; errnoCode: number };
      return r.value === -1 ? -r.errnoCode : 0;
    },
    discard(addr, length) {
      const r = libc.mmap([Number(addr), Number(length), PROT_RW, MAP_PRIVATE_ANON | MAP_FIXED | MAP_NORESERVE, -1, 0]) as unknown as { value: number; errnoCode: number };
      return r.value === -1 ? -r.errnoCode : 0;
    },
  };
  return { backend };
}
