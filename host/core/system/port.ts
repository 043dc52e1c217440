// The system port: the little that core needs from the runtime it runs on. Core never imports
// node: modules or uses Buffer; the runtime's entry (host/mod.ts for Node) supplies a port
// once, at load, the way it opens the backend once.

/**
 * What core reads from the system: /proc and /sys files, directory listings, the kernel
 * release, and the engine's compiled Wasm. Paths are absolute. Every method is synchronous:
 * the callers run inside synchronous public calls (bind(), plan(), explanations of errors).
 */
export interface System {
  /** A whole file, or undefined when it cannot be read (absent, no permission, no /proc). */
  readFile(path: string): Uint8Array | undefined;
  /** The entry names of a directory, or undefined when it cannot be listed. */
  listDir(path: string): string[] | undefined;
  /**
   * Opens a file for reading in chunks (files too large to read whole near vm.max_map_count,
   * where allocating can fail). Throws when the file cannot be opened.
   */
  open(path: string): number;
  /** Reads up to `length` bytes into `buf` at `offset`; returns how many, 0 at the end. */
  read(fd: number, buf: Uint8Array, offset: number, length: number): number;
  close(fd: number): void;
  /** The kernel release, as uname(2) reports it ("6.18.44-generic"). */
  kernelRelease(): string;
  /**
   * Whether `buf` (of `length` bytes, read through the intrinsic getter) is a slab the
   * runtime carves small buffers from, such as Node's Buffer pool: binding it would bind pages
   * that later, unrelated buffers share. Absent: the runtime has none.
   */
  sharedPool?(buf: ArrayBufferLike, length: number): boolean;
  /**
   * Runs `fn` when the calling thread ends, if it is a worker the runtime can tell of (Node:
   * a worker's "exit" event, which a natural end emits and worker.terminate() does not).
   */
  onWorkerExit?(fn: () => void): void;
  /** The engine's Wasm (build/engine.wasm); throws saying how to build it when it is missing. */
  engineBytes(): Uint8Array;
}

let installed: System | undefined;

/**
 * Installs the system port core reads through. The package entry calls this once, at load;
 * a host that builds numabind over its own backend (numabind/core) calls it first.
 * @param port the runtime's port
 * @example Basic usage
 * ```ts
 * import { nodeSystem } from "../../runtime/mod.ts";
 * setSystem(nodeSystem());
 * expect(system().kernelRelease()).toMatch(/^\d+\.\d+/);
 * ```
 */
export function setSystem(port: System): void {
  installed = port;
}

/**
 * The installed system port.
 * @returns the port setSystem() installed; throws when there is none
 * @example Basic usage
 * ```ts
 * expect(system().listDir("/proc/self")).toContain("status");
 * ```
 */
export function system(): System {
  if (installed === undefined) {
    throw new Error("Cannot read the system: numabind's core has no system port; import numabind from its package entry, or call setSystem() first");
  }
  return installed;
}
