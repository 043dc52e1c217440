import { system } from "./port.ts";

/** Mappings (VMAs) overlapping a range: mapping i is [starts[i], ends[i]), ascending. */
export interface Mappings { starts: number[]; ends: number[] }

/** Bytes read per read(2): /proc/PID/maps lines are at most ~4.2 KiB (PATH_MAX plus fields). */
const CHUNK = 65536;

const hexValue = (c: number): number => (c <= 57 ? c - 48 : (c | 32) - 87);

/** Called per line [start, end) of `b`, newline excluded; false stops the scan. */
export type LineCallback = (b: Uint8Array, start: number, end: number, terminated: boolean) => boolean;

/**
 * Calls `line` for each whole line of `b[from, to)`; returns where the first incomplete line
 * begins, or -1 once `line` returned false.
 */
function scanLines(b: Uint8Array, from: number, to: number, line: LineCallback): number {
  let i = from;
  while (i < to) {
    const nl = b.indexOf(10, i);
    if (nl < 0 || nl >= to) return i;
    if (!line(b, i, nl, true)) return -1;
    i = nl + 1;
  }
  return i;
}

/**
 * Streams a file's lines through one buffer of `bytes` (longer than any line), never building
 * a string: this runs when the process is at vm.max_map_count, where a multi-megabyte string
 * could need a new mapping and make V8 abort the process. Calls `line` per line; a last line
 * without a newline comes with `terminated` false. Stops early when `line` returns false.
 * Throws when the file cannot be opened or read.
 * @example Basic usage
 * ```ts
 * let lines = 0;
 * streamLines("/proc/self/maps", 16384, () => { lines++; return true; });
 * expect(lines).toBeGreaterThan(10);
 * ```
 */
export function streamLines(path: string, bytes: number, line: LineCallback): void {
  const sys = system();
  const fd = sys.open(path);
  try {
    const buf = new Uint8Array(bytes);
    let have = 0;
    for (;;) {
      const got = sys.read(fd, buf, have, bytes - have);
      have += got;
      const rest = scanLines(buf, 0, have, line);
      if (rest < 0) return;
      if (got === 0) {
        // A last line without a newline (never from the kernel, possible in a fixture).
        if (rest < have) line(buf, rest, have, false);
        return;
      }
      buf.copyWithin(0, rest, have);
      have -= rest;
    }
  } finally {
    sys.close(fd);
  }
}

/** A line callback that collects the mappings overlapping [lo, hi) and stops past hi. */
function collect(out: Mappings, lo: number, hi: number): LineCallback {
  return (b, from, to) => {
    let start = 0, end = 0, j = from;
    for (; b[j] !== 45 && j < to; j++) start = start * 16 + hexValue(b[j]!); // up to '-'
    for (j++; b[j] !== 32 && j < to; j++) end = end * 16 + hexValue(b[j]!); //  up to ' '
    if (start >= hi) return false;
    if (end > lo) { out.starts.push(start); out.ends.push(end); }
    return true;
  };
}

/**
 * The mappings of this process that overlap [lo, hi), from /proc/self/maps: boundaries only,
 * no page-table walk (numa_maps walks every page table and prints a truncated policy text).
 * The file is streamed through one 64 KiB buffer (streamLines) and parsing stops past `hi`, so
 * this costs about the kernel's ~1 µs per line up to `hi`.
 * Addresses are numbers, exact below 2^53, where user space lies in practice (with 5-level
 * paging Linux maps up to 2^56, but only for a process that asks for addresses that high);
 * snapshotOps refuses batches reaching above 2^53.
 * @param path the maps file (tests pass a fixture)
 * @example
 * ```ts
 * const m = readMappings(addr, addr + 4096);
 * expect(m.starts[0]).toBeLessThanOrEqual(addr);
 * ```
 */
export function readMappings(lo: number, hi: number, path = "/proc/self/maps"): Mappings {
  const out: Mappings = { starts: [], ends: [] };
  streamLines(path, CHUNK, collect(out, lo, hi));
  return out;
}

/**
 * The same from maps text already read (tests, or a copy of another process's maps).
 * @example
 * ```ts
 * expect(parseMappings("1000-3000 rw-p 0 00:00 0\n", 0, 1e6)).toEqual({ starts: [4096], ends: [12288] });
 * ```
 */
export function parseMappings(text: string, lo: number, hi: number): Mappings {
  const out: Mappings = { starts: [], ends: [] };
  const b = new TextEncoder().encode(text.endsWith("\n") ? text : `${text}\n`);
  scanLines(b, 0, b.length, collect(out, lo, hi));
  return out;
}

/**
 * Cuts [a, b) at mapping boundaries: calls piece(s, e) for each part of the range inside a
 * mapping, in address order; what lies between pieces is unmapped. Mappings before index `from`
 * are not looked at: a caller cutting ranges in ascending order passes back what the last call
 * returned.
 * @returns the index of the first mapping that ends after `a`
 * @example Basic usage
 * ```ts
 * const cuts: number[][] = [];
 * cutAtMappings({ starts: [0, 8192], ends: [4096, 12288] }, 0, 12288, (s, e) => cuts.push([s, e]));
 * expect(cuts).toEqual([[0, 4096], [8192, 12288]]);
 * ```
 */
export function cutAtMappings(m: Mappings, a: number, b: number, piece: (s: number, e: number) => void, from = 0): number {
  // Mappings are sorted and disjoint, so their ends ascend: binary search for the first past a.
  let lo = from, hi = m.ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (m.ends[mid]! <= a) lo = mid + 1; else hi = mid;
  }
  for (let j = lo; j < m.starts.length && m.starts[j]! < b; j++) piece(Math.max(a, m.starts[j]!), Math.min(b, m.ends[j]!));
  return lo;
}
