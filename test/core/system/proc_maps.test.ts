import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { parseMappings, readMappings } from "../../../host/core/system/mod.ts";
import { tempDir } from "../../helpers/child.ts";

const LINES = [
  "00400000-00452000 r-xp 00000000 08:02 173521      /usr/bin/dbus-daemon",
  "7f8a54c29000-7f8a54c2b000 rw-p 00000000 00:00 0",
  "7f8a54c2b000-7f8a54c2d000 rw-p 00000000 00:00 0 ",
  "7ffd1c5e1000-7ffd1c602000 rw-p 00000000 00:00 0                          [stack]",
  "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]",
];

test("parseMappings() returns the mappings overlapping [lo, hi), as numbers, and stops past hi", () => {
  const text = LINES.join("\n");
  expect(parseMappings(text, 0x7f8a54c2a000, 0x7f8a54c2c000)).toEqual({
    starts: [0x7f8a54c29000, 0x7f8a54c2b000], ends: [0x7f8a54c2b000, 0x7f8a54c2d000],
  });
  expect(parseMappings(text, 0x500000, 0x7f8a54c29000)).toEqual({ starts: [], ends: [] });
  expect(parseMappings(text, 0, 0x400001).starts).toEqual([0x400000]);
});

test("readMappings() streams a maps file bigger than its buffer, with lines cut at every chunk boundary", () => {
  // 20,000 lines of varying length (~1.1 MB): lines straddle the 64 KiB reads.
  const lines: string[] = [];
  for (let i = 0; i < 20000; i++) {
    const s = 0x10000000 + i * 0x2000;
    lines.push(`${s.toString(16)}-${(s + 0x1000).toString(16)} rw-p 00000000 00:00 0 ${"x".repeat(i % 97)}`);
  }
  const file = join(tempDir(), `maps-${process.pid}`);
  writeFileSync(file, `${lines.join("\n")}\n`);
  const lo = 0x10000000 + 5000 * 0x2000 + 0x800, hi = 0x10000000 + 15000 * 0x2000;
  const m = readMappings(lo, hi, file);
  expect(m.starts).toHaveLength(10000);
  expect(m.starts[0]).toBe(0x10000000 + 5000 * 0x2000);
  expect(m.ends.at(-1)).toBe(0x10000000 + 14999 * 0x2000 + 0x1000);
  expect(m.starts.every((s, i) => i === 0 || s === m.starts[i - 1]! + 0x2000)).toBe(true);
  // A last line without a newline is read too.
  writeFileSync(file, lines.slice(0, 3).join("\n"));
  expect(readMappings(0, 2 ** 40, file).starts).toHaveLength(3);
});

test("readMappings() of this process finds the mapping holding a live buffer", () => {
  const ab = new ArrayBuffer(1 << 20);
  expect(ab.byteLength).toBe(1 << 20);
  const m = readMappings(0, 2 ** 47);
  expect(m.starts.length).toBeGreaterThan(10);
  for (let i = 1; i < m.starts.length; i++) expect(m.starts[i]).toBeGreaterThanOrEqual(m.ends[i - 1]!);
});
