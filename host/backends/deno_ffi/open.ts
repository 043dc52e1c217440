import { availabilityFromProbe, type Backend, type KernelHooks } from "../../core/backend/mod.ts";
import { type DenoFfi, denoPackageRoot, type Libc } from "../../runtime/deno/mod.ts";
import { CALL_ADDR, CALL_BYTES, CALL_FLAGS, CALL_LEN, CALL_MASK, CALL_MASK_WORDS, CALL_MODE, CALL_WORDS } from "../call_block_layout.ts";
import { type RawSyscall, syscallHooks, syscallPlacementHooks } from "../syscall_hooks.ts";
import { syscallNumbers } from "../syscall_numbers.ts";

const PROT_RW = 3, MAP_PRIVATE_ANON = 0x22, MAP_FIXED = 0x10, MAP_NORESERVE = 0x4000;

/** syscall() through Deno's libc, with EINTR retried. */
function rawSyscall(libc: Libc): RawSyscall {
  const call = (nr: number, ...a: number[]): number => {
    for (;;) { const r = libc.syscall(nr, ...a); if (r !== -4) return r; }
  };
  return {
    call3: (nr, a, b, c) => call(nr, a, b, c),
    call4: (nr, a, b, c, d) => call(nr, a, b, c, d),
    call5: (nr, a, b, c, d, e) => call(nr, a, b, c, d, e),
    call6: (nr, a, b, c, d, e, f) => call(nr, a, b, c, d, e, f),
  };
}

/** The shim's file: a build made here, else the package's prebuilt one for this machine. */
function shimPath(deno: DenoFfi): string | undefined {
  const root = denoPackageRoot();
  const arch = deno.build.arch === "x86_64" ? "x64" : deno.build.arch === "aarch64" ? "arm64" : deno.build.arch;
  for (const rel of ["build/libnumabind.so", `prebuilds/linux-${arch}/libnumabind.so`]) {
    const url = new URL(rel, root);
    try { if (deno.statSync(url).isFile) return url.pathname; } catch { /* absent, or not readable */ }
  }
  return undefined;
}

/** The kernel hooks through the shim, called directly: a Deno FFI call costs tens of ns. */
function shimHooks(deno: DenoFfi, path: string): KernelHooks {
  // Results as i32: each entry point returns a long that is a count or -errno, and a 64-bit
  // result would come back as a BigInt on every call.
  const b = "buffer", u = "usize", i64 = "i32";
  const s = deno.dlopen(path, {
    numabind_mbind_batch: { parameters: [b, u, b, u, b, "u32"], result: i64 },
    numabind_get_mempolicy_batch: { parameters: [b, u, b, b, u, "u32", b], result: i64 },
    numabind_move_pages: { parameters: ["i32", u, b, b, b, "i32", u, b], result: i64 },
    numabind_migrate_pages: { parameters: ["i32", u, b, b], result: i64 },
    numabind_get_mempolicy: { parameters: [b, b, u, "u64", "u32"], result: i64 },
    numabind_set_mempolicy: { parameters: ["i32", b, u], result: i64 },
    numabind_sched_getaffinity: { parameters: [u, b], result: i64 },
    numabind_sched_setaffinity: { parameters: [u, b], result: i64 },
    numabind_getcpu: { parameters: [b], result: i64 },
    numabind_set_home_node: { parameters: ["u64", "u64", "u64"], result: i64 },
    numabind_call_block: { parameters: [], result: "pointer" },
    numabind_mbind_call: { parameters: [], result: i64 },
  }).symbols;
  // One bind() writes its arguments into this thread's call block and calls with none: the
  // cheapest crossing (buffer arguments cost more than the call).
  const block = new Uint32Array(deno.UnsafePointerView.getArrayBuffer(s.numabind_call_block!() as NonNullable<object>, CALL_BYTES));
  const blockBytes = new Uint8Array(block.buffer, block.byteOffset, CALL_BYTES);
  const n = (v: unknown): number => Number(v);
  if (CALL_ADDR !== 0 || CALL_LEN !== 2 || CALL_MODE !== 4 || CALL_FLAGS !== 5 || CALL_WORDS !== 6 || CALL_MASK !== 8 || CALL_MASK_WORDS !== 16) {
    throw new Error("numabind: the call block's layout changed; update mbindOne's literal offsets");
  }
  // Declared with an i32 result, so the call returns a number.
  const mbindCall = s.numabind_mbind_call! as () => number;
  const one = new Uint8Array(32), one32 = new Uint32Array(one.buffer), oneErr = new Uint8Array(4), done = new Uint8Array(8);
  /** A mask wider than the block's goes through the batch entry point, as a batch of one. */
  const mbindWide = (addr: number, len: number, mode: number, flags: number, mask: Uint8Array, words: number): number => {
    one32[0] = addr >>> 0; one32[1] = Math.floor(addr / 2 ** 32); one32[2] = len >>> 0; one32[3] = Math.floor(len / 2 ** 32);
    one32[4] = mode; one32[5] = flags; one32[6] = 0; one32[7] = 0;
    n(s.numabind_mbind_batch!(one, 1, mask, words, oneErr, 0));
    const errno = new Int32Array(oneErr.buffer)[0]!;
    return errno === 0 ? 0 : -errno; // 0, not -0
  };
  return {
    // Kept small enough for V8 to inline into bind()'s lean path: the wide-mask case is a call away.
    mbindOne(addr, len, mode, flags, mask, words) {
      if (mask && words > 16) return mbindWide(addr, len, mode, flags, mask, words);
      // The layout's offsets as literals (checked above): in optimized code each use of an
      // imported constant is loads and a hole check, between two syscalls (docs/benchmarks.md).
      block[0] = addr >>> 0; block[1] = Math.floor(addr / 2 ** 32);
      block[2] = len >>> 0; block[3] = Math.floor(len / 2 ** 32);
      block[4] = mode; block[5] = flags; block[6] = mask ? words : 0;
      // Byte by byte into a view made once: no call allocates, whichever verdict's mask it
      // replays (a cached u32 view of the last mask missed on alternating policies).
      if (mask) for (let k = 0; k < words * 8; k++) blockBytes[32 + k] = mask[k]!;
      return mbindCall();
    },
    mbindBatch: (ops, count, masks, words, errnos, continueOnError) =>
      n(s.numabind_mbind_batch!(ops, count, masks, words, errnos, continueOnError ? 1 : 0)),
    getMempolicy: (mode, mask, max, addr, flags) => n(s.numabind_get_mempolicy!(mode, mask.byteLength ? mask : null, max > 0 ? (max - 1) >>> 6 : 0, addr, flags)),
    getMempolicyBatch: (addrs, count, modes, masks, words, flags, errnos) =>
      n(s.numabind_get_mempolicy_batch!(addrs, count, modes, masks, words, flags, errnos)),
    setMempolicy: (mode, mask, words) => n(s.numabind_set_mempolicy!(mode, mask, mask ? words : 0)),
    movePages(pid, count, pages, nodes, status, flags, chunk) {
      const result = n(s.numabind_move_pages!(pid, count, pages, nodes, status, flags, chunk, done));
      return { result, done: Number(new BigUint64Array(done.buffer)[0]) };
    },
    migratePages: (pid, words, from, to) => n(s.numabind_migrate_pages!(pid, words, from, to)),
    getAffinity: (mask) => n(s.numabind_sched_getaffinity!(mask.byteLength, mask)),
    setAffinity: (mask) => n(s.numabind_sched_setaffinity!(mask.byteLength, mask)),
    getCpu: (out) => n(s.numabind_getcpu!(out)),
    setHomeNode: (addr, len, node) => n(s.numabind_set_home_node!(addr, len, node)),
  };
}

/**
 * The backend under Deno: the same C shim over Deno.dlopen, or libc's syscall() per op where
 * the package has no shim (a JSR install ships no native file). Chosen once, at load.
 * Permissions: --allow-ffi (dlopen of libc and the shim; /proc and /sys are read through libc
 * too) and --allow-read of the package (the engine's Wasm, and finding the shim).
 * @example Basic usage
 * ```ts
 * const nb = createNumabind(openDenoBackend(Deno, openLibc(Deno)));
 * ```
 */
export function openDenoBackend(deno: DenoFfi, libc: Libc): Backend {
  const arch = deno.build.arch === "x86_64" ? "x64" : deno.build.arch === "aarch64" ? "arm64" : deno.build.arch;
  const nr = syscallNumbers(arch)!;
  const sys = rawSyscall(libc);
  const noShim = deno.permissions.querySync({ name: "env", variable: "NUMABIND_NO_SHIM" }).state === "granted"
    && deno.env.get("NUMABIND_NO_SHIM") === "1";
  const path = noShim ? undefined : shimPath(deno);
  const kernel = path ? shimHooks(deno, path) : syscallHooks(sys, nr, libc.addressOf);
  const placement = path ? {} : syscallPlacementHooks(sys, nr, (u8) => Number(libc.addressOf(u8)));
  const name = path ? "deno+shim" : "deno";
  const opPath = path ? "shim" : "syscall";
  const pathReason = path || noShim ? undefined
    : `the C batch shim is not in the package (a JSR install ships no native file; from npm or a local path it is prebuilt), so every op is one syscall`;
  return {
    name, path: opPath, singleCalls: "deno-ffi", ...kernel, ...placement,
    addressOf: (u8) => libc.addressOf(u8),
    mmap(length, visible) {
      const r = libc.mmap(0n, length, PROT_RW, MAP_PRIVATE_ANON);
      if (typeof r === "number") return r;
      return { addr: r, buffer: libc.bufferAt(r, visible) };
    },
    munmap: (addr, length) => libc.munmap(addr, length),
    discard(addr, length) {
      const r = libc.mmap(addr, length, PROT_RW, MAP_PRIVATE_ANON | MAP_FIXED | MAP_NORESERVE);
      return typeof r === "number" ? r : 0;
    },
    probe: () => ({
      ...availabilityFromProbe(name, opPath, {
        get_mempolicy: sys.call5(nr.get_mempolicy, 0, 0, 0, 0, 0),
        mbind: sys.call6(nr.mbind, 0, 0, 0, 0, 0, 0),
        move_pages: sys.call6(nr.move_pages, 0, 0, 0, 0, 0, 0),
      }),
      singleCalls: "deno-ffi",
      ...(pathReason ? { pathReason } : {}),
    }),
  };
}
