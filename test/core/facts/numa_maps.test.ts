import { expect, test } from "vitest";
import { parseNumaMaps } from "../../../host/core/facts/mod.ts";

// Lines as the kernel printed them on Linux 6.18 (shared/reference/kernel-mempolicy.md §6).
const SAMPLE = `7f8a54c29000 bind:0 anon=1 dirty=1 active=0 N0=1 kernelpagesize_kB=4
7f8a54c31000 prefer (many):0 anon=1 dirty=1 active=0 N0=1 kernelpagesize_kB=4
7f8a54c33000 weighted interleave:0 anon=1 dirty=1 active=0 N0=1 kernelpagesize_kB=4
7f8a54c35000 bind=static:0 anon=1 dirty=1 active=0 N0=1 kernelpagesize_kB=4
7f8a54c38000 bind=balancing:0
5629798e4000 default file=/usr/bin/cat mapped=2 N0=2 kernelpagesize_kB=4
56299ae71000 default heap anon=4 dirty=4 active=0 N0=4 kernelpagesize_kB=4
7f4ef6884000 default
7ff965200000 default file=/anon_hugepage\\040(deleted) huge anon=5 dirty=5 N0=5 kernelpagesize_kB=2048
7f0000000000 interleave=relative|balancing:0-1,3 anon=512 dirty=512 N0=256 N1=128 N3=128 kernelpagesize_kB=4
`;

test("parseNumaMaps() reads modes with spaces, flags, node lists and optional counters", () => {
  const e = parseNumaMaps(SAMPLE);
  expect(e).toHaveLength(10);
  expect(e[0]).toMatchObject({ start: 0x7f8a54c29000n, policy: "bind:0", mode: "bind", nodes: [0], anon: 1, pagesPerNode: { 0: 1 }, kernelPageSizeKiB: 4 });
  expect(e[1]).toMatchObject({ policy: "prefer (many):0", mode: "preferred-many", nodes: [0] });
  expect(e[2]).toMatchObject({ policy: "weighted interleave:0", mode: "weighted-interleave" });
  expect(e[3]).toMatchObject({ mode: "bind", modeFlags: ["static"] });
  expect(e[4]).toMatchObject({ mode: "bind", modeFlags: ["balancing"], pagesPerNode: {} });
  expect(e[5]).toMatchObject({ mode: "default", file: "/usr/bin/cat", mapped: 2 });
  expect(e[6]).toMatchObject({ heap: true, anon: 4 });
  expect(e[7]).toMatchObject({ start: 0x7f4ef6884000n, policy: "default", pagesPerNode: {} });
  expect(e[7]!.anon).toBeUndefined();
  expect(e[8]).toMatchObject({ huge: true, file: "/anon_hugepage (deleted)", kernelPageSizeKiB: 2048 });
  expect(e[9]).toMatchObject({ modeFlags: ["relative", "balancing"], nodes: [0, 1, 3], pagesPerNode: { 0: 256, 1: 128, 3: 128 } });
});

test("parseNumaMaps() takes each entry's end from /proc/PID/maps", () => {
  const maps = "7f4ef6884000-7f4ef6886000 rw-p 00000000 00:00 0\n";
  const [e] = parseNumaMaps("7f4ef6884000 default\n", maps);
  expect(e!.end).toBe(0x7f4ef6886000n);
});

test("parseNumaMaps() keeps an unknown mode's text and marks it unknown", () => {
  const [e] = parseNumaMaps("7f0000000000 unknown anon=1 N0=1\n");
  expect(e).toMatchObject({ mode: "unknown", policy: "unknown", pagesPerNode: { 0: 1 } });
});
