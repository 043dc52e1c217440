import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { mapCount } from "../../../host/core/system/mod.ts";
import { tempDir } from "../../helpers/child.ts";

/** A fake root whose proc/1/maps holds `text`. */
function fakeMaps(text: string): string {
  const root = join(tempDir(), `root-${process.pid}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(join(root, "proc/1"), { recursive: true });
  writeFileSync(join(root, "proc/1/maps"), text);
  return root;
}

const line = (i: number, tail = ""): string => {
  const s = 0x10000000 + i * 0x2000;
  return `${s.toString(16)}-${(s + 0x1000).toString(16)} rw-p 00000000 00:00 0 ${tail}`;
};
const VSYSCALL = "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]";

test("mapCount() counts this process's lines of /proc/self/maps, less [vsyscall]", () => {
  const lines = readFileSync("/proc/self/maps", "latin1").split("\n").filter((l) => l !== "");
  const expected = lines.filter((l) => !l.endsWith("[vsyscall]")).length;
  // The count can move by a mapping or two between the two reads (V8 and libuv map memory).
  expect(Math.abs(mapCount()! - expected)).toBeLessThanOrEqual(4);
});

test("mapCount() counts lines across 64 KiB reads, drops [vsyscall] wherever the read cuts it", () => {
  // ~1.1 MB of lines of varying length: some line straddles every read boundary.
  const body = Array.from({ length: 20000 }, (_, i) => line(i, "x".repeat(i % 97)));
  expect(mapCount(1, fakeMaps(`${body.join("\n")}\n`))).toBe(20000);
  expect(mapCount(1, fakeMaps(`${[...body, VSYSCALL].join("\n")}\n`))).toBe(20000);
  // [vsyscall] cut by the first read, at each of its bytes.
  for (let cut = 0; cut <= 12; cut += 3) {
    const pad = 65536 - cut - VSYSCALL.length + "[vsyscall]".length - 1;
    const first = line(0, "p".repeat(pad - line(0).length));
    expect(mapCount(1, fakeMaps(`${first}\n${VSYSCALL}\n${line(1)}\n`))).toBe(2);
  }
});

test("mapCount() counts a last line without a newline, and names no [vsyscall] inside a path", () => {
  expect(mapCount(1, fakeMaps(`${line(0)}\n${line(1)}`))).toBe(2);
  expect(mapCount(1, fakeMaps(`${line(0)}\n${VSYSCALL}`))).toBe(1);
  expect(mapCount(1, fakeMaps(`${line(0, "/tmp/[vsyscall]/lib.so")}\n${line(1)}\n`))).toBe(2);
  expect(mapCount(1, fakeMaps(""))).toBe(0);
});

test("mapCount() is undefined when the file cannot be read", () => {
  expect(mapCount(1, join(tempDir(), "no-such-root"))).toBeUndefined();
});
