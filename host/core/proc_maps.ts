import { closeSync, openSync, readSync } from "node:fs";

/** Mappings (VMAs) overlapping a range: mapping i is [starts[i], ends[i]), ascending. */
export interface Mappings { starts: number[]; ends: number[] }

/** Bytes read per read(2): /proc/PID/maps lines are at most ~4.2 KiB (PATH_MAX plus fields). */
const CHUNK = 65536;

const hexValue = (c: number): number => (c <= 57 ? c - 48 : (c | 32) - 87);

/**
 * Scans maps text in `b[from, to)` for whole lines; calls `line(start, end)` per line and
 * returns where the first incomplete line begins (or -1 once a line starts at or past `hi`).
 */
function scanLines(b: Uint8Array, from: number, to: number, hi: number,
  line: (start: number, end: number) => void): number {
  let i = from;
  while (i < to) {
    const nl = b.indexOf(10, i);
    if (nl < 0 || nl >= to) return i;
    let start = 0, end = 0, j = i;
    for (; b[j] !== 45 && j < nl; j++) start = start * 16 + hexValue(b[j]!); // up to '-'
    for (j++; b[j] !== 32 && j < nl; j++) end = end * 16 + hexValue(b[j]!); //  up to ' '
    if (start >= hi) return -1;
    line(start, end);
    i = nl + 1;
  }
  return i;
}

/**
 * The mappings of this process that overlap [lo, hi), from /proc/self/maps: boundaries only,
 * no page-table walk (numa_maps walks every page table and prints a truncated policy text).
 * The file is streamed through one 64 KiB buffer and parsing stops past `hi`, so this costs
 * about the kernel's ~1 µs per line up to `hi` and never builds a multi-megabyte string, which
 * matters at vm.max_map_count, where the runtime may be unable to map memory for one.
 * Addresses are numbers: user space lies below 2^53 on every 64-bit Linux ABI.
 * @param path the maps file (tests pass a fixture)
 * @example
 * ```ts
 * const m = readMappings(addr, addr + 4096);
 * expect(m.starts[0]).toBeLessThanOrEqual(addr);
 * ```
 */
export function readMappings(lo: number, hi: number, path = "/proc/self/maps"): Mappings {
  const out: Mappings = { starts: [], ends: [] };
  const line = (s: number, e: number): void => {
    if (e > lo) { out.starts.push(s); out.ends.push(e); }
  };
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.allocUnsafeSlow(CHUNK);
    let have = 0;
    for (;;) {
      const got = readSync(fd, buf, have, CHUNK - have, null);
      have += got;
      const rest = scanLines(buf, 0, have, hi, line);
      if (rest < 0) break;
      if (got === 0) {
        // A last line without a newline (never from the kernel, possible in a fixture).
        if (rest < have) { buf[have] = 10; scanLines(buf, rest, have + 1, hi, line); }
        break;
      }
      buf.copyWithin(0, rest, have);
      have -= rest;
    }
  } finally {
    closeSync(fd);
  }
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
  const b = Buffer.from(text.endsWith("\n") ? text : `${text}\n`);
  scanLines(b, 0, b.length, hi, (s, e) => { if (e > lo) { out.starts.push(s); out.ends.push(e); } });
  return out;
}
