// The WASI planner's output: bytes appended at the top of the arena, written to stdout once.
import { errno, fd_write } from "bindings/wasi_snapshot_preview1";
import { ARENA_TOP, ENSURE } from "../util/arena";
import { WRITE_DECIMAL, WRITE_HEX, HEX_WIDTH } from "../util/text";

let base: usize = 0, at: usize = 0;

export function outBegin(): void { base = ARENA_TOP(); at = base; }

// @ts-ignore: decorator
@inline function room(n: usize): bool { return ENSURE(<u64>at + <u64>n); }

export function byte(c: u32): void { if (room(1)) { store<u8>(at, <u8>c); at++; } }

/** Appends an ASCII string literal. */
export function str(s: string): void {
  let n = <usize>s.length;
  if (!room(n)) return;
  for (let i: usize = 0; i < n; ++i) store<u8>(at + i, <u8>s.charCodeAt(<i32>i));
  at += n;
}

/** Appends raw bytes [p, p + n), escaping quotes and backslashes for a JSON string. */
export function rawEscaped(p: usize, n: usize): void {
  for (let i: usize = 0; i < n; ++i) {
    let c = <u32>load<u8>(p + i);
    if (c == 0x22 || c == 0x5c) byte(0x5c);
    byte(c < 0x20 ? 0x3f : c);
  }
}

export function dec(v: u64): void {
  if (!room(20)) return;
  if (v <= 0xffffffff) { at += WRITE_DECIMAL(at, <u32>v); return; }
  // Split into 9-digit parts, most significant first.
  let hi = v / 1000000000000000000, mid = (v / 1000000000) % 1000000000, lo = v % 1000000000;
  if (hi > 0) {
    at += WRITE_DECIMAL(at, <u32>hi);
    pad9(<u32>mid);
  } else {
    at += WRITE_DECIMAL(at, <u32>mid);
  }
  pad9(<u32>lo);
}

function pad9(v: u32): void {
  for (let i: i32 = 8; i >= 0; --i) { store<u8>(at + <usize>i, <u8>(0x30 + v % 10)); v /= 10; }
  at += 9;
}

export function hex(v: u64): void {
  let w = HEX_WIDTH(v);
  if (!room(w + 2)) return;
  store<u8>(at, 0x30); store<u8>(at + 1, 0x78);
  WRITE_HEX(at + 2, v, w);
  at += w + 2;
}

/** Writes everything to stdout (fd 1); `nap` waits when a non-blocking pipe is full. */
export function outFlush(nap: () => void): void {
  let iov = ARENA_TOP();
  if (!ENSURE(<u64>at + 32)) return;
  let p = base;
  iov = (at + 15) & ~<usize>15;
  while (p < at) {
    store<usize>(iov, p);
    store<usize>(iov + sizeof<usize>(), at - p);
    let err = fd_write(1, iov, 1, iov + 2 * sizeof<usize>());
    if (err == errno.AGAIN) { nap(); continue; }
    if (err != 0) return;
    let n = load<usize>(iov + 2 * sizeof<usize>());
    if (n == 0) { nap(); continue; }
    p += n;
  }
}
