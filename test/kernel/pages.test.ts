import { describe, expect, test } from "vitest";
import {
  alloc, countPageStatuses, describePageStatus, free, locate, migratePages, movePages, numabind,
  NumaError, topology,
} from "../../host/mod.ts";
import { unmappedRange } from "../helpers/maps.ts";

const page = topology().pageSize;
const ENOENT = -2, EFAULT = -14;

describe("locate()", () => {
  test("alloc → touch → locate() says node 0 for every touched page and -ENOENT for untouched ones", () => {
    const buf = alloc(64 * page, { mode: "bind", nodes: [0] });
    const u8 = new Uint8Array(buf);
    for (let i = 0; i < 64; i += 2) u8[i * page + 17] = 1;
    const where = locate(buf);
    expect(where).toHaveLength(64);
    expect(Array.from(where)).toEqual(Array.from({ length: 64 }, (_, i) => (i % 2 === 0 ? 0 : ENOENT)));
    expect([...countPageStatuses(where)]).toEqual([[ENOENT, 32], [0, 32]]);
    expect(describePageStatus(where[1]!)).toMatch(/^ENOENT: not faulted in/);
    free(buf);
  });

  test("locate() says -EFAULT for a page only read (the shared zero page) and for unmapped pages", () => {
    const buf = alloc(4 * page, { mode: "default" });
    const u8 = new Uint8Array(buf);
    expect(u8[page]).toBe(0); // a read maps the zero page
    u8[2 * page] = 1;
    expect(Array.from(locate(buf))).toEqual([ENOENT, EFAULT, 0, ENOENT]);
    const hole = unmappedRange(3);
    expect(Array.from(locate(hole, { unsafeRawAddress: true }))).toEqual([EFAULT, EFAULT, EFAULT]);
    expect(describePageStatus(EFAULT)).toMatch(/^EFAULT: no page/);
    free(buf);
  });

  test("locate() covers every page a view touches, partial pages included", () => {
    const buf = alloc(8 * page, { mode: "default" });
    new Uint8Array(buf).fill(1);
    const view = new Uint8Array(buf, page - 10, 2 * page + 20); // touches pages 0..3
    expect(Array.from(locate(view))).toEqual([0, 0, 0, 0]);
    free(buf);
  });

  test("locate() refuses raw ranges without the opt-in and freed buffers, before any syscall", () => {
    expect(() => locate({ addr: 4096n, length: 4096n })).toThrow(/unsafeRawAddress/);
    const buf = alloc(page, { mode: "default" });
    free(buf);
    let err: unknown;
    try { locate(buf); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(NumaError);
    expect(err).toMatchObject({ code: "EINVAL", syscall: "validate", arg: "target" });
    expect((err as Error).message).toMatch(/released by free\(\)/);
  });
});

describe("movePages()", () => {
  test("movePages() to node 0 moves the owned pages and reports each one's node", () => {
    const buf = alloc(32 * page, { mode: "default" });
    const u8 = new Uint8Array(buf);
    for (let i = 0; i < 32; i++) if (i !== 5) u8[i * page] = i;
    const status = movePages(buf, 0);
    expect(Array.from(status)).toEqual(Array.from({ length: 32 }, (_, i) => (i === 5 ? ENOENT : 0)));
    expect(Array.from(locate(buf))).toEqual(Array.from(status));
    expect(u8[7 * page]).toBe(7); // contents move with the page
    free(buf);
  });

  test("movePages() takes one node per page, works in chunks and reports progress", () => {
    const buf = alloc(100 * page, { mode: "default" });
    new Uint8Array(buf).fill(3);
    const calls: [number, number][] = [];
    const status = movePages(buf, new Int32Array(100), { chunkPages: 7, targetChunkMs: 1000, progressIntervalMs: 0, onProgress: (d, t) => calls.push([d, t]) });
    expect(Array.from(status)).toEqual(new Array(100).fill(0));
    // With a latency target each call is one chunk, resized from its duration.
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.at(-1)).toEqual([100, 100]);
    for (let i = 1; i < calls.length; i++) expect(calls[i]![0]).toBeGreaterThan(calls[i - 1]![0]);
    free(buf);
  });

  test("movePages() moves only the pages a view fully owns", () => {
    const buf = alloc(8 * page, { mode: "default" });
    new Uint8Array(buf).fill(1);
    expect(movePages(new Uint8Array(buf, 100, 3 * page), 0)).toHaveLength(2);
    expect(() => movePages(new Uint8Array(buf, 100, page), 0)).toThrow(/owns no whole/);
    free(buf);
  });

  test("movePages() refuses nodes the kernel would refuse, with the kernel's codes, before any syscall", () => {
    const buf = alloc(4 * page, { mode: "default" });
    const offline = topology().possible.toArray().at(-1)! + 1;
    expect(() => movePages(buf, offline)).toThrow(expect.objectContaining({ code: "ENODEV", syscall: "validate" }));
    expect(() => movePages(buf, -1)).toThrow(RangeError);
    expect(() => movePages(buf, new Int32Array(3))).toThrow(/one node per page/);
    expect(() => movePages(buf, 0, { chunkPages: 0 })).toThrow(/chunkPages/);
    free(buf);
  });

  test("the kernel's ENODEV for an offline node comes back as a typed error naming the node (backend called directly)", () => {
    const offline = topology().possible.toArray().at(-1)! + 4;
    const buf = alloc(2 * page, { mode: "default" });
    new Uint8Array(buf).fill(1);
    const pages = new BigUint64Array([numabind.backend.addressOf(new Uint8Array(buf))]);
    const r = numabind.backend.movePages!(0, 1, new Uint8Array(pages.buffer), new Uint8Array(Int32Array.of(offline).buffer), new Uint8Array(4), 2, 0);
    expect(r.result).toBe(-19);
    expect(r.done).toBe(0);
    free(buf);
  });
});

describe("migratePages()", () => {
  test("migratePages(0, [0], [0]) moves nothing and reports 0 pages left behind", () => {
    expect(migratePages(0, [0], [0])).toBe(0);
  });

  test("migratePages() of a process that does not exist throws ESRCH naming the pid", () => {
    const pid = 0x7ffffff0; // above pid_max (at most 2^22)
    let err: unknown;
    try { migratePages(pid, [0], [0]); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(NumaError);
    expect(err).toMatchObject({ code: "ESRCH", errno: 3, syscall: "migrate_pages", arg: "pid" });
    expect((err as Error).message).toMatch(new RegExp(`no process with pid ${pid}`));
  });

  test("migratePages() refuses bad arguments before any syscall", () => {
    expect(() => migratePages(-1, [0], [0])).toThrow(RangeError);
    expect(() => migratePages(1.5, [0], [0])).toThrow(RangeError);
    expect(() => migratePages(0, [0], [])).toThrow(expect.objectContaining({ code: "EINVAL", arg: "to" }));
    expect(() => migratePages(0, [0], [-3])).toThrow(RangeError);
  });
});
