import { loadAddon } from "./addon.ts";

/** Keeps a thread's live mappings, to unmap them when the thread ends. */
export interface MappingTracker {
  track(addr: bigint, length: bigint): void;
  untrack(addr: bigint): void;
}

/**
 * Keeps this thread's alloc() mappings in the Node-API addon, which unmaps them when the
 * thread's environment ends, worker.terminate() included (native/node_api/mappings.c): a
 * FinalizationRegistry never runs at isolate teardown. Undefined without the addon.
 * @example Basic usage
 * ```ts
 * const t = addonMappings(process.env);
 * t?.track(addr, length);   // after mmap
 * t?.untrack(addr);         // after munmap
 * ```
 */
export function addonMappings(env: Record<string, string | undefined>): MappingTracker | undefined {
  const addon = loadAddon(env);
  if (!addon) return undefined;
  return {
    track: (addr, length) => { addon.trackMapping(Number(addr), Number(length)); },
    untrack: (addr) => { addon.untrackMapping(Number(addr)); },
  };
}
