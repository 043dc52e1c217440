import { availabilityFromProbe, type Backend } from "../../core/backend/mod.ts";
import { nativeFiles } from "../../runtime/mod.ts";
import { addonMappings, nodeApiHooks } from "../node_api/mod.ts";
import { syscallNumbers } from "../syscall_numbers.ts";
import { loadFfi } from "./lib.ts";
import { withFfiLock } from "./lock.ts";
import { memoryHooks } from "./memory.ts";
import { pinAddon } from "./pin.ts";
import { shimHooks } from "./shim.ts";
import { shimPlacementHooks } from "./placement.ts";
import { syscallHooks, syscallPlacementHooks } from "../syscall_hooks.ts";
import { rawSyscall } from "./syscall.ts";
import { warmSymbols } from "./warm.ts";

const LIBC = "numabind_libc";
const SHIM = "numabind_shim";

/** The ffi-rs backend, or why it cannot open here. */
export interface FfiRsOpen { backend?: Backend; reason?: string }

/**
 * Opens the Node backend: ffi-rs over libc, plus the C batch shim (build/libnumabind.so)
 * unless it is missing or NUMABIND_NO_SHIM=1, in which case every op is one libc syscall().
 * With the shim, single calls go through Node-API (build/numabind.node) where it was built.
 * Safe from any number of worker threads at once: the libraries are opened and every symbol
 * resolved under a process-wide lock (ffi_rs_lock.ts), the shim even when it goes unused, so
 * that after the first thread's setup no call changes ffi-rs's unsynchronised symbol table;
 * and ffi-rs's addon is pinned in memory, since unloading it when a worker exits crashes the
 * process (ffi_rs_pin.ts).
 * @param env where NUMABIND_NO_SHIM is read (tests and benchmarks open both paths at once)
 * @example
 * ```ts
 * const { backend } = openFfiRs();
 * expect(backend?.name).toMatch(/^ffi-rs/);
 * ```
 */
export function openFfiRs(env: Record<string, string | undefined> = process.env): FfiRsOpen {
  const lib = loadFfi();
  if (typeof lib === "string") return { reason: lib };
  const nr = syscallNumbers(process.arch);
  if (!nr) return { reason: `numabind has no syscall numbers for ${process.arch}` };
  return withFfiLock(() => openLocked(lib, nr, env));
}

function openLocked(lib: Exclude<ReturnType<typeof loadFfi>, string>, nr: NonNullable<ReturnType<typeof syscallNumbers>>,
  env: Record<string, string | undefined>): FfiRsOpen {
  try {
    lib.open({ library: LIBC, path: "libc.so.6" });
  } catch (e) {
    return { reason: `cannot open libc.so.6: ${(e as Error).message}` };
  }
  pinAddon(lib, LIBC);
  const files = nativeFiles(import.meta.url);
  let shimOpen = files.shim !== undefined, whyNoShim = files.missing;
  if (shimOpen) {
    try {
      lib.open({ library: SHIM, path: files.shim! });
    } catch (e) {
      // A shim built for another libc or architecture: the fallback still works.
      shimOpen = false;
      whyNoShim = `${files.shim} does not load here (${(e as Error).message.split("\n")[0]}); install a C compiler and run "npm rebuild numabind"`;
    }
  }
  warmSymbols(lib, LIBC, shimOpen ? SHIM : undefined);
  const useShim = shimOpen && env.NUMABIND_NO_SHIM !== "1";
  // One syscall per op that nobody asked for is never silent: available() says why, and the
  // first batch warns once.
  const pathReason = useShim || env.NUMABIND_NO_SHIM === "1" ? undefined
    : `the C batch shim is not available, so every op is one syscall through ffi-rs (3-5x slower for large batches): ${whyNoShim}`;
  const memory = memoryHooks(lib, LIBC, addonMappings(env));
  const single = useShim ? nodeApiHooks(env) : undefined;
  const kernel = useShim ? { ...shimHooks(lib, SHIM), ...single } : warnOnFirstBatch(syscallHooks(rawSyscall(lib, LIBC, true), nr, memory.addressOf), pathReason);
  const singleCalls = single ? "node-api" : "ffi-rs";
  const sys = rawSyscall(lib, LIBC);
  // Placement calls (affinity, getcpu, home node) are rare: plain arguments, no call block.
  const placement = useShim ? shimPlacementHooks(lib, SHIM)
    : syscallPlacementHooks(rawSyscall(lib, LIBC, true), nr, (u8) => Number(memory.addressOf(u8)));
  const name = useShim ? "ffi-rs+shim" : "ffi-rs";
  const path = useShim ? "shim" : "syscall";

  const backend: Backend = {
    name, path, singleCalls, ...memory, ...kernel, ...placement,
    // Harmless calls: get_mempolicy of the thread into NULL, mbind of zero bytes, move_pages of
    // zero pages. Each gives ENOSYS without CONFIG_NUMA and EPERM under a seccomp profile
    // that denies it (Docker's default, without CAP_SYS_NICE).
    probe: () => ({
      ...availabilityFromProbe(name, path, {
        get_mempolicy: sys.call5(nr.get_mempolicy, 0, 0, 0, 0, 0),
        mbind: sys.call6(nr.mbind, 0, 0, 0, 0, 0, 0),
        move_pages: sys.call6(nr.move_pages, 0, 0, 0, 0, 0, 0),
      }),
      singleCalls,
      ...(pathReason ? { pathReason } : {}),
    }),
  };
  return { backend };
}

/** The hooks, with one process.emitWarning on the first batch when `reason` is set. */
function warnOnFirstBatch<H extends { mbindBatch?: (...a: never[]) => number }>(hooks: H, reason: string | undefined): H {
  const batch = hooks.mbindBatch;
  if (!reason || !batch) return hooks;
  let warned = false;
  return {
    ...hooks,
    mbindBatch: (...a: never[]) => {
      if (!warned) { warned = true; process.emitWarning(`numabind: ${reason}`, { code: "NUMABIND_NO_SHIM" }); }
      return batch(...a);
    },
  };
}
