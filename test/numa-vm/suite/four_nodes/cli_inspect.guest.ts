// `numabind inspect`, `migrate` and `stat -p` on four nodes, against a child whose pages sit
// off their policy: first touched on node 0, then bound to node 1 without moving them.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, expect, test } from "vitest";

const root = join(import.meta.dirname, "..", "..", "..", "..");
const CLI = join(root, "dist", "cli", "main.js");
const PAGES = 512;
const CHILD = `
const nb = await import(${JSON.stringify(pathToFileURL(join(root, "dist", "host", "mod.js")).href)});
const page = nb.topology().pageSize;
const buf = nb.alloc(${PAGES} * page, { mode: "default" });
new Uint8Array(buf).fill(1);                                    // first touch: this CPU's node, 0
nb.bind(new Uint8Array(buf), { mode: "bind", nodes: [1] });     // no move: the pages stay on 0
const addr = nb.numabind.backend.addressOf(new Uint8Array(buf));
console.log(JSON.stringify({ pid: process.pid, addr: "0x" + addr.toString(16) }));
process.stdin.resume();
process.stdin.on("end", () => process.exit(buf.byteLength > 0 ? 0 : 1));`;

interface Mapping { start: string; policy: string; pages: number[]; offPolicyPages: number }
let child: ReturnType<typeof spawn>;
let target: { pid: number; addr: string };

const json = <T>(args: string[]): T => {
  const r = spawnSync(process.execPath, [CLI, ...args, "--json"], { encoding: "utf8", timeout: 110_000 });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as T;
};
const mapping = (): { m: Mapping; nodes: number[] } => {
  const r = json<{ nodes: number[]; mappings: Mapping[] }>(["inspect", String(target.pid)]);
  return { m: r.mappings.find((x) => x.start === target.addr)!, nodes: r.nodes };
};

beforeAll(async () => {
  child = spawn(process.execPath, [CLI, "run", "--cpunodebind=0", "--", process.execPath, "--input-type=module", "-e", CHILD], { stdio: ["pipe", "pipe", "inherit"] });
  target = await new Promise((resolve) => child.stdout!.once("data", (d: Buffer) => resolve(JSON.parse(String(d)) as { pid: number; addr: string })));
}, 110_000);
afterAll(() => { child.stdin!.end(); });

test("numabind inspect shows the bind:1 mapping with its pages on node 0: off its policy", () => {
  const { m, nodes } = mapping();
  expect(m.policy).toBe("bind:1");
  expect(m.pages[nodes.indexOf(0)]).toBe(PAGES);
  expect(m.offPolicyPages).toBe(PAGES);
});

test("numabind migrate PID 0 1 moves them to node 1; inspect then finds nothing off policy", () => {
  const r = json<{ moved: number; notMoved: number; pagesAfter: Record<string, number> }>(["migrate", String(target.pid), "0", "1"]);
  expect(r.notMoved).toBe(0);
  expect(r.moved).toBeGreaterThanOrEqual(PAGES);
  const { m, nodes } = mapping();
  expect(m.pages[nodes.indexOf(1)]).toBe(PAGES);
  expect(m.offPolicyPages).toBe(0);
});

test("numabind stat -p PID: the process's private memory on node 1 covers the migrated buffer", () => {
  const r = json<{ nodes: number[]; processes: { pid: number; rows: { name: string; perNode: number[] }[] }[] }>(["stat", "-p", String(target.pid)]);
  const p = r.processes.find((x) => x.pid === target.pid)!;
  const priv = p.rows.find((row) => row.name === "private")!;
  expect(priv.perNode[r.nodes.indexOf(1)]).toBeGreaterThanOrEqual((PAGES * 4096) / (1 << 20));
});
