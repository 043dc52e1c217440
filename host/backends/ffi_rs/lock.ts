import { closeSync, openSync, statSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// ffi-rs keeps its libraries and resolved symbols in one process-wide Rust HashMap
// (`static mut LIBRARY_MAP` in its src/lib.rs) with no lock: open() inserts a library, and
// the first load() of a symbol inserts it into that library's map. Two threads doing either at
// once, or one inserting while another looks a symbol up, is a data race on a HashMap that may
// be resizing, so memory corruption or a crash. Worker threads share the process, so numabind
// opens its libraries and resolves every symbol it will ever call once per thread under this
// lock; after the first thread has done so, no numabind call inserts anything, and lookups from
// many threads only read. JavaScript has no process-wide lock before any shared memory
// exists, so this one is a file created with O_EXCL, which the kernel makes atomic.

/** How long a thread waits for another one's setup (a few ms) before going ahead anyway. */
const WAIT_MS = 5000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

function lockDirs(): string[] {
  return ["/dev/shm", tmpdir()];
}

/** Creates the lock file; undefined when no directory takes one (then there is no lock). */
function acquire(): { fd: number; path: string } | undefined {
  const started = Date.now() - process.uptime() * 1000;
  const deadline = Date.now() + WAIT_MS;
  for (const dir of lockDirs()) {
    const path = join(dir, `numabind-ffi-${process.pid}.lock`);
    for (;;) {
      try {
        return { fd: openSync(path, "wx", 0o600), path };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") break; // try the next directory
        // A file older than this process was left by an earlier one with the same pid.
        try { if (statSync(path).mtimeMs < started - 1000) { unlinkSync(path); continue; } } catch { continue; }
        if (Date.now() > deadline) return undefined; // its holder died mid-setup
        Atomics.wait(sleeper, 0, 0, 1);
      }
    }
  }
  return undefined;
}

/**
 * Runs `fn` while no other thread of this process runs it: numabind's ffi-rs setup
 * (opening libraries, resolving symbols). Best effort where no directory can hold the lock
 * file (/dev/shm and the temp directory both read-only): then setups are not serialised.
 * @example
 * ```ts
 * const backend = withFfiLock(() => buildBackend());
 * ```
 */
export function withFfiLock<T>(fn: () => T): T {
  const lock = acquire();
  try {
    return fn();
  } finally {
    if (lock) {
      closeSync(lock.fd);
      try { unlinkSync(lock.path); } catch { /* removed as stale by a waiter: nothing to do */ }
    }
  }
}
