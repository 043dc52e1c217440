// Tracing: an instance built with { trace } reports every syscall it issues as a Tracee legacy
// event. The events are checked against what the kernel saw: strace of the same child process.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { available, createNumabind, openBackend, topology, TRACEE_IDS, type TraceEvent } from "../../host/mod.ts";
import { runChild, tempDir } from "../helpers/child.ts";
import { runTraced } from "../helpers/strace.ts";

const page = topology().pageSize;

/** Tracee's argument names and Go types per event (v0.24), from its core.go. */
const TRACEE_ARGS: Record<string, string[]> = {
  mbind: ["addr:trace.Pointer", "len:uint64", "mode:int32", "nodemask:trace.Pointer", "maxnode:uint64", "flags:uint32"],
  set_mempolicy: ["mode:int32", "nodemask:trace.Pointer", "maxnode:uint64"],
  get_mempolicy: ["mode:trace.Pointer", "nodemask:trace.Pointer", "maxnode:uint64", "addr:trace.Pointer", "flags:uint64"],
  migrate_pages: ["pid:int32", "maxnode:uint64", "old_nodes:trace.Pointer", "new_nodes:trace.Pointer"],
  move_pages: ["pid:int32", "count:uint64", "pages:trace.Pointer", "nodes:trace.Pointer", "status:trace.Pointer", "flags:int32"],
};

describe("createNumabind(backend, { trace })", () => {
  test("emits one Tracee legacy event per syscall, matching strace of the same process call for call", () => {
    const names = ["mbind", "set_mempolicy", "get_mempolicy", "move_pages", "migrate_pages"];
    const r = runTraced(`
const lines = [];
const t = nb.createNumabind(nb.openBackend(), { trace: (e) => lines.push(nb.traceLine(e)) });
const page = ${page};
const m = t.backend.mmap(BigInt(64 * page), 64 * page);
const base = m.addr, raw = (i, n = 1) => ({ addr: base + BigInt(i * page), length: BigInt(n * page) });
t.setThreadPolicy({ mode: "interleave", nodes: [0] });
t.setThreadPolicy({ mode: "default" });
new Uint8Array(m.buffer).fill(1);
t.bind(new Uint8Array(m.buffer, 60 * page, 2 * page), { mode: "bind", nodes: [0], static: true }, { move: true });
t.backend.munmap(base + BigInt(50 * page), BigInt(page));   // a hole: the batch fails there and rolls back
const requests = [];
for (let i = 0; i < 48; i++) requests.push({ target: raw(i), policy: i & 1 ? { mode: "interleave", nodes: "0" } : { mode: "bind", nodes: [0] } });
requests.push({ target: raw(48, 4), policy: { mode: "preferred", nodes: [0] } });
const res = t.bindBatch(requests, { unsafeRawAddress: true, atomic: true });
t.getPolicy(base);
t.movePages(new Uint8Array(m.buffer, 0, 4 * page), 0);
t.migratePages(0, [0], [0]);
report({ lines, base: String(base), ok: res.ok, syscalls: res.syscalls, restore: res.restoreSyscalls, pid: process.pid });`, names);
    expect(r.stderr).toBe("");
    const out = r.result as { lines: string[]; base: string; ok: boolean; syscalls: number; restore: number; pid: number };
    expect(out.ok).toBe(false);
    const events = out.lines.map((l) => JSON.parse(l) as TraceEvent & { args: { name: string; type: string; value: number }[] });
    const base = BigInt(out.base), end = base + BigInt(64 * page);

    // The shape Tracee writes (trace.Event) and its argument names and types.
    for (const e of events) {
      expect(typeof e.timestamp).toBe("number");
      expect(e).toMatchObject({ processId: out.pid, threadId: out.pid, eventId: String(TRACEE_IDS[e.eventName]!.x86_64), syscall: e.eventName, argsNum: e.args.length });
      expect(e.args.map((a) => `${a.name}:${a.type}`)).toEqual(TRACEE_ARGS[e.eventName]);
      expect(Number.isInteger(e.returnValue) && e.returnValue <= 0 || e.eventName === "migrate_pages").toBe(true);
    }
    // The kernel's view of our calls: mbind and get_mempolicy on the region, set_mempolicy,
    // move_pages and migrate_pages (the backend's own probes at load move 0 pages).
    const mine = r.calls.filter((c) => (c.name === "mbind" ? c.args[0]! >= base && c.args[0]! < end
      : c.name === "get_mempolicy" ? c.args[3]! >= base && c.args[3]! < end
      : c.name === "move_pages" ? c.args[1]! > 0n : true));
    const traced = events.filter((e) => e.eventName !== "get_mempolicy" || BigInt(e.args[3]!.value) >= base);
    expect(traced.map((e) => e.eventName)).toEqual(mine.map((c) => c.name));
    // Without the shim, ffi-rs hands the kernel copies of some arrays: their addresses differ.
    const exact = available().path === "shim";
    traced.forEach((e, i) => {
      const keep = (_v: unknown, j: number) => exact || e.args[j]!.type !== "trace.Pointer";
      expect(e.args.map((a) => BigInt(a.value)).filter(keep)).toEqual(mine[i]!.args.filter(keep));
      expect(e.returnValue).toBe(mine[i]!.ret);
    });
    const mbinds = traced.filter((e) => e.eventName === "mbind");
    expect(mbinds.length).toBe(1 + out.syscalls + out.restore);   // the lean bind, the batch, its rollback
    expect(mbinds.filter((e) => e.returnValue === -14)).toHaveLength(1);   // EFAULT at the hole
    expect(traced.filter((e) => e.eventName === "set_mempolicy").map((e) => e.numabind)).toEqual([
      { mode: "interleave", modeFlags: [], nodes: "0" }, { mode: "default", modeFlags: [], nodes: "" },
    ]);
    expect(mbinds[0]!.numabind).toEqual({ mode: "bind", modeFlags: ["static"], nodes: "0", flags: ["move"] });
    // Batch ops name the request that decided their first page.
    const first = mbinds[1]!;
    expect(first.numabind).toMatchObject({ mode: "bind", nodes: "0", request: 0 });
    expect(BigInt(first.args[0]!.value)).toBe(base);
    expect(traced.find((e) => e.eventName === "migrate_pages")!.numabind).toEqual({ nodes: "0", toNodes: "0" });
  });

  test("NUMABIND_TRACE=file traces the default instance: one JSON line per syscall, appended", () => {
    const file = join(tempDir(), `trace-${process.pid}.jsonl`);
    const body = `const buf = nb.alloc(8 * ${page}, { mode: "default" });
nb.bind(new Uint8Array(buf, 0, 4 * ${page}), { mode: "interleave", nodes: [0] });
const r = nb.bindBatch([0, 2, 4].map((i) => ({ target: new Uint8Array(buf, i * ${page}, ${page}), policy: { mode: "bind", nodes: "0" } })));
report({ syscalls: r.syscalls });`;
    const a = runChild(body, { env: { NUMABIND_TRACE: file } });
    const b = runChild(body, { env: { NUMABIND_TRACE: file } });
    expect(a.stderr + b.stderr).toBe("");
    const lines = readFileSync(file, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as TraceEvent);
    const mbinds = lines.filter((e) => e.eventName === "mbind");
    expect((a.result as { syscalls: number }).syscalls).toBe(3);
    // Per process: alloc()'s policy, bind(), then the batch's three ops, each from its request.
    const one = ["default", "interleave", "bind", "bind", "bind"];
    expect(mbinds.map((e) => e.numabind.mode)).toEqual([...one, ...one]);
    expect(mbinds.slice(2, 5).map((e) => e.numabind.request)).toEqual([0, 1, 2]);
    expect(mbinds.every((e) => e.returnValue === 0)).toBe(true);
    expect(new Set(lines.map((e) => e.processId)).size).toBe(2);
  });

  test("NUMABIND_TRACE naming a file that cannot be opened fails the import with the fix", () => {
    const r = runChild("report(1);", { env: { NUMABIND_TRACE: "/proc/no/such/dir/trace.jsonl" } });
    expect(r.stderr).toMatch(/Cannot trace to NUMABIND_TRACE: \/proc\/no\/such\/dir\/trace.jsonl cannot be opened for appending \(ENOENT\)/);
  });

  test("traceLine() prints 64-bit values exactly, as JSON integers", async () => {
    const { traceLine } = await import("../../host/mod.ts");
    const e = { timestamp: 1767600123456789012n, args: [{ name: "addr", type: "trace.Pointer", value: 18446744073709547520n }] } as unknown as TraceEvent;
    expect(traceLine(e)).toBe('{"timestamp":1767600123456789012,"args":[{"name":"addr","type":"trace.Pointer","value":18446744073709547520}]}');
  });

  test("an instance without a trace calls the backend's own hooks: nothing sits between", () => {
    const backend = openBackend();
    const nb = createNumabind(backend);
    expect(nb.backend).toBe(backend);
    const traced = createNumabind(backend, { trace: () => {} });
    expect(traced.backend).not.toBe(backend);
    expect(traced.backend.name).toBe(backend.name);
    expect(() => createNumabind(backend, { trace: "yes" as never })).toThrow(/options.trace must be a function/);
    expect(() => createNumabind(backend, { tarce: () => {} } as never)).toThrow(/tarce/);
  });

  test("a trace callback that throws does not fail the call: the syscall happened", () => {
    const errors: unknown[] = [];
    const spy = console.error;
    console.error = (...a: unknown[]) => errors.push(a.join(" "));
    try {
      const nb = createNumabind(openBackend(), { trace: () => { throw new Error("sink full"); } });
      nb.setThreadPolicy({ mode: "default" });
      nb.setThreadPolicy({ mode: "default" });
    } finally {
      console.error = spy;
    }
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/trace callback threw \(sink full\); the calls themselves went through/);
  });
});
