// A bump arena over linear memory above the static data. The engine allocates nothing else:
// plan_input resets it, each plan_run rewinds to the mark left by plan_input, and a failed
// growth returns 0 instead of trapping, so an oversized batch is an error code, not a crash.

let top: usize = 0;

// @ts-ignore: decorator
@inline function arenaBase(): usize { return (__heap_base + 15) & ~<usize>15; }

/** Drops everything: the next TAKE starts at the bottom of the arena. */
export function ARENA_RESET(): void { top = arenaBase(); }

/** Where the next TAKE starts. */
export function ARENA_TOP(): usize { return top == 0 ? arenaBase() : top; }

/** Rewinds to a mark returned by ARENA_TOP. */
export function ARENA_REWIND(mark: usize): void { top = mark; }

/** Makes memory reach `end`; false when the memory cannot grow that far. */
export function ENSURE(end: u64): bool {
  let have = <u64>memory.size() << 16;
  if (end <= have) return true;
  if (end > (<u64>65536 << 16)) return false;
  let need = <i32>((end - have + 0xffff) >>> 16);
  let pages = memory.size();
  // A sixteenth more than needed (at least 1 MiB) when possible, else exactly what is needed:
  // few growths for a batch that takes its buffers one by one, and little memory reserved past
  // the batch's own (a big batch's buffers are most of it, so doubling would waste up to half).
  if (memory.grow(max(need, min(max(pages >>> 4, 16), 65536 - pages))) >= 0) return true;
  return memory.grow(need) >= 0;
}

/** `bytes` of 16-aligned scratch, or 0 when memory cannot grow to hold it. */
export function TAKE(bytes: u64): usize {
  let at = <u64>ARENA_TOP();
  let end = at + ((bytes + 15) & ~<u64>15);
  if (bytes > (<u64>1 << 32) || !ENSURE(end)) return 0;
  top = <usize>end;
  return <usize>at;
}
